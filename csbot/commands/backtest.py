"""`csbot backtest`: the score audit on the terminal, the ROC chart and suggested weights to
files."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from csbot.commands.charts import render_chart
from csbot.commands.scorecheck import audit_lines, load_audit
from csbot.commands.suggestion import suggestion_lines, write_suggestion
from csbot.config import Settings
from csbot.errors import InputError
from csbot.scoring.config import load_scoring_config
from csbot.scoring.suggest import suggest
from csbot.store.db import make_engine, session_factory, upgrade

__all__ = ["run_backtest"]


def run_backtest(
    settings: Settings, *, horizon_days: int, chart: Path | None = None,
    suggest_to: Path | None = None, out: TextIO | None = None,
) -> int:  # fmt: skip
    """Print how well the snapshots `horizon_days` before each recorded renewal foresaw it,
    and the weights that would have done better (written to `suggest_to` when given)."""
    out = out or sys.stdout
    config = load_scoring_config(settings.scoring_config)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        checked = load_audit(session_factory(engine), horizon_days=horizon_days,
                             window_days=config.default_window_days)  # fmt: skip
    finally:
        engine.dispose()
    found = suggest(checked.cases.cases, config, horizon_days=horizon_days)
    lines = audit_lines(checked)
    if checked.audit.cases:  # with no renewal at all there is nothing to suggest from
        lines += suggestion_lines(found)
    print("\n".join(lines), file=out)
    if suggest_to is not None:
        if isinstance(found, str):
            raise InputError(f"no suggestion written to {suggest_to}: {found}")
        write_suggestion(suggest_to, found, config)
        print(f"suggested config written to {suggest_to}; to use it: "
              f"CSBOT_SCORING_CONFIG={suggest_to} csbot recompute", file=out)  # fmt: skip
    if chart is not None:
        curves = [list(c) for c in checked.audit.curves]
        chart.write_bytes(render_chart("roc_curves", curves=curves))
        print(f"chart written to {chart}", file=out)
    return 0
