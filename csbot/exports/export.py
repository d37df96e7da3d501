"""CSV exports: a panel's numbers, or the portfolio one row per group, from what the cards show.

A group's CSV is its panel's `PanelView.export_rows`, built by the same panel builder from the
same data and score as the card (`group_export`), so the file and the card cannot disagree.
The portfolio CSV has one row per group in the order and with the numbers of `/cs list`
(`portfolio_rows`). Only group aggregates: no patient-level data exists to export.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from csbot.commands.card import CardState, window_label
from csbot.commands.listing import ListState, ranked, top_risk
from csbot.commands.panels.base import PanelView
from csbot.commands.pipeline import built_panel, load_renewals, score_portfolio
from csbot.commands.renewals import RENEWAL_COLUMNS, RenewalsState, renewal_csv_rows
from csbot.scoring.types import Band, GroupScore, half_up
from csbot.services import Sources

__all__ = [
    "PORTFOLIO_COLUMNS",
    "Export",
    "group_export",
    "panel_rows",
    "portfolio_export",
    "portfolio_rows",
    "renewals_export",
    "score_portfolio",
    "to_csv",
]

PORTFOLIO_COLUMNS = (
    "group",
    "band",
    "health",
    "change",
    "churn_risk",
    "churn_level",
    "arr",
    "arr_at_risk",
    "top_risk",
)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Export:
    """A CSV ready to hand to a person: its name, a title and a one-line comment."""

    filename: str
    title: str
    comment: str
    content: bytes
    rows: int
    group_id: int | None = None


def _cell(value: Any) -> str:
    """Numbers as plain decimals, dates ISO; text that a spreadsheet would run as a formula is
    quoted with a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "" if not math.isfinite(value) else repr(round(value, 6))
    if isinstance(value, int | date | datetime):
        return value.isoformat() if isinstance(value, date | datetime) else str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def to_csv(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> bytes:
    """UTF-8 CSV with a header; columns in the order given, else as they first appear."""
    if columns is None:
        columns = list(dict.fromkeys(key for row in rows for key in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    writer.writerows([_cell(row.get(c)) for c in columns] for row in rows)
    return buffer.getvalue().encode("utf-8")


def panel_rows(
    view: PanelView, *, group: str, state: CardState, as_of: date
) -> list[dict[str, Any]]:
    """The panel's export rows, each led by which group, panel, window and day it is about."""
    lead = {
        "group": group,
        "panel": state.panel.value,
        "window_days": state.window_days,
        "as_of": as_of,
    }
    return [{**lead, **row} for row in view.export_rows] or [lead]


def portfolio_rows(scores: Sequence[GroupScore], band: Band | None) -> list[dict[str, Any]]:
    """One row per group with data, worst first, as `/cs list` ranks and shows them."""
    rows = []
    for s in ranked(scores, band):
        health, churn = s.health, s.churn
        rows.append(
            {
                "group": s.name,
                "band": health.band.value,
                "health": float(health.display),
                "change": None if health.change is None else half_up(health.change, 1),
                "churn_risk": half_up(churn.score, 1),
                "churn_level": churn.level.value,
                "arr": round(churn.arr, 2),
                "arr_at_risk": round(churn.arr_at_risk, 2),
                "top_risk": top_risk(s) or "",
            }
        )
    return rows


def _slug(text: str) -> str:
    return _SLUG.sub("-", text.casefold()).strip("-")[:60] or "group"


def group_export(sources: Sources, state: CardState, *, as_of: date) -> Export:
    """One panel of one group as CSV: loaded, scored and built exactly as its card is."""
    _, score, view = built_panel(sources, state, as_of=as_of)
    rows = panel_rows(view, group=score.name, state=state, as_of=as_of)
    window = window_label(state.window_days)
    return Export(
        filename=f"csbot-{_slug(score.name)}-{state.panel.value}-{state.window_days}d-{as_of}.csv",
        title=f"{score.name} · {view.title or state.panel.label} · {window} to {as_of}",
        comment=f"*{score.name}*: {view.title or state.panel.label}, {window} to {as_of}",
        content=to_csv(rows),
        rows=len(view.export_rows),
        group_id=state.group_id,
    )


def portfolio_export(sources: Sources, state: ListState, *, as_of: date) -> Export:
    """The portfolio (or one band of it) as CSV, one row per group, worst first."""
    scores = score_portfolio(sources, window_days=state.window_days, as_of=as_of)
    rows = portfolio_rows(scores, state.band)
    what = state.band.value if state.band else "all groups"
    key = _slug(state.band.value) if state.band else "all"
    window = window_label(state.window_days)
    return Export(
        filename=f"csbot-portfolio-{key}-{state.window_days}d-{as_of}.csv",
        title=f"Portfolio · {what} · {window} to {as_of}",
        comment=f"*Portfolio* ({what}): {len(rows)} groups, {window} to {as_of}",
        content=to_csv(rows, PORTFOLIO_COLUMNS),
        rows=len(rows),
    )


def renewals_export(sources: Sources, state: RenewalsState, *, as_of: date) -> Export:
    """The groups renewing in the window as CSV, in the renewals card's order, every one of
    them (the card shows the first MAX_ROWS)."""
    rows = renewal_csv_rows(load_renewals(sources, days=state.days, as_of=as_of))
    window = window_label(state.days)
    return Export(
        filename=f"csbot-renewals-{state.days}d-{as_of}.csv",
        title=f"Renewals · next {window} from {as_of}",
        comment=f"*Renewals* in the next {window}: {len(rows)} groups, from {as_of}",
        content=to_csv(rows, RENEWAL_COLUMNS),
        rows=len(rows),
    )
