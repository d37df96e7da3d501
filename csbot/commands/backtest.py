"""`csbot backtest`: the score audit on the terminal (and the ROC chart to a file)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

from csbot.commands.charts import render_chart
from csbot.commands.scorecheck import audit_lines, load_audit
from csbot.config import Settings
from csbot.scoring.config import load_scoring_config
from csbot.store.db import make_engine, session_factory, upgrade

__all__ = ["run_backtest"]


def run_backtest(
    settings: Settings, *, horizon_days: int, chart: Path | None = None, out: TextIO | None = None
) -> int:
    """Print how well the snapshots `horizon_days` before each recorded renewal foresaw it."""
    out = out or sys.stdout
    config = load_scoring_config(settings.scoring_config)
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        checked = load_audit(session_factory(engine), horizon_days=horizon_days,
                             window_days=config.default_window_days)  # fmt: skip
    finally:
        engine.dispose()
    print("\n".join(audit_lines(checked)), file=out)
    if chart is not None:
        curves = [list(c) for c in checked.audit.curves]
        chart.write_bytes(render_chart("roc_curves", curves=curves))
        print(f"chart written to {chart}", file=out)
    return 0
