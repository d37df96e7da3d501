"""The churn-risk panel: the risk score and level, each factor with its evidence and points, the
ARR that puts at risk, what acting on the top factors would change, and the playbook's plan.

The predicted impact reuses scoring's own churn formula, under the config the score was computed
with, on the factors that would remain, so it can never disagree with how the risk was computed.
"""

from __future__ import annotations

from typing import Any

from csbot.commands.panels import _text as t
from csbot.commands.panels.base import Fact, PanelView
from csbot.scoring.panel_inputs import PanelData
from csbot.scoring.panels import plural
from csbot.scoring.risk import churn_risk
from csbot.scoring.types import ChurnRisk, GroupScore, RiskFactor, fmt
from csbot.slack.render import ChartSpec

__all__ = ["build"]

_WHEN = ("This week", "Within 30 days", "Then")


def _share(churn: ChurnRisk) -> str:
    return t.pct(100 * churn.arr_at_risk / churn.arr) if churn.arr else "no ARR on record"


def _after(score: GroupScore) -> ChurnRisk | None:
    """The risk once the factors the playbook addresses are gone; None when nothing changes."""
    churn = score.churn
    acted = {a.factor_id for a in churn.actions}
    left = tuple(f for f in churn.factors if f.id not in acted)
    if not acted or len(left) == len(churn.factors):
        return None
    return churn_risk(left, arr=churn.arr, config=score.config)


def _facts(data: PanelData, score: GroupScore) -> tuple[Fact, ...]:
    churn, health, profile = score.churn, score.health, data.profile
    after = _after(score)
    facts = [
        Fact("Risk score", f"{fmt(churn.score, 0)}/100 · {churn.level.value}"),
        Fact("ARR at risk", f"{t.dollars(churn.arr_at_risk)} ({_share(churn)})"),
        Fact("ARR", t.dollars(churn.arr)),
        Fact("Risk factors", str(len(churn.factors))),
        Fact("Renewal", t.days_ago(profile.renewal_date, score.as_of, none="not set")),
        Fact("Health", f"{health.display} · {health.band.value}" if health.has_data else "no data"),
        Fact("Last CS touch", t.days_ago(data.inputs.last_touch, score.as_of)),
    ]
    if after is not None:
        facts.append(Fact("After the plan", f"{fmt(after.score, 0)}/100 · {after.level.value}"))
    return tuple(facts)


def _factor_line(f: RiskFactor) -> str:
    return f"*{t.clip(f.title, 60)}* (+{fmt(f.points, 0)}): {t.clip(f.evidence, 200)}"


def _impact(score: GroupScore) -> str:
    churn = score.churn
    if not churn.factors:
        return "Nothing to act on: no risk factors in this window."
    after = _after(score)
    if after is None:
        return "No playbook step applies to these factors."
    factors = plural(len(churn.actions), "factor")
    return t.body(
        f"The plan below addresses {factors}: "
        f"risk {fmt(churn.score, 0)} ({churn.level.value}) → {fmt(after.score, 0)} "
        f"({after.level.value}), ARR at risk {t.dollars(churn.arr_at_risk)} → "
        f"{t.dollars(after.arr_at_risk)}."
    )


def _strategies(churn: ChurnRisk) -> str:
    titles = {f.id: f for f in churn.factors}
    lines = []
    for a in churn.actions:
        factor = titles.get(a.factor_id)
        why = f" — for {t.clip(factor.title, 60)} (+{fmt(factor.points, 0)})" if factor else ""
        lines.append(f"*{t.clip(a.strategy, 80)}*{why}")
    return t.bullets(lines, empty="None needed: no risk factors in this window.")


def _plan(churn: ChurnRisk) -> tuple[str, ...]:
    """The playbook's steps by when: every strategy's first step this week, then the rest."""
    longest = max((len(a.actions) for a in churn.actions), default=0)
    plan = []
    for n in range(longest):
        when = _WHEN[min(n, len(_WHEN) - 1)]
        plan += [
            f"*{when}*: {t.clip(a.actions[n], 200)}" for a in churn.actions if n < len(a.actions)
        ]
    return tuple(plan)


def _chart(score: GroupScore) -> ChartSpec | None:
    churn = score.churn
    if not churn.factors:
        return None
    named = ", ".join(f"{f.title} +{fmt(f.points, 0)}" for f in churn.factors)
    return ChartSpec(
        name="churn_factors",
        kwargs={
            "names": [f.title for f in churn.factors],
            "points": [float(f.points) for f in churn.factors],
            "title": f"Churn risk {fmt(churn.score, 0)}: where the points come from",
        },
        alt_text=f"Churn risk of {score.name} is {fmt(churn.score, 0)} of 100 "
        f"({churn.level.value}) from {plural(len(churn.factors), 'factor')}: {named}",
        title="Churn risk factors",
    )


def _rows(churn: ChurnRisk) -> tuple[dict[str, Any], ...]:
    return tuple(
        {"factor": f.id, "title": f.title, "points": f.points, "evidence": f.evidence}
        for f in churn.factors
    )


def build(data: PanelData, score: GroupScore) -> PanelView:
    """Score, level and ARR at risk; factors with evidence; impact; strategies; the plan."""
    churn = score.churn
    factors = [_factor_line(f) for f in churn.factors]
    return PanelView(
        title="Churn risk",
        headline=f"*Churn risk {fmt(churn.score, 0)}* · {churn.level.value} · "
        f"{t.dollars(churn.arr_at_risk)} ARR at risk",
        facts=_facts(data, score),
        sections=(
            ("Risk factors", t.bullets(factors, limit=8, empty="No risk factors in this window.")),
            ("Predicted impact", _impact(score)),
            ("Retention strategies", _strategies(churn)),
        ),
        actions=_plan(churn),
        chart=_chart(score),
        export_rows=_rows(churn),
    )
