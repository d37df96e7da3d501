"""The score audit read and worded: `csbot backtest` prints it, `/cs scorecheck` shows it.

`load_audit` is the one place both read it from, so the card and the terminal agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from csbot.scoring.audit import FEW_CHURNS, Auc, Audit, Flag, Separation, audit
from csbot.store.db import SessionFactory, transaction
from csbot.store.outcomes import SNAPSHOT_SLACK_DAYS, Cases, audit_cases

__all__ = ["Checked", "audit_lines", "load_audit", "pct"]

MISSED_SHOWN = 15
HOW_TO_RECORD = (
    "Record them with the Record renewal outcome button on a group's card or on `/cs renewals`, "
    "with `csbot import outcomes FILE`, with csbot sync or with POST /webhooks/outcomes."
)
FEW_WARNING = (
    f"Fewer than {FEW_CHURNS} churns: these figures mean little yet; record more outcomes."
)


@dataclass(frozen=True)
class Checked:
    audit: Audit
    cases: Cases


def load_audit(
    sessions: SessionFactory, *, horizon_days: int, window_days: int, before: date | None = None
) -> Checked:
    """The audit of every recorded renewal against its snapshot `horizon_days` before."""
    with transaction(sessions) as session:
        cases = audit_cases(session, horizon_days=horizon_days, window_days=window_days,
                            before=before)  # fmt: skip
    return Checked(audit(cases.cases, horizon_days=horizon_days), cases)


def pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def auc_text(auc: Auc | None) -> str:
    if auc is None:
        return "n/a (needs both churned and renewed renewals)"
    return f"{auc.value:.2f} (95% interval {auc.low:.2f} to {auc.high:.2f})"


def flag_text(flag: Flag) -> str:
    return (f"{flag.label}: {flag.flagged} flagged, precision {pct(flag.precision)}, "
            f"recall {pct(flag.recall)}; {flag.flagged_renewed} of them renewed")  # fmt: skip


def missed_names(flag: Flag, limit: int = MISSED_SHOWN) -> list[str]:
    """The churned renewals the flag missed, `name (renewal date)`, the first `limit`."""
    shown = [f"{group} ({day.isoformat()})" for group, day in flag.missed[:limit]]
    if len(flag.missed) > limit:
        shown.append(f"and {len(flag.missed) - limit} more")
    return shown


def _mean(value: float | None, percent: bool) -> str:
    if value is None:
        return "none"
    return pct(value) if percent else f"{value:.0f}"


def separation_text(item: Separation, *, percent: bool = False) -> str:
    auc = "n/a" if item.auc is None else f"{item.auc:.2f}"
    return (f"{item.name.replace('_', ' ')}: churned {_mean(item.churned, percent)}, "
            f"renewed {_mean(item.renewed, percent)}, AUC {auc}")  # fmt: skip


def headline(checked: Checked) -> str:
    found, cases = checked.audit, checked.cases
    if not found.cases and not cases.without_snapshot:
        return f"No renewal outcome is recorded yet. {HOW_TO_RECORD}"
    if not found.cases:
        recorded = ("The one recorded renewal has no" if cases.without_snapshot == 1 else
                    f"None of the {cases.without_snapshot} recorded renewals has a")  # fmt: skip
        return (f"{recorded} snapshot {found.horizon_days} days before it (up to "
                f"{SNAPSHOT_SLACK_DAYS} days earlier), so there is nothing to check yet: "
                "snapshots start with csbot's first daily recompute. A shorter horizon may "
                "find some.")  # fmt: skip
    span = f"{cases.first} to {cases.last}" if cases.first else ""
    return (f"{found.cases} renewals {span} held to the snapshot {found.horizon_days} days "
            f"before each (up to {SNAPSHOT_SLACK_DAYS} days earlier when that day has none): "
            f"{found.churns} churned, {found.renewals} renewed or contracted "
            f"(recorded renewals without a snapshot: {cases.without_snapshot}).")  # fmt: skip


def audit_lines(checked: Checked) -> list[str]:
    """The whole audit as plain lines (csbot backtest)."""
    found = checked.audit
    lines = [headline(checked)]
    if not found.cases:
        return lines
    if found.few_churns:
        lines.append(FEW_WARNING)
    lines += ["", "How well each score told churned from renewed (ROC AUC; 0.5 is a coin toss):",
              f"  health score  {auc_text(found.health)}",
              f"  band          {auc_text(found.band)}",
              f"  churn risk    {auc_text(found.churn_risk)}", ""]  # fmt: skip
    for flag in (found.attention, found.high_risk):
        lines.append(flag_text(flag))
        missed = missed_names(flag)
        if missed:
            lines.append(f"  churned but not flagged ({len(flag.missed)}): " + ", ".join(missed))
    lines += ["", "Components (mean before the renewal; AUC of lower values for churn):"]
    lines += [f"  {separation_text(s)}" for s in found.components]
    lines += ["Risk factors (share where it fired; AUC of firing for churn):"]
    lines += [f"  {separation_text(s, percent=True)}" for s in found.factors]
    return lines
