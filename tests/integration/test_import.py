"""`csbot import KIND FILE`: every row or none, idempotent, every problem reported by line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session, sessionmaker

from csbot.cli import main
from csbot.config import load_settings
from csbot.errors import StoreError
from csbot.store import models as m
from csbot.store.csv_import import import_csv, run_import
from csbot.store.ingest import KINDS, Counts, IngestError
from csbot.store.ingest.pipeline import CHUNK_ROWS
from tests.integration.ingest_support import (
    EXAMPLES,
    NOW,
    USAGE_HEADER,
    dump,
    refuse,
    refuse_sessions,
    usage_rows,
    write_csv,
)  # fmt: skip


def _import(sessions: sessionmaker[Session], kind: str, path: Path, **kw: object) -> Counts:
    return import_csv(sessions, kind=kind, path=path, now=NOW, **kw)  # type: ignore[arg-type]


def _examples(sessions: sessionmaker[Session]) -> dict[str, Counts]:
    return {kind: _import(sessions, kind, EXAMPLES / f"{kind}.csv") for kind in KINDS}


FIRST_CHUNK_REFUSED = (f"lines 2-{CHUNK_ROWS + 1}: the database refused the import, nothing "
                       "was imported: ")  # fmt: skip


def _store_refused(sessions: sessionmaker[Session], engine: Engine, kind: str, path: Path) -> str:
    """What the database's own refusal of `path` says; the database is left as it was."""
    before = dump(engine)
    with pytest.raises(StoreError) as err:
        _import(sessions, kind, path)
    assert dump(engine) == before
    return str(err.value)


def _refused(sessions: sessionmaker[Session], engine: Engine, kind: str, path: Path) -> list[str]:
    """The problems `path` is refused with; the database is left exactly as it was."""
    before = dump(engine)
    with pytest.raises(IngestError) as err:
        _import(sessions, kind, path)
    assert dump(engine) == before
    return err.value.problems


def test_every_example_file_imports_cleanly_into_an_empty_database(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    counts = _examples(sessions)
    lines = {k: len((EXAMPLES / f"{k}.csv").read_text().splitlines()) - 1 for k in KINDS}
    assert {k: c.inserted for k, c in counts.items()} == lines
    with sessions() as session:
        ticket = session.scalars(select(m.Ticket).where(m.Ticket.external_id == "HD-1042")).one()
        group = session.get(m.PhysicianGroup, ticket.group_id)
        usage = session.scalar(select(func.count()).select_from(m.DailyUsage))
    assert group is not None and group.name == "Harbor Point Orthopedics"
    assert (
        ticket.source == "helpdesk" and ticket.opened_at.isoformat() == "2026-06-03T15:15:00+00:00"
    )
    assert usage == 5  # one row names its group by exact name, the others by external id


def test_importing_the_same_files_again_changes_nothing(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    _examples(sessions)
    before = dump(engine)
    again = _examples(sessions)
    assert dump(engine) == before
    assert all(c.inserted == c.updated == 0 and c.unchanged == c.read for c in again.values())


def test_lists_are_stored_as_given_and_a_later_import_keeps_when_rows_were_made(
    sessions: sessionmaker[Session], engine: Engine
) -> None:
    _examples(sessions)
    later = {kind: import_csv(sessions, kind=kind, path=EXAMPLES / f"{kind}.csv",
                              now=NOW + timedelta(days=3)) for kind in KINDS}  # fmt: skip
    assert all(c.inserted == c.updated == 0 and c.unchanged == c.read for c in later.values())
    with sessions() as session:
        cvp = session.scalars(
            select(m.PhysicianGroup).where(m.PhysicianGroup.external_id == "CVP-001")
        ).one()
        qbr = session.scalars(select(m.Activity).where(m.Activity.external_id == "EV-88120")).one()
        renewal = session.scalars(
            select(m.RenewalOutcome).where(m.RenewalOutcome.group_id == cvp.id)
        ).one()
    assert (cvp.aliases, qbr.attendees) == (
        ["Cedar Valley", "CVP"],
        ["Dana Reyes", "Sam Whitfield"],
    )
    assert (cvp.created_at, renewal.recorded_at) == (NOW, NOW)  # set once, when made


def test_a_changed_row_updates_in_place(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _examples(sessions)
    with sessions() as session:
        ids = set(session.scalars(select(m.Ticket.id)))
    text = (EXAMPLES / "tickets.csv").read_text().replace(",open,", ",resolved,")
    text = text.replace("-07:00,,,", "-07:00,2026-06-03T16:00:00Z,2026-06-04T10:00:00Z,")
    counts = _import(sessions, "tickets", write_csv(tmp_path / "t.csv", text.strip(), []))
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 1, 1)
    with sessions() as session:
        assert set(session.scalars(select(m.Ticket.id))) == ids
        changed = session.scalars(select(m.Ticket).where(m.Ticket.external_id == "HD-1042")).one()
    assert changed.status == "resolved" and changed.resolved_at is not None


def test_a_bad_row_in_the_middle_leaves_the_database_as_it_was(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    _import(sessions, "usage", EXAMPLES / "usage.csv")
    before = dump(engine)
    rows = usage_rows(CHUNK_ROWS + 5_000)  # a chunk is written before the bad row is read
    bad = CHUNK_ROWS + 3_500
    rows[bad] = rows[bad].rsplit(",", 1)[0] + ",41"  # billable 41 > total 40
    path = write_csv(tmp_path / "usage.csv", USAGE_HEADER, rows)
    with pytest.raises(IngestError) as err:
        _import(sessions, "usage", path)
    assert dump(engine) == before
    assert err.value.problems == [
        f"{path} line {bad + 2}, patients_billable: must not exceed patients_total (40) (41)"
    ]
    assert str(err.value).splitlines()[0] == f"{path}: 1 error; nothing was imported"


@pytest.mark.parametrize("signed", [False, True], ids=["column checks", "a row by the model"])
def test_a_chunk_the_database_refuses_leaves_it_as_it_was_and_says_so(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path, signed: bool
) -> None:
    """A row csbot's checks pass but the database refuses (here a constraint of its own) in
    the first chunk: the import stops, says the store refused which lines, and keeps nothing
    (later chunks: tests/integration/test_import_writer.py). The same when a count written
    with a sign sends its row through the record model (which takes it) and the rest of its
    batch one by one beside it."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    refuse_sessions(engine, 777)
    rows = usage_rows(3 * CHUNK_ROWS)
    rows[10] = rows[10].replace(",5,9,", ",5,777,")  # passes every check of csbot's own
    if signed:
        rows[1] = rows[1].replace(",5,9,", ",+5,9,")
    path = write_csv(tmp_path / "usage.csv", USAGE_HEADER, rows)
    assert _store_refused(sessions, engine, "usage", path).startswith(
        f"{path} {FIRST_CHUNK_REFUSED}"
    )


def test_a_chunk_of_rows_checked_one_by_one_that_the_database_refuses_is_named_by_its_lines(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """Contacts go through the record model row by row; the chunk they are written in is named
    by its first and last line all the same."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    refuse(engine, "contact", "name", "Refused Person", name="no_refused_name")
    rows = [f"CVP-001,Person {n:05d},Lead,false" for n in range(CHUNK_ROWS + 20)]
    rows[10] = "CVP-001,Refused Person,Lead,false"
    path = write_csv(tmp_path / "contacts.csv", "group,name,role,internal", rows)
    assert _store_refused(sessions, engine, "contacts", path).startswith(
        f"{path} {FIRST_CHUNK_REFUSED}"
    )


def test_rows_queued_before_the_first_problem_are_not_written_either(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """A row the database would refuse, then a row csbot refuses: the import reports csbot's
    problem, since nothing is written once there is one (the database never sees the first)."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    refuse_sessions(engine, 777)
    rows = usage_rows(3)
    rows[0] = rows[0].replace(",5,9,", ",5,777,")
    rows[2] = rows[2].replace(",5,9,", ",x,9,")
    path = write_csv(tmp_path / "usage.csv", USAGE_HEADER, rows)
    assert _refused(sessions, engine, "usage", path) == [
        f"{path} line 4, active_users: is not a whole number ('x')"
    ]


def test_a_bad_row_of_another_kind_after_a_written_chunk_leaves_the_database_as_it_was(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """Kinds without the column-at-a-time checks go through the record model row by row: the
    rows before the problems are already written in chunks, and still nothing is kept."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    before = dump(engine)
    rows = [f"CVP-001,Person {n:05d},Lead,false" for n in range(CHUNK_ROWS + 2_000)]
    rows[CHUNK_ROWS + 1_000] = "CVP-001,Somebody New,Lead,perhaps"
    rows[CHUNK_ROWS + 1_500] = rows[5]
    path = write_csv(tmp_path / "contacts.csv", "group,name,role,internal", rows)
    with pytest.raises(IngestError) as err:
        _import(sessions, "contacts", path)
    assert dump(engine) == before
    assert len(err.value.problems) == 2
    assert err.value.problems[0].startswith(f"{path} line {CHUNK_ROWS + 1_002}, internal: ")
    assert (
        err.value.problems[1] == f"{path} line {CHUNK_ROWS + 1_502}: same group and name as line 7"
    )


def test_every_problem_is_listed_with_its_line_and_column(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    path = write_csv(tmp_path / "u.csv", USAGE_HEADER, [
        "CVP-001,2026-06-01,18,41,612.5,230,180,171",
        "CVP-001,2026-06-02,18,41,612,5,230,180,171",
        "Cedar Valley Pediatric,2026-06-03,1,1,1,1,1,1",
        "HPO-002,2026-13-01,1,1,1,1,1,1",
        "Cedar Valley Pediatrics,2026-06-01,1,1,1,1,1,1",
    ])  # fmt: skip
    assert _refused(sessions, engine, "usage", path) == [
        f"{path} line 3: has 9 values; the header has 8",
        f"{path} line 4, group: no group has this external_id or exact name; did you mean "
        "'Cedar Valley Pediatrics'? ('Cedar Valley Pediatric')",
        f"{path} line 5, day: is not a date (use YYYY-MM-DD) ('2026-13-01')",
        f"{path} line 6: same group and day as line 2",
    ]


def test_an_alert_channel_must_be_a_channel_id_not_its_name(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    lines = (EXAMPLES / "groups.csv").read_text(encoding="utf-8").splitlines()
    header, first, second = lines[0], lines[1], lines[2]
    assert ",C0ALERTS01," in first and ",C0ALERTS02," in second
    path = write_csv(tmp_path / "groups.csv", header, [
        first.replace(",C0ALERTS01,", ",#cs-alerts,"),
        second.replace(",C0ALERTS02,", ", G0PRIVATE1 ,"),  # an old private channel, spaced
    ])  # fmt: skip
    assert _refused(sessions, engine, "groups", path) == [
        f"{path} line 2, alert_channel: must be a Slack channel ID such as C0123ABCDEF (in "
        "Slack: open the channel's details; the ID is at the bottom of About), not the "
        "channel's name ('#cs-alerts')"
    ]
    path.write_text(path.read_text().replace("#cs-alerts", "C0ALERTS09"))
    _import(sessions, "groups", path)
    with sessions() as session:
        channels = session.scalars(
            select(m.PhysicianGroup.alert_channel).order_by(m.PhysicianGroup.id)
        )
        assert list(channels) == ["C0ALERTS09", "G0PRIVATE1"]


def test_problems_stop_at_the_limit(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    path = write_csv(tmp_path / "u.csv", USAGE_HEADER, usage_rows(50, group="nobody"))
    with pytest.raises(IngestError) as err:
        _import(sessions, "usage", path, max_errors=5)
    assert len(err.value.problems) == 5
    assert (
        str(err.value).splitlines()[0] == f"{path}: 5 errors, stopped after 5; nothing was imported"
    )


def test_the_limit_counts_each_problem_of_a_row_with_several(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """Two bad numbers a row: the first row's two problems and one of the second's make the
    limit of three, not four."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    rows = [f"CVP-001,2026-06-0{n},x,y,1,1,1,1" for n in range(1, 4)]
    path = write_csv(tmp_path / "u.csv", USAGE_HEADER, rows)
    with pytest.raises(IngestError) as err:
        _import(sessions, "usage", path, max_errors=3)
    assert [p.split(":")[0] for p in err.value.problems] == [
        f"{path} line 2, active_users",
        f"{path} line 2, sessions",
        f"{path} line 3, active_users",
    ]
    assert (
        str(err.value).splitlines()[0] == f"{path}: 3 errors, stopped after 3; nothing was imported"
    )


def test_a_usage_key_repeated_among_valid_rows_is_refused_with_the_line_it_repeats(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """Rows that pass the column checks are checked for repeated keys too: within one batch of
    rows checked together, and against every batch before it; a key met a third time names
    the line it was first met on."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    rows = usage_rows(700)  # line n holds row n - 2
    rows[2] = rows[0]  # the same batch
    rows[600] = rows[1]  # a later batch
    rows[650] = rows[0]  # a later batch, the third time
    path = write_csv(tmp_path / "u.csv", USAGE_HEADER, rows)
    assert _refused(sessions, engine, "usage", path) == [
        f"{path} line 4: same group and day as line 2",
        f"{path} line 602: same group and day as line 3",
        f"{path} line 652: same group and day as line 2",
    ]


def test_a_key_met_a_third_time_names_the_line_it_was_first_met_on(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """Contacts go through the record model row by row."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    rows = ["CVP-001,Ana Ortiz,Lead,false", "CVP-001,Bo Li,Lead,false",
            "CVP-001,Ana Ortiz,Nurse,false", "CVP-001,Ana Ortiz,Owner,true"]  # fmt: skip
    path = write_csv(tmp_path / "contacts.csv", "group,name,role,internal", rows)
    assert _refused(sessions, engine, "contacts", path) == [
        f"{path} line 4: same group and name as line 2",
        f"{path} line 5: same group and name as line 2",
    ]


def test_unknown_and_missing_columns_are_named(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "u.csv", "group,day,patient_name,active_users", ["a,b,c,d"])
    with pytest.raises(IngestError) as err:
        _import(sessions, "usage", path)
    assert err.value.problems[:2] == [
        f"{path} line 1, patient_name: is not a column of usage",
        f"{path} line 1: missing required column(s) sessions, session_minutes, "
        "documents_processed, patients_total, patients_billable",
    ]
    assert err.value.problems[2].startswith(f"{path} line 1: the columns of usage are group, day,")


def test_bom_and_semicolons_are_read(sessions: sessionmaker[Session], tmp_path: Path) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    path = write_csv(
        tmp_path / "u.csv",
        USAGE_HEADER.replace(",", ";"),
        ["CVP-001;2026-06-01;18;41;612.5;230;180;171"],
        encoding="utf-8-sig",
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert _import(sessions, "usage", path).inserted == 1


def test_bytes_that_are_not_utf8_are_pinned_to_their_line(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    path = tmp_path / "latin1.csv"
    path.write_bytes(b"group,name,role\nCVP-001,Ana,Lead\nCVP-001,Jos\xe9,Lead\n")
    with pytest.raises(IngestError) as err:
        _import(sessions, "contacts", path)
    assert err.value.problems == [f"{path} line 3: is not UTF-8; save as UTF-8"]


def test_dry_run_counts_and_writes_nothing(sessions: sessionmaker[Session], engine: Engine) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    before = dump(engine)
    counts = _import(sessions, "usage", EXAMPLES / "usage.csv", dry_run=True)
    assert (counts.inserted, counts.updated) == (5, 0)
    assert dump(engine) == before


def test_a_group_name_cannot_be_taken_from_another_group(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    text = (
        (EXAMPLES / "groups.csv")
        .read_text()
        .replace("HPO-002,Harbor Point Orthopedics", "HPO-003,Cedar Valley Pediatrics")
    )
    with pytest.raises(IngestError) as err:
        _import(sessions, "groups", write_csv(tmp_path / "g.csv", text.strip(), []))
    assert err.value.problems == [f"{tmp_path / 'g.csv'} line 3, name: already belongs to another "
                                  "group (CVP-001) ('Cedar Valley Pediatrics')"]  # fmt: skip


def test_an_action_item_may_only_serve_its_own_groups_goal(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    for kind in ("groups", "plans", "goals"):
        _import(sessions, kind, EXAMPLES / f"{kind}.csv")
    path = write_csv(
        tmp_path / "a.csv",
        "external_id,group,goal,text",
        ["A-1,CVP-001,G-HPO-1,Call them", "A-2,CVP-001,G-NONE,Call them"],
    )
    with pytest.raises(IngestError) as err:
        _import(sessions, "actions", path)
    assert err.value.problems == [
        f"{path} line 2, goal: belongs to another group's success plan ('G-HPO-1')",
        f"{path} line 3, goal: no goal has this external_id; load the goals first ('G-NONE')",
    ]


def test_the_cli_lists_errors_one_per_line_and_exits_1(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    assert main(["import", "groups", str(EXAMPLES / "groups.csv")]) == 0
    assert "groups: 2 read, 2 inserted, 0 updated, 0 unchanged" in capsys.readouterr().out
    path = write_csv(
        tmp_path / "u.csv",
        USAGE_HEADER,
        ["CVP-001,2026-06-01,x,1,1,1,1,1", "CVP-001,2026-06-02,1,1,1,1,1,2"],
    )
    assert main(["import", "usage", str(path)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"csbot: {path}: 2 errors; nothing was imported",
        f"{path} line 2, active_users: is not a whole number ('x')",
        f"{path} line 3, patients_billable: must not exceed patients_total (1) (2)",
    ]
    assert main(["import", "usage", str(EXAMPLES / "usage.csv"), "--dry-run"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "dry run: nothing was written"
    assert main(["import", "usage", str(tmp_path / "missing.csv")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_the_cli_import_draws_no_bar_in_a_pipe(
    sessions: sessionmaker[Session], database_url: str, tmp_path: Path
) -> None:
    """In a pipe (or a log) only the summary: the progress bar is for terminals
    (tests/unit/test_progress.py draws it)."""
    import io

    out, err = io.StringIO(), io.StringIO()
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)
    run_import(settings, kind="groups", path=EXAMPLES / "groups.csv", out=out, err=err)
    assert err.getvalue() == ""
    assert out.getvalue().startswith(f"{EXAMPLES / 'groups.csv'}: groups: ")


def test_the_cli_help_names_every_kind() -> None:
    from csbot.cli import RECORD_KINDS

    assert RECORD_KINDS.split(", ") == list(KINDS)


def test_an_empty_file_or_broken_csv_is_reported(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(IngestError) as err:
        _import(sessions, "usage", empty)
    assert err.value.problems[0].startswith(f"{empty} line 1: is empty; the header of usage is")
    huge = write_csv(
        tmp_path / "huge.csv", "group,name,role", ['CVP-001,"' + "x" * 200_000 + '",a']
    )
    with pytest.raises(IngestError) as err:
        _import(sessions, "contacts", huge)
    assert err.value.problems == [f"{huge} line 2: is not CSV: field larger than field limit "
                                  "(131072)"]  # fmt: skip


def test_an_amount_must_fit_the_column_on_both_stores(
    sessions: sessionmaker[Session], engine: Engine, tmp_path: Path
) -> None:
    """Money is numeric(14, 2): below a trillion. The same file is refused by its line on
    SQLite, which would store more, and on PostgreSQL, which would refuse it itself."""
    _import(sessions, "groups", EXAMPLES / "groups.csv")
    header = "group,month,service_type,amount"
    path = write_csv(tmp_path / "r.csv", header, [
        "CVP-001,2026-04,subscription,999999999999.99",
        "CVP-001,2026-05,subscription,1000000000000",
    ])  # fmt: skip
    usage = write_csv(tmp_path / "u.csv", USAGE_HEADER, [
        "CVP-001,2026-06-01,18,41,1000000000000,230,180,171",
    ])  # fmt: skip
    assert _refused(sessions, engine, "revenue", path) == [
        f"{path} line 3, amount: must be less than 1000000000000.0 ('1000000000000')"
    ]
    assert _refused(sessions, engine, "usage", usage) == [
        f"{usage} line 2, session_minutes: must be less than 1000000000000.0 ('1000000000000')"
    ]
    path.write_text(path.read_text().replace("1000000000000\n", "0.01\n"))
    _import(sessions, "revenue", path)
    with sessions() as session:
        amounts = session.scalars(select(m.Revenue.amount).order_by(m.Revenue.month))
        assert list(amounts) == [999999999999.99, 0.01]
