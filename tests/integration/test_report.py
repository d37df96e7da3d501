"""`csbot report` on demo data: the CSV is the portfolio export (one row per group, worst first)
and the summary is a one-page PDF or PNG."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from csbot.cli import main
from csbot.config import load_settings
from csbot.exports.export import PORTFOLIO_COLUMNS, portfolio_rows, score_portfolio
from csbot.exports.report import report_paths, write_report
from csbot.exports.report_page import Summary, summary_page
from csbot.scoring import default_config
from csbot.services import LocalSources
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.recompute import recompute

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)


@pytest.fixture
def demo(sessions: sessionmaker[Session], database_url: str) -> LocalSources:
    with transaction(sessions) as session:
        load_demo(session, groups=8, days=60, seed=7, as_of=AS_OF)
    for back in (3, 2, 1):
        with transaction(sessions) as session:
            recompute(
                session,
                as_of=AS_OF - timedelta(days=back),
                computed_at=NOW,
                config=default_config(),
            )
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    return LocalSources(settings, sessions, default_config(), lambda: NOW)


def _rows(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


@pytest.mark.parametrize(
    ("out", "csv_name", "page_name", "fmt"),
    [
        ("q1.pdf", "q1.csv", "q1.pdf", "pdf"),
        ("q1.PNG", "q1.csv", "q1.PNG", "png"),
        ("q1.csv", "q1.csv", "q1.pdf", "pdf"),
        ("q1", "q1.csv", "q1.pdf", "pdf"),
    ],
)
def test_out_names_both_files(out: str, csv_name: str, page_name: str, fmt: str) -> None:
    csv_path, page_path, page_fmt = report_paths(Path("reports") / out)
    assert (csv_path.name, page_path.name, page_fmt) == (csv_name, page_name, fmt)


def test_the_report_csv_is_the_portfolio_export(demo: LocalSources, tmp_path: Path) -> None:
    files = write_report(
        demo, window_days=30, out=tmp_path / "out" / "q1.pdf", as_of=AS_OF, computed_at=NOW
    )
    expected = portfolio_rows(score_portfolio(demo, window_days=30, as_of=AS_OF), None)
    rows = _rows(files.csv)
    assert files.groups == len(rows) == len(expected) == 8
    assert list(rows[0]) == list(PORTFOLIO_COLUMNS)
    assert [r["group"] for r in rows] == [e["group"] for e in expected]
    assert [float(r["health"]) for r in rows] == [e["health"] for e in expected]
    assert files.summary.read_bytes().startswith(b"%PDF-")


def test_the_summary_can_be_a_png(demo: LocalSources, tmp_path: Path) -> None:
    files = write_report(demo, window_days=7, out=tmp_path / "q1.png", as_of=AS_OF, computed_at=NOW)
    assert files.summary.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert files.csv == tmp_path / "q1.csv"


def test_csbot_report_from_the_command_line(
    demo: LocalSources,
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    out = tmp_path / "portfolio.pdf"
    assert main(["report", "--window", "30d", "--out", str(out), "--date", "2026-03-31"]) == 0
    printed = capsys.readouterr().out.splitlines()
    assert printed == [
        "8 groups, 30 days to 2026-03-31",
        f"CSV written to {tmp_path / 'portfolio.csv'}",
        f"summary written to {out}",
    ]
    assert len(_rows(tmp_path / "portfolio.csv")) == 8


def test_csbot_report_needs_out(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["report", "--window", "30d"])
    assert exited.value.code == 2
    assert "--out" in capsys.readouterr().err


def test_an_empty_portfolio_still_makes_a_page() -> None:
    summary = Summary("Portfolio health", "0 groups", {}, [], {"Good": 60.0}, [])
    assert summary_page(summary, fmt="png").startswith(b"\x89PNG")
