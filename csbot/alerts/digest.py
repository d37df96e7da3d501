"""The weekly onboarding digest: one message per channel with every onboarding group routed there.

Per group: % done per phase, tasks completed this week, overdue tasks, whether it has stalled
(nothing done for `onboarding_stalled_days`, 14 by default, as the churn factor counts it) and
its go-live when it is near; a chart of each group's progress. The numbers come from the
onboarding panel's `onboarding_metrics`, so the digest and `/cs onboarding` agree. A channel
with nothing to report gets one line saying so rather than silence.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from csbot.alerts.delivery import OutboxDelivery, channel_for
from csbot.alerts.messages import day_label
from csbot.config import Settings
from csbot.scoring.inputs import GroupInputs, Window
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels.onboarding import OnboardingMetrics, onboarding_metrics
from csbot.scoring.types import fmt
from csbot.services import Services, today
from csbot.slack import blockkit as bk
from csbot.slack.blocktext import card_as_text
from csbot.slack.delivery import Where
from csbot.slack.ids import BlockId
from csbot.slack.message import Card
from csbot.slack.render import ChartSpec, render_png
from csbot.store.db import transaction
from csbot.store.locks import job_lock, last_run, record_run
from csbot.store.onboarding import OnboardingGroup, onboarding_groups

__all__ = [
    "DIGEST_JOB",
    "GO_LIVE_DAYS",
    "DigestRun",
    "GroupProgress",
    "digest_cards",
    "progress_of",
    "run_digest",
]

GO_LIVE_DAYS = 14
"""Go-lives this many days ahead are called out."""
WEEK = 7
log = logging.getLogger(__name__)

MAX_GROUPS = 40  # a message holds 50 blocks; more groups are summed up in one line
EMPTY = "No groups in onboarding this week."
NO_CHANNELS = "no channel to post to: set CSBOT_DEFAULT_CHANNEL or CSBOT_TEAM_CHANNELS"
DIGEST_JOB = "digest"


@dataclass(frozen=True)
class GroupProgress:
    """One onboarding group's week."""

    group_id: int
    name: str
    csm: str | None
    metrics: OnboardingMetrics
    done_this_week: int
    stalled_days: int | None  # days without a completed task, when that is a stall
    go_live: date | None  # when within GO_LIVE_DAYS

    @property
    def pct_done(self) -> float:
        return self.metrics.pct_done or 0.0


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def progress_of(group: OnboardingGroup, *, as_of: date, stalled_after: int) -> GroupProgress:
    """The group's onboarding on `as_of`, from the same metrics as its onboarding panel."""
    profile = group.profile
    window = Window(as_of, WEEK)
    data = PanelData(profile, window, GroupInputs(profile, window), tasks=group.tasks)
    metrics = onboarding_metrics(data, stalled_days=stalled_after)
    start, end = _end_of(as_of - timedelta(days=WEEK)), _end_of(as_of)
    week = sum(1 for t in group.tasks if t.done_at is not None and start <= t.done_at < end)
    since = metrics.last_done or profile.contract_start
    idle = (as_of - since).days if since is not None else None
    stalled = idle if idle is not None and idle >= stalled_after and not metrics.complete else None
    go_live = profile.go_live_date
    near = go_live if go_live is not None and 0 <= (go_live - as_of).days <= GO_LIVE_DAYS else None
    return GroupProgress(profile.id, profile.name, group.target.csm_owner, metrics, week,
                         stalled, near)  # fmt: skip


def _group_text(p: GroupProgress, as_of: date) -> str:
    m = p.metrics
    owner = f" · {bk.mention(p.csm)}" if p.csm else ""
    phase = f" · {bk.escape(m.current_phase)}" if m.current_phase else ""
    lines = [f"*{bk.escape(p.name)}*{owner}{phase} · {fmt(p.pct_done, 0)}% done"]
    lines.append(" · ".join(f"{bk.escape(ph.phase)} {fmt(ph.pct_done, 0)}%" for ph in m.phases))
    notes = [f"this week: {p.done_this_week} done"]
    if m.overdue:
        worst = m.overdue[0]
        notes.append(f"{len(m.overdue)} overdue (oldest '{bk.escape(worst.name)}', "
                     f"{worst.days_overdue} days)")  # fmt: skip
    if p.stalled_days is not None:
        notes.append(f":warning: stalled {p.stalled_days} days")
    if p.go_live is not None:
        notes.append(
            f":rocket: go-live {day_label(p.go_live)} (in {(p.go_live - as_of).days} days)"
        )
    lines.append(" · ".join(notes))
    return "\n".join(lines)


def _summary(groups: Sequence[GroupProgress]) -> str:
    done = sum(p.done_this_week for p in groups)
    overdue = sum(len(p.metrics.overdue) for p in groups)
    stalled = sum(p.stalled_days is not None for p in groups)
    soon = sum(p.go_live is not None for p in groups)
    return (
        f"*{_count(len(groups), 'group')} onboarding* · {_count(done, 'task')} completed this "
        f"week · {overdue} overdue · {stalled} stalled · {_count(soon, 'go-live')} in the next "
        f"{GO_LIVE_DAYS} days"
    )


def _chart(groups: Sequence[GroupProgress]) -> ChartSpec:
    return ChartSpec(
        name="onboarding_progress",
        kwargs={
            "phases": [p.name for p in groups],
            "percent_done": [p.pct_done for p in groups],
            "title": "Onboarding progress by group",
        },
        alt_text="Share of onboarding tasks done: "
        + ", ".join(f"{p.name} {fmt(p.pct_done, 0)}%" for p in groups),
        title="Onboarding progress",
    )


def _names(groups: Sequence[GroupProgress], shown: int = 3) -> str:
    names = ", ".join(p.name for p in groups[:shown])
    more = len(groups) - shown
    return f"{_count(len(groups), 'group')} onboarding ({names}{f' and {more} more' * (more > 0)})"


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'s' * (n != 1)}"


def digest_card(groups: Sequence[GroupProgress], *, as_of: date) -> Card:
    """One channel's digest; one line when there is nothing to report."""
    title = f"Onboarding digest · week to {day_label(as_of)}"
    if not groups:
        blocks = (bk.section(f"*{title}*: {EMPTY}", block_id=BlockId.HEADLINE.value),)
        return Card(text=f"{title}: {EMPTY}", head=blocks)
    shown = groups[:MAX_GROUPS]
    head = [
        bk.header(title, block_id=BlockId.HEADER.value),
        bk.section(_summary(groups), block_id=BlockId.HEADLINE.value),
        *(bk.section(_group_text(p, as_of), block_id=f"{BlockId.REASONS}.{n}")
          for n, p in enumerate(shown)),
    ]  # fmt: skip
    tail = []
    if len(groups) > len(shown):
        tail.append(bk.context(f"and {len(groups) - len(shown)} more groups: see `/cs list`"))
    return Card(text=f"{title}: {_names(groups)}", head=tuple(head), tail=tuple(tail),
                chart=_chart(shown))  # fmt: skip


def digest_channels(settings: Settings) -> set[str]:
    """Channels that hear the digest every week, even an empty one."""
    channels = set(settings.team_channels.values())
    if settings.default_channel:
        channels.add(settings.default_channel)
    return channels


def digest_cards(
    progress: Sequence[tuple[str | None, GroupProgress]], *, settings: Settings, as_of: date
) -> dict[str, Card]:
    """A card per channel: each group's progress goes to its routed channel (None: nowhere)."""
    by_channel: dict[str, list[GroupProgress]] = defaultdict(list)
    for channel, p in progress:
        if channel is not None:
            by_channel[channel].append(p)
    channels = sorted(digest_channels(settings) | set(by_channel))
    return {ch: digest_card(by_channel.get(ch, []), as_of=as_of) for ch in channels}


@dataclass(frozen=True)
class DigestRun:
    day: date
    channels: tuple[str, ...] = ()  # where it went (or would go, in a dry run)
    failed: tuple[str, ...] = ()
    skipped: str | None = None  # why nothing was posted

    dry_run: bool = False

    @property
    def text(self) -> str:
        if self.skipped:
            return f"digest {self.day.isoformat()}: {self.skipped}"
        verb = "would go to" if self.dry_run else "posted to"
        line = f"digest {self.day.isoformat()}: {verb} {len(self.channels)} channel(s)"
        return line + (f"; failed in {', '.join(self.failed)}" if self.failed else "")


def _cards(services: Services, day: date) -> dict[str, Card]:
    with transaction(services.sessions) as session:
        groups = onboarding_groups(session)
    stalled_after = services.scoring.factors.onboarding_stalled_days
    progress = [
        (channel_for(g.target, services.settings),
         progress_of(g, as_of=day, stalled_after=stalled_after))
        for g in groups
    ]  # fmt: skip
    return digest_cards(progress, settings=services.settings, as_of=day)


def _post(services: Services, cards: dict[str, Card], day: date) -> DigestRun:
    delivery = OutboxDelivery(services.client)
    sent: list[str] = []
    failed: list[str] = []
    for channel, card in cards.items():
        png = render_png(services.renderer, card.chart)
        done = delivery.post(card, png, Where(channel, ""), filename=f"csbot-digest-{day}.png")
        (sent if done.via == "message" else failed).append(channel)
        if done.via != "message":
            log.warning("digest not posted to %s: %s", channel, delivery.error)
    return DigestRun(day, tuple(sent), tuple(failed))


def run_digest(
    services: Services, *, day: date | None = None, dry_run: bool = False, force: bool = False,
    echo: Callable[[str], None] = print,
) -> DigestRun:  # fmt: skip
    """Post the week's digest (once a day across replicas unless `force`); `dry_run` prints it."""
    day = day or today(services)
    if dry_run:
        cards = _cards(services, day)
        for channel, card in cards.items():
            echo(f"--- {channel} ---\n{card_as_text(card.blocks())}")
        return DigestRun(day, tuple(cards), skipped=None if cards else NO_CHANNELS, dry_run=True)
    with job_lock(services.sessions, DIGEST_JOB) as mine:
        if not mine:
            return DigestRun(day, skipped="another csbot is posting it")
        with transaction(services.sessions) as session:
            done = last_run(session, job_id=DIGEST_JOB)
        if done == day and not force:
            return DigestRun(day, skipped="already posted today")
        started = services.clock()
        cards = _cards(services, day)
        run = _post(services, cards, day) if cards else DigestRun(day, skipped=NO_CHANNELS)
        with transaction(services.sessions) as session:
            record_run(session, job_id=DIGEST_JOB, day=day, started_at=started,
                       finished_at=services.clock(), detail=run.text)  # fmt: skip
    log.info("%s", run.text)
    return run


def digest_job(services: Services) -> None:
    """What the scheduler runs at CSBOT_DIGEST_AT (job id `csbot.digest`)."""
    run_digest(services)
