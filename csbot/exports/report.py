"""`csbot report --window 30d --out FILE`: the portfolio report, without Slack.

Writes the same CSV `/cs export list` sends (one row per group, worst first) and a one-page
summary (PDF, or PNG when FILE ends in .png) with the distribution and trend charts, for an
email or a QBR deck. `--out report.pdf` writes report.pdf and report.csv beside it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Literal, TextIO

from csbot.commands.card import window_label
from csbot.commands.panels.overview import money
from csbot.config import Settings
from csbot.errors import CsbotError
from csbot.exports.export import PORTFOLIO_COLUMNS, portfolio_rows, score_portfolio, to_csv
from csbot.exports.report_page import Summary, summary_page
from csbot.scoring.config import load_scoring_config
from csbot.scoring.health import band_floors
from csbot.scoring.trend import mean_health_trend
from csbot.scoring.types import Band, GroupScore
from csbot.services import LocalSources
from csbot.store.db import make_engine, session_factory, transaction, upgrade
from csbot.store.portfolio import portfolio_trend

__all__ = ["ReportFiles", "report_paths", "run_report", "write_report"]

PageFormat = Literal["pdf", "png"]


@dataclass(frozen=True)
class ReportFiles:
    csv: Path
    summary: Path
    groups: int


def report_paths(out: Path) -> tuple[Path, Path, PageFormat]:
    """(csv path, summary path, summary format) for what `--out` names."""
    suffix = out.suffix.lower()
    if suffix in (".pdf", ".png"):
        return out.with_suffix(".csv"), out, "png" if suffix == ".png" else "pdf"
    base = out.with_suffix("") if suffix == ".csv" else out
    return base.with_suffix(".csv"), base.with_suffix(".pdf"), "pdf"


def _day(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def _summary(
    sources: LocalSources,
    scores: list[GroupScore],
    *,
    window_days: int,
    as_of: date,
    computed_at: datetime,
) -> Summary:
    scored = [s for s in scores if s.health.has_data]
    with transaction(sources.sessions) as session:
        trend = portfolio_trend(session, group_ids=None, window_days=window_days, as_of=as_of)
    points = mean_health_trend(((t.day, t.mean_score) for t in trend), scores, as_of)
    arr = sum(s.churn.arr for s in scores)
    at_risk = sum(s.churn.arr_at_risk for s in scores)
    local = computed_at.astimezone(sources.settings.tz)
    return Summary(
        title=f"Portfolio health · {window_label(window_days)} to {_day(as_of)}",
        subtitle=f"{len(scores)} groups · {money(arr)} ARR · {money(at_risk)} at risk · "
        f"computed {_day(local.date())} {local:%H:%M} {local.tzname()}",
        band_counts={band.value: sum(s.health.band is band for s in scored) for band in Band},
        trend=points,
        thresholds=band_floors(sources.scoring.bands),
        rows=portfolio_rows(scores, None),
    )


def write_report(
    sources: LocalSources, *, window_days: int, out: Path, as_of: date, computed_at: datetime
) -> ReportFiles:
    """Score every group, then write the CSV and the one-page summary."""
    scores = score_portfolio(sources, window_days=window_days, as_of=as_of)
    csv_path, page_path, fmt = report_paths(out)
    summary = _summary(
        sources, scores, window_days=window_days, as_of=as_of, computed_at=computed_at
    )
    try:
        page_path.parent.mkdir(parents=True, exist_ok=True)
        csv_path.write_bytes(to_csv(summary.rows, PORTFOLIO_COLUMNS))
        page_path.write_bytes(summary_page(summary, fmt=fmt))
    except OSError as exc:
        raise CsbotError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    return ReportFiles(csv_path, page_path, len(summary.rows))


def run_report(
    settings: Settings,
    *,
    window_days: int,
    out: Path,
    as_of: date | None = None,
    now: datetime,
    stdout: TextIO | None = None,
) -> int:
    """`csbot report`: bring the schema up, write the files, say where they are."""
    stdout = stdout or sys.stdout
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sources = LocalSources(
            settings,
            session_factory(engine),
            load_scoring_config(settings.scoring_config),
            lambda: now,
        )
        day = as_of or now.astimezone(settings.tz).date()
        files = write_report(sources, window_days=window_days, out=out, as_of=day, computed_at=now)
    finally:
        engine.dispose()
    print(f"{files.groups} groups, {window_label(window_days)} to {day}", file=stdout)
    print(f"CSV written to {files.csv}", file=stdout)
    print(f"summary written to {files.summary}", file=stdout)
    return 0
