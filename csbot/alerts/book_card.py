"""The book-of-business digest as Block Kit: pure, from the `BookFacts` stored in its outbox row.

A summary line, then one section each for band changes, new alerts, alerts still waiting, the
renewals coming and the groups nobody has touched, at most MAX_LINES lines each, and a chart of
the bands now against a week before. A week with nothing in any section is one line.
"""

from __future__ import annotations

from collections.abc import Sequence

from csbot.alerts.book import AlertItem, BookFacts, RenewalItem, TouchItem
from csbot.commands.card import day_label
from csbot.commands.panels.overview import money
from csbot.scoring.types import fmt
from csbot.slack import blockkit as bk
from csbot.slack.ids import BlockId
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec

__all__ = ["MAX_LINES", "book_card", "book_chart"]

MAX_LINES = 10


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def _title(facts: BookFacts) -> str:
    who = "Your book of business" if facts.dm else "Book of business"
    return f"{who} · week to {day_label(facts.day)}"


def _summary(f: BookFacts) -> str:
    arr = sum(r.arr for r in f.renewals)
    return (
        f"*{bk.escape(f.scope)}* · {_count(f.groups, 'group')} · {len(f.moves)} changed band · "
        f"{_count(len(f.new_alerts), 'new alert')}, {len(f.waiting)} waiting for "
        f"acknowledgement · {_count(len(f.renewals), 'renewal')} in the next 90 days "
        f"({money(arr)} ARR) · {len(f.untouched)} without a CS touch in {f.touch_days} days"
    )


def _section(heading: str, lines: Sequence[str], block_id: str) -> list[bk.Block]:
    if not lines:
        return []
    shown = list(lines[:MAX_LINES])
    if len(lines) > MAX_LINES:
        shown.append(f"_and {len(lines) - MAX_LINES} more_")
    return [bk.section(f"*{heading}*\n" + "\n".join(shown), block_id=block_id)]


def _alert_line(a: AlertItem) -> str:
    emoji = a.band.slack_emoji if a.band else ":calendar:"
    seen = " · acknowledged" if a.acknowledged else ""
    return f"{emoji} *{bk.escape(a.group)}*: {a.what} on {day_label(a.day)}{seen}"


def _renewal_line(r: RenewalItem) -> str:
    health = (
        f"{r.band.slack_emoji} {fmt(r.score)}" if r.band and r.score is not None else "no score"
    )
    return (
        f"• *{bk.escape(r.group)}* · {day_label(r.renewal_date)} (in {r.days_left} days) · "
        f"{money(r.arr)} ARR · {health}"
    )


def _touch_line(t: TouchItem, facts: BookFacts) -> str:
    if t.last_touch is None:
        return f"• *{bk.escape(t.group)}* · none on record"
    days = (facts.day - t.last_touch).days
    return f"• *{bk.escape(t.group)}* · last {day_label(t.last_touch)} ({days} days ago)"


def _sections(f: BookFacts) -> list[bk.Block]:
    moves = [
        f"{m.to_band.slack_emoji} *{bk.escape(m.group)}*: {m.from_band.value} → "
        f"{m.to_band.value} (health {fmt(m.score)}) · {bk.escape(m.reason)}"
        for m in f.moves
    ]
    r = BlockId.REASONS
    return [
        *_section("Changed band this week", moves, f"{r}.moves"),
        *_section("New alerts", [_alert_line(a) for a in f.new_alerts], f"{r}.new"),
        *_section("Still waiting for acknowledgement", [_alert_line(a) for a in f.waiting],
                  f"{r}.waiting"),
        *_section("Renewing in the next 90 days", [_renewal_line(x) for x in f.renewals],
                  f"{r}.renewals"),
        *_section(f"No CS touch in {f.touch_days} days", [_touch_line(t, f) for t in f.untouched],
                  f"{r}.untouched"),
    ]  # fmt: skip


def book_chart(facts: BookFacts) -> ChartSpec | None:
    """Groups per band now against a week before; None before any group was scored."""
    if not sum(facts.bands_now.values()) + sum(facts.bands_before.values()):
        return None
    now = ", ".join(f"{n} {band}" for band, n in facts.bands_now.items())
    before = ", ".join(f"{n} {band}" for band, n in facts.bands_before.items())
    return ChartSpec(
        name="band_shift",
        kwargs={
            "now": dict(facts.bands_now),
            "before": dict(facts.bands_before),
            "title": "Groups by health band, now and a week before",
        },
        alt_text=f"Groups per band now: {now}; a week before: {before}",
        title="Health bands this week",
    )


def book_card(facts: BookFacts) -> Card:
    """One recipient's digest; one line when the week has nothing to report."""
    title = _title(facts)
    if facts.empty:
        line = (
            f"{title} ({facts.scope}): a quiet week: no band changes, no open alerts, no "
            f"renewals in the next 90 days, and every group had a CS touch in the last "
            f"{facts.touch_days} days."
        )
        block = bk.section(f"*{bk.escape(title)}*{bk.escape(line[len(title):])}",
                           block_id=BlockId.HEADLINE.value)  # fmt: skip
        return Card(text=line, head=(block,))
    head = [
        bk.header(title, block_id=BlockId.HEADER.value),
        bk.section(_summary(facts), block_id=BlockId.HEADLINE.value),
        *_sections(facts),
    ]
    tail = [bk.context(f"health bands from the daily scores of the week to {day_label(facts.day)}",
                       block_id=BlockId.CONTEXT.value)]  # fmt: skip
    text = (
        f"{title}: {_count(len(facts.moves), 'group')} changed band, "
        f"{_count(len(facts.new_alerts), 'new alert')}, "
        f"{_count(len(facts.renewals), 'renewal')} in the next 90 days"
    )
    return Card(text=text, head=tuple(head), tail=tuple(tail), chart=book_chart(facts))
