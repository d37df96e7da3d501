"""CSV exports hold the numbers the cards show: a panel's from its export_rows, the portfolio's
from the list's ranking, one row per group; spreadsheets get plain numbers and no formulas."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from csbot.commands.card import CardState, frame
from csbot.commands.grammar import ExportRequest, HelpRequest, parse_command
from csbot.commands.listing import ListState, list_card
from csbot.commands.panels import health, overview
from csbot.commands.panels.base import Panel, PanelView
from csbot.errors import InputError
from csbot.exports.export import PORTFOLIO_COLUMNS, panel_rows, portfolio_rows, to_csv
from csbot.scoring import GroupScore, score_group
from csbot.scoring.config import default_config
from csbot.scoring.inputs import GroupProfile, UsageTotals
from csbot.scoring.panel_inputs import PanelData, UsageDay
from csbot.scoring.types import Band, fmt, signed
from tests.unit.scoring.scoring_builders import AS_OF, STEADY_USAGE, steady

UTC_ZONE = ZoneInfo("UTC")
NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)


def _read(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


def _score(gid: int, name: str, *, billable: int, before: int = 800) -> GroupScore:
    inputs = steady(
        usage=replace(STEADY_USAGE, patients_billable=billable),
        previous_usage=replace(STEADY_USAGE, patients_billable=before),
    )
    profile = replace(inputs.profile, id=gid, name=name)
    return score_group(replace(inputs, profile=profile), default_config())


def _data(score: GroupScore) -> PanelData:
    inputs = steady()
    usage = tuple(UsageDay(date(2026, 3, d), 8, 10, 100.0, 40, 33, 27) for d in range(2, 32))
    profile = GroupProfile(1, score.name, "growth", 10, 120_000.0, date(2027, 1, 1))
    return PanelData(profile=profile, window=inputs.window, inputs=inputs, usage=usage)


def test_csv_has_a_header_plain_numbers_and_no_formulas() -> None:
    rows: list[dict[str, Any]] = [
        {"group": '=HYPERLINK("http://x")', "score": 47.400000000001, "day": date(2026, 3, 31)},
        {"group": "+1 Clinic", "score": -3.5, "done": True, "note": None, "extra": 7},
        {"group": "@home", "score": float("nan")},
    ]
    assert to_csv(rows).decode().splitlines() == [
        "group,score,day,done,note,extra",
        '"\'=HYPERLINK(""http://x"")",47.4,2026-03-31,,,',
        "'+1 Clinic,-3.5,,true,,7",
        "'@home,,,,,",
    ]


def test_csv_columns_can_be_fixed_and_text_is_utf8() -> None:
    content = to_csv([{"b": "Zürich Pädiatrie", "a": 1}], ["a", "b", "c"])
    assert _read(content) == [{"a": "1", "b": "Zürich Pädiatrie", "c": ""}]


def test_health_csv_holds_the_numbers_on_the_health_card() -> None:
    score = _score(1, "Steady Clinic", billable=600)
    view = health.build(_data(score), score)
    state = CardState(1, Panel.HEALTH, 30)
    card = frame(view, state=state, score=score, data_as_of=AS_OF, computed_at=NOW, tz=UTC_ZONE)
    rows = _read(to_csv(panel_rows(view, group=score.name, state=state, as_of=AS_OF)))
    facts = {f["text"].split("\n")[0].strip("*"): f["text"] for f in _facts(card.blocks())}
    assert [r["part"] for r in rows] == ["Billability", "Engagement", "Revenue"]
    for row in rows:
        assert (row["group"], row["panel"], row["window_days"], row["as_of"]) == (
            "Steady Clinic",
            "health",
            "30",
            "2026-03-31",
        )
        shown = facts[row["part"]]  # e.g. "*Billability*\n60 → 24.0 pts (-8.0 pts)"
        assert f"{fmt(float(row['value']), 0)} → {fmt(float(row['points']))} pts" in shown
    assert sum(float(r["points"]) for r in rows) == pytest.approx(score.health.score)


def _facts(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    [facts] = [b for b in blocks if b.get("block_id") == "facts"]
    fields: list[dict[str, Any]] = facts["fields"]
    return fields


def test_overview_csv_holds_the_headline_numbers() -> None:
    score = _score(1, "Steady Clinic", billable=600)
    view = overview.build(_data(score), score)
    state = CardState(1, Panel.OVERVIEW, 30)
    card = frame(view, state=state, score=score, data_as_of=AS_OF, computed_at=NOW, tz=UTC_ZONE)
    [row] = _read(to_csv(panel_rows(view, group=score.name, state=state, as_of=AS_OF)))
    headline = card.blocks()[1]["text"]["text"]
    assert f"*Health {row['health']}* · {row['band']}" in headline
    assert row["band"] == score.health.band.value


def test_a_panel_without_export_rows_still_says_what_it_is_about() -> None:
    view = PanelView(title="Contacts", headline="")
    state = CardState(3, Panel.CONTACTS, 7)
    assert panel_rows(view, group="Acme", state=state, as_of=AS_OF) == [
        {"group": "Acme", "panel": "contacts", "window_days": 7, "as_of": AS_OF}
    ]


def _portfolio() -> list[GroupScore]:
    return [
        _score(1, "Alder Clinic", billable=800),
        _score(2, "Birch Pediatrics", billable=200, before=900),
        _score(3, "Cedar Health", billable=500),
        _no_data(4),
    ]


def _no_data(gid: int) -> GroupScore:
    inputs = steady(usage=UsageTotals(), previous_usage=UsageTotals(), revenue_months=())
    return score_group(
        replace(inputs, profile=replace(inputs.profile, id=gid, name="Empty")), default_config()
    )


def test_portfolio_csv_has_one_row_per_group_as_the_list_shows_them() -> None:
    scores = _portfolio()
    rows = _read(to_csv(portfolio_rows(scores, None), PORTFOLIO_COLUMNS))
    card = list_card(scores, state=ListState(), as_of=AS_OF, computed_at=NOW, tz=UTC_ZONE)
    list_rows = [b for b in card.blocks() if str(b.get("block_id", "")).startswith("list_row")]
    assert list(rows[0]) == list(PORTFOLIO_COLUMNS)
    assert len(rows) == len(list_rows) == 3  # the group without data is in neither
    for row, shown in zip(rows, list_rows, strict=True):
        text = shown["text"]["text"]
        assert f"*{row['group']}*  {row['health']}" in text
        if row["change"]:
            assert f"{signed(float(row['change']))} pts" in text
        if row["top_risk"]:
            assert row["top_risk"] in text.replace("_", "")
    by_name = {s.name: s for s in scores}
    for row in rows:
        score = by_name[row["group"]]
        assert row["band"] == score.health.band.value
        assert float(row["arr_at_risk"]) == round(score.churn.arr_at_risk, 2)
        assert row["churn_level"] == score.churn.level.value
    healths = [float(r["health"]) for r in rows]
    assert healths == sorted(healths)


def test_portfolio_csv_of_one_band() -> None:
    scores = _portfolio()
    band = scores[1].health.band
    rows = portfolio_rows(scores, band)
    assert [r["group"] for r in rows] == [
        s.name for s in scores if s.health.has_data and s.health.band is band
    ]
    assert all(r["band"] == band.value for r in rows)
    assert len(rows) == 1
    others = [b for b in Band if all(s.health.band is not b for s in scores)]
    assert others and portfolio_rows(scores, others[0]) == []
    assert re.fullmatch(r"-?\d+\.\d", str(rows[0]["health"]))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("export Acme", ExportRequest(group_query="Acme")),
        (
            "export health Acme 90d",
            ExportRequest(panel=Panel.HEALTH, group_query="Acme", window_days=90),
        ),
        (
            'export "Revenue Partners" 2w',
            ExportRequest(group_query="Revenue Partners", window_days=14),
        ),
        ("/cs export list", ExportRequest()),
        ("export list critical 7d private", ExportRequest(band="Critical", window_days=7)),
        ("export renewals", ExportRequest(renewals=True, window_days=120)),
        ("export renewals 90d", ExportRequest(renewals=True, window_days=90)),
    ],
)
def test_cs_export_grammar(text: str, expected: ExportRequest) -> None:
    assert parse_command(text) == expected


@pytest.mark.parametrize("text", ["export", "export 30d", "export health"])
def test_cs_export_without_a_target_says_what_to_type(text: str) -> None:
    request = parse_command(text)
    assert isinstance(request, HelpRequest)
    assert request.reason is not None and "`/cs export list`" in request.reason


def test_cs_export_of_an_unknown_band_is_refused() -> None:
    with pytest.raises(InputError, match="is not a band"):
        parse_command("export list purple")
