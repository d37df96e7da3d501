"""Suggested weights worded for `csbot backtest`, and written as a scoring config file."""

from __future__ import annotations

from pathlib import Path

import yaml

from csbot.commands.scorecheck import auc_text, pct
from csbot.scoring.audit import Audit
from csbot.scoring.config import ScoringConfig, build_config
from csbot.scoring.suggest import Suggestion, suggested_data

__all__ = ["suggestion_lines", "write_suggestion"]

HEADER = """\
# csbot scoring config suggested by `csbot backtest --suggest` from recorded renewal outcomes:
# component weights and factor points fitted on renewals {train}, checked on {test}.
# {verdict}
# Nothing changes until CSBOT_SCORING_CONFIG points at this file (then run csbot recompute).
"""


def _span(span: tuple[object, object, int, int]) -> str:
    first, last, cases, churns = span
    return f"{cases} renewals from {first} to {last} ({churns} churned)"


def verdict(suggestion: Suggestion) -> str:
    if suggestion.better:
        return (
            "On the later renewals the suggestion separates churn better than the current config."
        )
    return ("On the later renewals the suggestion does not beat the current config: keep the "
            "current one (or record more outcomes and try again).")  # fmt: skip


def _flags(label: str, current: Audit, suggested: Audit) -> list[str]:
    a, b = (current.attention, suggested.attention) if "Attention" in label else (
        current.high_risk, suggested.high_risk)  # fmt: skip
    return [f"  {label}: recall {pct(a.recall)} -> {pct(b.recall)}, precision "
            f"{pct(a.precision)} -> {pct(b.precision)}, churns missed {len(a.missed)} -> "
            f"{len(b.missed)}"]  # fmt: skip


def suggestion_lines(suggestion: Suggestion | str) -> list[str]:
    """The suggestion beside the current config, both audited on the later renewals."""
    if isinstance(suggestion, str):
        return ["", f"No suggested weights: {suggestion}."]
    s = suggestion
    lines = ["", f"Suggested weights (logistic regression fitted on {_span(s.train)}; both "
             f"configs tested on the later {_span(s.test)}):"]  # fmt: skip
    lines += [f"  {name:<28} {now:>6.2f} -> {new:.2f}" for name, (now, new) in s.weights.items()]
    lines += [f"  {key:<28} {now:>6.0f} -> {new:.0f}" for key, (now, new) in s.points.items()]
    lines += ["On the later renewals (current -> suggested):",
              f"  health score AUC  {auc_text(s.current.health)} -> {auc_text(s.suggested.health)}",
              f"  churn risk AUC    {auc_text(s.current.churn_risk)} -> "
              f"{auc_text(s.suggested.churn_risk)}"]  # fmt: skip
    lines += _flags("Needs Attention or worse", s.current, s.suggested)
    lines += _flags("churn risk high or worse", s.current, s.suggested)
    return [*lines, verdict(s)]


def write_suggestion(path: Path, suggestion: Suggestion, config: ScoringConfig) -> None:
    """A complete scoring config (the current one with the suggestion in), checked as
    CSBOT_SCORING_CONFIG will check it before it is written."""
    data = suggested_data(config, suggestion.overrides)
    build_config(data, source=str(path))
    head = HEADER.format(train=_span(suggestion.train), test=_span(suggestion.test),
                         verdict=verdict(suggestion))  # fmt: skip
    path.write_text(head + yaml.safe_dump(data, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")  # fmt: skip
