"""The support panel: tickets opened, resolved and still open, how fast they were answered, what
the group says in surveys. The chart stacks each week's new tickets by category; the card has
the Log ticket button."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels._steps import playbook, steps
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.config import FactorId, FactorRules
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import Count, SupportMetrics, plural, support_metrics, week_start
from csbot.scoring.types import GroupScore, fmt
from csbot.slack.render import ChartSpec

__all__ = ["build"]

_FACTORS = (
    FactorId.OPEN_HIGH_PRIORITY,
    FactorId.SLOW_FIRST_RESPONSE,
    FactorId.NPS_DETRACTOR,
    FactorId.LOW_CSAT,
)


def _word(name: str) -> str:
    return t.clip(name.replace("_", " "), 40)


def _counts(counts: tuple[Count, ...]) -> str:
    return " · ".join(f"{_word(c.name)} {c.count}" for c in counts) or "none"


def _high_open(m: SupportMetrics, rules: FactorRules) -> int:
    """Open tickets of the priorities the churn factor counts as high."""
    return sum(c.count for c in m.open_by_priority if c.name in rules.high_priorities)


def _open_now(m: SupportMetrics, rules: FactorRules) -> str:
    high = _high_open(m, rules)
    return f"{m.open_now} ({high} high priority)" if high else str(m.open_now)


def _times(median: float | None, p90: float | None) -> str:
    if median is None:
        return "none yet"
    return f"{t.hours(median)} median · p90 {t.hours(p90)}"


def _facts(m: SupportMetrics, rules: FactorRules) -> tuple[Fact, ...]:
    facts = [
        Fact(f"Opened, {m.window_days} days", t.count(m.opened)),
        Fact("Resolved", t.count(m.resolved)),
        Fact("Open now", _open_now(m, rules)),
        Fact("First response", _times(m.first_response_median_h, m.first_response_p90_h)),
        Fact("Resolution", _times(m.resolution_median_h, m.resolution_p90_h)),
        Fact("NPS", _nps(m)),
        Fact("CSAT", _csat(m)),
    ]
    if m.by_category:
        facts.append(Fact("Most tickets", f"{_word(m.by_category[0].name)}"))
    return tuple(facts)


def _nps(m: SupportMetrics) -> str:
    if m.nps is None:
        return "no responses"
    return f"{fmt(m.nps, 0)} ({plural(m.nps_responses, 'response')})"


def _csat(m: SupportMetrics) -> str:
    if m.csat is None:
        return "no responses"
    return f"{fmt(m.csat)}/5 ({plural(m.csat_responses, 'response')})"


def _open_list(m: SupportMetrics) -> str:
    lines = [
        f"*{_word(o.priority).capitalize()}* · {t.clip(o.subject, 70)} · {_word(o.category)} · "
        f"{_word(o.status)}, {plural(o.age_days, 'day')} old"
        for o in m.oldest_open
    ]
    more = m.open_now - len(lines)
    text = t.bullets(lines, empty="No open tickets.")
    return text + (f"\n_…and {more} more_" if more > 0 else "")


def _breakdown(m: SupportMetrics) -> str:
    return t.body(
        f"Open by status: {_counts(m.open_by_status)}\n"
        f"Opened by priority: {_counts(m.by_priority)}\n"
        f"Opened by category: {_counts(m.by_category)}"
    )


def _surveys(m: SupportMetrics, rules: FactorRules) -> str:
    lines = []
    if m.nps is not None:
        lines.append(
            f"NPS {fmt(m.nps, 0)}: {plural(m.promoters, 'promoter')} and "
            f"{plural(m.detractors, 'detractor')} of {plural(m.nps_responses, 'response')}"
        )
    if m.csat is not None:
        lines.append(f"CSAT {fmt(m.csat)}/5 from {plural(m.csat_responses, 'response')}")
    days = rules.survey_lookback_days
    return t.bullets(lines, empty=f"No survey responses in the last {days} days.")


def _escalation(m: SupportMetrics, rules: FactorRules) -> list[str]:
    """The oldest urgent ticket by name: more use than the playbook's general step."""
    urgent = [o for o in m.oldest_open if o.priority in rules.high_priorities]
    if not urgent:
        return []
    o = urgent[0]
    age = plural(o.age_days, "day")
    return [
        f"Escalate “{t.clip(o.subject, 60)}” "
        f"({_word(o.priority)}, open {age}) to the support lead today"
    ]


def _derived(m: SupportMetrics, rules: FactorRules) -> list[str]:
    out = []
    limit = rules.slow_first_response_hours
    if m.first_response_p90_h is not None and m.first_response_p90_h > limit:
        slow = t.hours(m.first_response_p90_h)
        out.append(f"Ask support why one in ten first responses takes over {slow}")
    if not m.opened and not m.open_now and m.nps is None and m.csat is None:
        out.append("Ask the practice manager how support is going: nothing logged yet")
    return out


def _actions(m: SupportMetrics, score: GroupScore) -> tuple[str, ...]:
    rules = score.config.factors
    named = _escalation(m, rules)
    factors = [f for f in _FACTORS if not (named and f is FactorId.OPEN_HIGH_PRIORITY)]
    return steps(named, playbook(score, *factors), _derived(m, rules))


def _weeks(data: PanelData) -> list[date]:
    first, last = week_start(data.window.start), week_start(data.window.as_of)
    return [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]


def _chart(m: SupportMetrics, data: PanelData, score: GroupScore) -> ChartSpec | None:
    if not m.opened:
        return None
    weeks = _weeks(data)
    counts = {(w.week, w.category): w.count for w in m.weekly_by_category}
    series = {
        c.name.replace("_", " ").capitalize(): [float(counts.get((w, c.name), 0)) for w in weeks]
        for c in m.by_category
    }
    top = m.by_category[0]
    return ChartSpec(
        name="tickets_by_week",
        kwargs={"weeks": weeks, "by_category": series, "title": "Tickets opened by week"},
        alt_text=f"Tickets {score.name} opened per week over {m.window_days} days: "
        f"{m.opened} in all, most of them {top.name} ({top.count}); {m.open_now} open now",
        title="Tickets by week",
    )


def _headline(m: SupportMetrics, rules: FactorRules) -> str:
    if not m.opened and not m.open_now:
        return f"No tickets in the last {m.window_days} days"
    text = f"*{plural(m.open_now, 'open ticket')}* ({_high_open(m, rules)} high priority)"
    text += f" · {plural(m.opened, 'ticket')} opened in {m.window_days} days"
    if m.first_response_median_h is not None:
        text += f" · first response {t.hours(m.first_response_median_h)} median"
    return text


def _rows(m: SupportMetrics) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"week": w.week, "category": w.category, "opened": w.count} for w in m.weekly_by_category
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Ticket counts and times, the open ones, surveys, and what to escalate."""
    rules = score.config.factors
    m = support_metrics(data, rules)
    insights = [t.clip(i, 300) for i in m.insights]
    return PanelView(
        title="Support",
        headline=_headline(m, rules),
        facts=_facts(m, rules),
        sections=(
            ("What stands out", t.bullets(insights, empty="No tickets or surveys yet.")),
            ("Open tickets", _open_list(m)),
            ("Breakdown", _breakdown(m)),
            ("Satisfaction", _surveys(m, rules)),
        ),
        actions=_actions(m, score),
        chart=_chart(m, data, score),
        log_buttons=True,
        export_rows=_rows(m),
    )
