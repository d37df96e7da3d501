"""Expected failures at the command line: one line on stderr, a non-zero exit, no traceback,
and nothing half-written."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from csbot.cli import main


def _tables(path: Path) -> set[str]:
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return {name for (name,) in rows}


def test_a_failing_migration_is_one_line_and_leaves_the_database_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "csbot.sqlite3"
    with sqlite3.connect(path) as conn:  # a table in the way of the first migration's last step
        conn.execute("CREATE TABLE success_plan (id INTEGER PRIMARY KEY, note TEXT)")
    monkeypatch.setenv("CSBOT_DATABASE_URL", f"sqlite:///{path}")

    assert main(["db", "upgrade"]) == 1

    err = capsys.readouterr().err
    assert err == (  # the driver's own words, first line
        "csbot: the database migration failed and was rolled back: OperationalError: table "
        "success_plan already exists. Nothing was changed.\n"
    )
    assert _tables(path) == {"success_plan"}


def test_an_unreachable_database_is_one_line_naming_the_setting(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", "postgresql://csbot:s3cret@127.0.0.1:9/nowhere")
    assert main(["db", "upgrade"]) == 1
    err = capsys.readouterr().err
    shown = re.fullmatch(
        r"csbot: cannot reach the database at postgresql\+psycopg://csbot:\*\*\*@127\.0\.0\.1:9/"
        r"nowhere: (.+)\. Check CSBOT_DATABASE_URL and that the server is running\.\n",
        err,
    )
    assert shown is not None, err
    # the first line of the driver's reason (libpq's second line asks "Is the server running...")
    assert shown[1].endswith('"127.0.0.1", port 9 failed: Connection refused')


def test_an_unknown_option_is_one_line_with_a_hint(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["demo", "--bogus"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err == "csbot: unrecognized arguments: --bogus (see `csbot --help`)\n"


def test_a_bad_setting_stops_the_command_before_it_starts(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("CSBOT_TIMEZONE", "Mars/Base")
    monkeypatch.setenv("CSBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    assert main(["db", "upgrade"]) == 1
    assert capsys.readouterr().err.startswith("csbot: CSBOT_TIMEZONE: 'Mars/Base'")
    assert not (tmp_path / "x.sqlite3").exists()
