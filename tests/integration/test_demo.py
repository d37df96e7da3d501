"""`csbot demo`: deterministic, idempotent demo data whose archetypes look like they promise."""

from __future__ import annotations

import hashlib
import os
import statistics
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun import freeze_time
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

import csbot.alerts.cli  # noqa: F401  (`csbot demo` imports it: before time is frozen)
from csbot.cli import main
from csbot.demo.ahead import made_ahead
from csbot.demo.profile import group_specs
from csbot.scoring.config import default_config
from csbot.store import models as m
from csbot.store.db import make_engine, session_factory
from csbot.store.demo import TABLES, Archetype, demo_groups_by_archetype, load, load_demo
from csbot.store.demo.history import History

AS_OF = date(2026, 3, 16)
MIDNIGHT = datetime(2026, 3, 16, tzinfo=UTC)


def _load(sessions: sessionmaker[Session], groups: int = 12, days: int = 120) -> dict[str, int]:
    with sessions.begin() as session:
        return load_demo(session, groups=groups, days=days, seed=7, as_of=AS_OF)


def _counts(session: Session) -> dict[str, int]:
    return {
        name: session.scalar(select(func.count()).select_from(m.Base.metadata.tables[name])) or 0
        for name in TABLES
    }


def _natural_rows(session: Session, tables: tuple[str, ...] = TABLES
                  ) -> dict[str, list[dict[str, Any]]]:  # fmt: skip
    """The tables' rows, with surrogate ids replaced by the natural keys they stand for (a
    group's external id; a goal's, its group's external id and its title)."""
    ext = dict(session.execute(select(m.PhysicianGroup.id, m.PhysicianGroup.external_id)).all())
    plan_group = dict(session.execute(select(m.SuccessPlan.id, m.SuccessPlan.group_id)).all())
    goals = session.execute(select(m.Goal.id, m.Goal.plan_id, m.Goal.title))
    goal_key = {gid: (ext[plan_group[pid]], title) for gid, pid, title in goals}
    found: dict[str, list[dict[str, Any]]] = {}
    for name in tables:
        rows = found[name] = []
        for mapping in session.execute(select(m.Base.metadata.tables[name])).mappings():
            row: dict[str, Any] = dict(mapping)
            row.pop("id", None)
            if "group_id" in row:
                row["group_id"] = ext[row["group_id"]]
            if "plan_id" in row:
                row["plan_id"] = ext[plan_group[row["plan_id"]]]
            if row.get("goal_id") is not None:
                row["goal_id"] = goal_key[row["goal_id"]]
            rows.append(row)
    return found


def _lines(rows: list[dict[str, Any]]) -> list[str]:
    """Rows as sorted text lines, whatever order the database gave them in."""
    return sorted(repr(sorted(row.items())) for row in rows)


def _digest(session: Session, tables: tuple[str, ...] = TABLES) -> str:
    """A hash of every demo row, with surrogate ids replaced by the natural keys they stand for."""
    digest = hashlib.sha256()
    for rows in _natural_rows(session, tables).values():
        digest.update("\n".join(_lines(rows)).encode())
    return digest.hexdigest()


def test_running_twice_gives_the_same_rows_not_twice_the_rows(
    sessions: sessionmaker[Session],
) -> None:
    loaded = _load(sessions)
    with sessions() as session:
        first_counts, first_digest = _counts(session), _digest(session)
    _load(sessions)
    with sessions() as session:
        assert _counts(session) == first_counts
        assert _digest(session) == first_digest
    assert first_counts == loaded
    assert first_counts["physician_group"] == 12
    assert all(n > 0 for n in first_counts.values()), first_counts


def test_rows_written_a_batch_at_a_time_are_the_rows_of_one_batch(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL a batch is written while the next one is generated: three batches give
    the same rows and snapshots as one, into an empty database and over a loaded one."""
    history = History.before(AS_OF, 3, config=default_config(), computed_at=MIDNIGHT)
    every = (*TABLES, "health_snapshot")
    heard: list[tuple[int, int]] = []
    monkeypatch.setattr(load, "BATCH_GROUPS", 5)
    with sessions.begin() as session:
        batched = load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF, history=history,
                            progress=lambda done, total: heard.append((done, total)))  # fmt: skip
    with sessions() as session:
        three = _digest(session, every)
    monkeypatch.setattr(load, "BATCH_GROUPS", 2_000)
    with sessions.begin() as session:
        whole = load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF, history=history)
    with sessions() as session:
        assert _digest(session, every) == three
    monkeypatch.setattr(load, "BATCH_GROUPS", 5)
    with sessions.begin() as session:
        load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF, history=history)
    with sessions() as session:
        assert _digest(session, every) == three
    assert heard == [(1, 12), (3, 12), (6, 12), (10, 12), (12, 12)]
    assert batched == whole and batched["health_snapshot"] == 36


def test_batches_made_in_a_child_process_are_the_rows_made_here(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`csbot demo` on SQLite makes each batch in a child process while it writes the one
    before: the same rows and snapshots as one batch made in this process."""
    history = History.before(AS_OF, 3, config=default_config(), computed_at=MIDNIGHT)
    every = (*TABLES, "health_snapshot")
    with sessions.begin() as session:
        here = load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF, history=history)
    with sessions() as session:
        one = _digest(session, every)
    monkeypatch.setattr(load, "BATCH_GROUPS", 5)
    heard: list[tuple[int, int]] = []
    with made_ahead(load.__name__, process=True) as ahead, sessions.begin() as session:
        made = load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF, history=history,
                         progress=lambda done, total: heard.append((done, total)),
                         ahead=ahead)  # fmt: skip
    with sessions() as session:
        assert _digest(session, every) == one
    assert made == here and made["health_snapshot"] == 36
    assert heard == [(1, 12), (3, 12), (6, 12), (10, 12), (12, 12)]  # the first ones smaller


def test_the_demo_command_with_a_child_process_loads_the_rows_made_here(
    sessions: sessionmaker[Session], database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`csbot demo` with a core idle (on SQLite it then makes the batches in a child): the
    rows one batch made in this process gives."""
    with sessions.begin() as session:
        load_demo(session, groups=12, days=120, seed=7, as_of=AS_OF)
    with sessions() as session:
        here = _digest(session)
    monkeypatch.setattr(load, "BATCH_GROUPS", 5)
    monkeypatch.setattr(os, "getloadavg", lambda: (0.0, 0.0, 0.0))
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("CSBOT_TIMEZONE", "UTC")
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "12", "--days", "120", "--history", "3"]) == 0
    with sessions() as session:
        assert _digest(session) == here


def _by_group(rows: list[dict[str, Any]], group: str) -> dict[str, list[str]]:
    """A table's rows (from `_natural_rows`) by the group they belong to: `group` is the column
    that holds it (for goals, plan_id). An action item's goal and owner are left out: they
    are its goal's and its group's people's, compared apart, not the item's own."""
    mine: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        own = {k: v for k, v in row.items() if k not in ("goal_id", "owner")}
        mine.setdefault(row[group], []).append(own)
    return {key: _lines(value) for key, value in mine.items()}


PER_GROUP = {"success_plan": "group_id", "goal": "plan_id", "action_item": "group_id",
             "daily_usage": "group_id", "contact": "group_id"}  # fmt: skip


def test_another_seed_gives_other_rows_in_every_table(sessions: sessionmaker[Session]) -> None:
    """And other rows for the groups themselves: the plans of a group planned under both seeds
    differ too, not only which groups have one."""
    _load(sessions)
    with sessions() as session:
        seven = _natural_rows(session)
    with sessions.begin() as session:
        load_demo(session, groups=12, days=120, seed=8, as_of=AS_OF)
    with sessions() as session:
        eight = _natural_rows(session)
    assert [table for table in TABLES if _lines(eight[table]) == _lines(seven[table])] == []
    for table, column in PER_GROUP.items():
        before, after = _by_group(seven[table], column), _by_group(eight[table], column)
        both = before.keys() & after.keys()
        assert len(both) >= 3, table
        assert [key for key in both if before[key] == after[key]] == [], table


def test_a_batch_of_groups_without_a_plan_writes_the_rows_of_one_batch(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A group a batch to itself: some batches have no success plan, goal or action item."""
    every = _load(sessions)
    with sessions() as session:
        one = _digest(session)
        planned = set(session.scalars(select(m.SuccessPlan.group_id)))
    assert 0 < len(planned) < every["physician_group"]  # so some batches have no plan
    monkeypatch.setattr(load, "BATCH_GROUPS", 1)
    assert _load(sessions) == every
    with sessions() as session:
        assert _digest(session) == one


def test_plans_goals_and_action_items_belong_to_one_group(sessions: sessionmaker[Session],
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:  # fmt: skip
    """Written a few batches at a time, each with the ids the database gave the step before:
    a goal's plan and an item's goal are its own group's, an item's owner its CSM or one of
    its people."""
    monkeypatch.setattr(load, "BATCH_GROUPS", 5)
    _load(sessions)
    with sessions() as session:
        ext = dict(session.execute(select(m.PhysicianGroup.id, m.PhysicianGroup.external_id)).all())
        plans = {p.id: p for p in session.scalars(select(m.SuccessPlan))}
        goals = {g.id: g for g in session.scalars(select(m.Goal))}
        items = list(session.scalars(select(m.ActionItem)))
        contacts = list(session.scalars(select(m.Contact)))
    owners = {gid: {c.slack_user_id if c.internal else c.name for c in contacts
                    if c.group_id == gid and (not c.internal or c.role.startswith("Customer"))}
              for gid in ext}  # fmt: skip
    assert len({p.group_id for p in plans.values()}) == len(plans) > 0  # one plan a group
    for goal in goals.values():
        assert goal.external_id.startswith(f"{ext[plans[goal.plan_id].group_id]}-G")
    assert {g.plan_id for g in goals.values()} == set(plans)
    assert items and {i.goal_id for i in items} == set(goals)
    for item in items:
        group = plans[goals[item.goal_id].plan_id].group_id
        assert item.group_id == group
        assert item.external_id.startswith(f"{ext[group]}-I")
        assert item.owner in owners[group]


def test_acme_is_there_and_declining_toward_renewal(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions() as session:
        acme = session.scalars(
            select(m.PhysicianGroup).where(m.PhysicianGroup.name.like("Acme%"))
        ).one()
        by_archetype = demo_groups_by_archetype(session)
    assert acme.name == "Acme Family Medicine"
    assert "Acme" in acme.aliases
    assert acme.id == by_archetype[Archetype.DECLINING][0]
    assert AS_OF < acme.renewal_date <= AS_OF + timedelta(days=90)


def test_every_archetype_is_present(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions() as session:
        found = demo_groups_by_archetype(session)
    assert {a for a, ids in found.items() if ids} == set(Archetype)


def _ids(session: Session, archetype: Archetype) -> list[int]:
    return demo_groups_by_archetype(session)[archetype]


def _tickets(session: Session, archetype: Archetype) -> list[m.Ticket]:
    query = select(m.Ticket).where(m.Ticket.group_id.in_(_ids(session, archetype)))
    return list(session.scalars(query))


def _first_response_hours(tickets: list[m.Ticket]) -> float:
    return statistics.median(
        (t.first_response_at - t.opened_at).total_seconds() / 3600
        for t in tickets
        if t.first_response_at is not None
    )


def test_support_heavy_groups_wait_longer_with_more_open_tickets(
    sessions: sessionmaker[Session],
) -> None:
    _load(sessions)
    with sessions() as session:
        heavy = _tickets(session, Archetype.SUPPORT_HEAVY)
        thriving = _tickets(session, Archetype.THRIVING)
        csat = session.execute(
            select(m.Survey.group_id, m.Survey.score).where(m.Survey.kind == "csat")
        ).all()
        heavy_ids = set(_ids(session, Archetype.SUPPORT_HEAVY))
    open_heavy = sum(t.status != "resolved" for t in heavy)
    assert open_heavy > 3 * sum(t.status != "resolved" for t in thriving)
    assert _first_response_hours(heavy) > 24 > _first_response_hours(thriving)
    assert statistics.mean(s for g, s in csat if g in heavy_ids) < 3
    assert {t.source for t in heavy} == {"demo"}


def test_onboarding_groups_are_midway_with_overdue_tasks(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions() as session:
        ids = _ids(session, Archetype.ONBOARDING)
        groups = list(session.scalars(select(m.PhysicianGroup).where(m.PhysicianGroup.id.in_(ids))))
        tasks = list(session.scalars(select(m.OnboardingTask)))
    for group in groups:
        assert group.onboarding_phase in ("Configuration", "Training")
        assert group.go_live_date is not None and group.go_live_date > AS_OF
        own = [t for t in tasks if t.group_id == group.id]
        assert any(t.done_at is None and t.due is not None and t.due < AS_OF for t in own)
        assert any(t.done_at is not None for t in own)
        assert any(t.kind == "module" for t in own)
    mature = [t for t in tasks if t.group_id not in ids]
    assert mature and all(t.done_at is not None and t.done_at < MIDNIGHT for t in mature)


def test_detractors_latest_nps_is_six_or_below(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions() as session:
        for group_id in _ids(session, Archetype.DETRACTOR):
            latest = session.scalars(
                select(m.Survey.score)
                .where(m.Survey.group_id == group_id, m.Survey.kind == "nps")
                .order_by(m.Survey.day.desc())
                .limit(1)
            ).one()
            assert 0 <= latest <= 6


def _usage(session: Session, group_id: int, first_ago: int, last_ago: int) -> tuple[float, float]:
    """(billable share, mean active users) from `first_ago` to `last_ago` days before AS_OF."""
    u = m.DailyUsage
    row = session.execute(
        select(func.sum(u.patients_billable), func.sum(u.patients_total), func.avg(u.active_users))
        .where(u.group_id == group_id)
        .where(u.day.between(AS_OF - timedelta(days=first_ago), AS_OF - timedelta(days=last_ago)))
    ).one()
    return row[0] / row[1], float(row[2])


@pytest.mark.parametrize("archetype", [Archetype.DECLINING, Archetype.COLLAPSING])
def test_falling_groups_use_less_than_two_months_earlier(
    sessions: sessionmaker[Session], archetype: Archetype
) -> None:
    _load(sessions)
    with sessions() as session:
        for group_id in _ids(session, archetype):
            recent_billable, recent_users = _usage(session, group_id, 29, 0)
            earlier_billable, earlier_users = _usage(session, group_id, 89, 60)
            assert recent_billable < earlier_billable - 0.1
            assert recent_users < 0.75 * earlier_users


def _touches(session: Session, group_ids: list[int]) -> list[m.Activity]:
    query = select(m.Activity).where(
        m.Activity.group_id.in_(group_ids), m.Activity.kind.in_(("meeting", "call"))
    )
    return list(session.scalars(query))


def test_falling_groups_had_no_meeting_lately_and_healthy_ones_have_one_booked(
    sessions: sessionmaker[Session],
) -> None:
    _load(sessions)
    with sessions() as session:
        falling = _ids(session, Archetype.DECLINING) + _ids(session, Archetype.COLLAPSING)
        thriving = _ids(session, Archetype.THRIVING)
        falling_touches = _touches(session, falling)
        thriving_touches = _touches(session, thriving)
    assert falling_touches
    assert max(a.occurred_at for a in falling_touches) < MIDNIGHT - timedelta(days=30)
    booked = {a.group_id for a in thriving_touches if a.occurred_at > MIDNIGHT}
    assert booked == set(thriving)


def test_nothing_happened_after_as_of(sessions: sessionmaker[Session]) -> None:
    _load(sessions)
    with sessions() as session:
        assert session.scalar(select(func.max(m.DailyUsage.day))) == AS_OF
        assert session.scalar(select(func.min(m.DailyUsage.day))) == AS_OF - timedelta(days=119)
        assert session.scalar(select(func.max(m.Survey.day))) <= AS_OF  # type: ignore[operator]
        for column in (m.Ticket.opened_at, m.Ticket.first_response_at, m.Ticket.resolved_at):
            assert session.scalar(select(func.max(column))) < MIDNIGHT  # type: ignore[operator]
        done = session.scalar(select(func.max(m.ActionItem.done_at)))
        assert done is not None and done < MIDNIGHT
        future = session.scalars(select(m.Activity).where(m.Activity.occurred_at >= MIDNIGHT))
        assert {(a.kind, a.subtype) for a in future} <= {("meeting", "check-in"),
                                                        ("meeting", "qbr"),
                                                        ("meeting", "go-live")}  # fmt: skip


def test_contacts_are_fictional_and_include_the_internal_team(
    sessions: sessionmaker[Session],
) -> None:
    _load(sessions, groups=3, days=30)
    with sessions() as session:
        contacts = list(session.scalars(select(m.Contact)))
    external = [c for c in contacts if not c.internal]
    assert all(c.email and c.email.endswith(".example.com") for c in contacts)
    assert all(c.phone and "555-01" in c.phone for c in external)
    for group_id in {c.group_id for c in contacts}:
        own = [c for c in contacts if c.group_id == group_id]
        assert 3 <= sum(not c.internal for c in own) <= 5
        assert {c.role for c in own if c.internal} == {
            "Customer Success Manager", "Support Engineer", "Account Executive"
        }  # fmt: skip
        assert all(c.slack_user_id for c in own if c.internal)


def test_real_groups_and_their_rows_survive_a_rerun(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        real = m.PhysicianGroup(
            external_id="crm-42", name="Summit Urology", slug="summit-urology", specialty="Urology",
            region="West", plan="growth", seats=20, contract_start=date(2024, 1, 1),
            renewal_date=date(2027, 1, 1), arr=120000, created_at=MIDNIGHT,
        )  # fmt: skip
        session.add(real)
        session.flush()
        session.add(m.DailyUsage(group_id=real.id, day=AS_OF, active_users=3, sessions=4,
                                 session_minutes=40, documents_processed=9, patients_total=10,
                                 patients_billable=8))  # fmt: skip
        real_id = real.id
    _load(sessions, groups=30, days=30)  # a demo group of this name would clash with it
    _load(sessions, groups=30, days=30)
    with sessions() as session:
        names = session.scalars(select(m.PhysicianGroup.name)).all()
        assert session.get(m.PhysicianGroup, real_id) is not None
        assert session.scalar(select(func.count()).where(m.DailyUsage.group_id == real_id)) == 1
    assert len(names) == 31 and len(set(names)) == 31
    assert "Summit Urology (demo)" in names


@pytest.mark.parametrize("days", [1, 7])
def test_very_short_histories_load_every_archetype(
    sessions: sessionmaker[Session], days: int
) -> None:
    counts = _load(sessions, groups=7, days=days)
    with sessions() as session:
        first_day = session.scalar(select(func.min(m.DailyUsage.day)))
    assert counts["daily_usage"] == 7 * days
    assert first_day == AS_OF - timedelta(days=days - 1)


def test_names_stay_unique_for_ten_thousand_groups() -> None:
    specs = group_specs(groups=10_000, seed=7, as_of=AS_OF, days=30)
    assert len({s.name for s in specs}) == len({s.slug for s in specs}) == 10_000
    assert sum(s.name.startswith("Acme") for s in specs) == 1


def test_csbot_demo_prints_a_summary_and_reruns_cleanly(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "5", "--days", "30"]) == 0
        assert main(["demo", "--groups", "5", "--days", "30"]) == 0
    out = capsys.readouterr().out
    assert out.count("demo: 5 groups, 30 days to 2026-03-16 (seed 7)") == 2
    assert "daily_usage" in out and 'try: csbot ask "/cs health Acme 30d"' in out


def test_csbot_demo_alone_gives_trends_home_history_and_alerts(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Right after `csbot demo`: each group has a daily snapshot for each of the last days
    (trend charts, App Home's trend), today's daily run has happened, and the groups in Needs
    Attention or Critical wait in the outbox; all in a few lines, with no bar in a pipe."""
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "7", "--days", "60", "--history", "40"]) == 0
    out, err = capsys.readouterr()
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        acme = session.scalar(
            select(m.PhysicianGroup.id).where(m.PhysicianGroup.name.like("Acme%"))
        )
        days = session.scalars(
            select(m.HealthSnapshot.day).where(m.HealthSnapshot.group_id == acme)
        ).all()
        alerts = session.execute(select(m.Alert.kind, m.Alert.to_band)).all()
        ran = session.scalar(select(func.max(m.JobRun.day)))
    engine.dispose()
    assert sorted(days) == [AS_OF - timedelta(days=back) for back in range(40, -1, -1)]
    crossings = {band for kind, band in alerts if kind == "crossing"}
    assert crossings and crossings <= {"Needs Attention", "Critical"}
    assert "renewal" in {kind for kind, _ in alerts}  # the demo's renewals reach their lead times
    assert ran == AS_OF
    assert len(out.splitlines()) <= 8, out
    assert "health_snapshot" in out and f"{len(alerts)} new alert(s)" in out
    assert err == ""


def test_csbot_demo_leaves_planner_statistics_for_the_daily_job(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tables the demo loads are analysed before its daily run plans its queries on them:
    autovacuum would get there only later on PostgreSQL, and SQLite never would."""
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    with freeze_time("2026-03-16 12:00:00"):
        assert main(["demo", "--groups", "7", "--days", "60", "--history", "5"]) == 0
    engine = make_engine(database_url)
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            analysed = conn.exec_driver_sql(
                "SELECT relname FROM pg_stat_user_tables WHERE schemaname = current_schema() "
                "AND last_analyze IS NOT NULL"
            ).scalars()
        else:
            analysed = conn.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars()
        found = set(analysed)
    engine.dispose()
    assert {*TABLES, "health_snapshot"} <= found


def test_demo_sh_runs_csbot_demo_alone_before_the_card() -> None:
    """scripts/demo.sh prints a screenful at most before the card: a quiet install, then
    `csbot demo` (which builds the history itself), then the card."""
    script = (Path(__file__).resolve().parents[2] / "scripts" / "demo.sh").read_text()
    commands = [line.split()[0:2] for line in script.splitlines()
                if line.startswith(".venv/bin/")]  # fmt: skip
    before_card = commands[: commands.index([".venv/bin/csbot", "ask"])]
    assert before_card == [[".venv/bin/python", "-m"], [".venv/bin/csbot", "demo"]]
    assert "--quiet" in script


def test_after_csbot_demo_both_digests_have_something_to_show(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's renewal dates and onboarding groups give Monday's book-of-business digest
    renewals, reminders and alerts, and the onboarding digest a group midway."""
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    monkeypatch.setenv("CSBOT_DEFAULT_CHANNEL", "C0DEFAULT1")  # the whole book's digest
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    with freeze_time("2026-03-16 12:00:00"):  # a Monday
        assert main(["demo", "--groups", "7", "--days", "60", "--history", "40"]) == 0
        capsys.readouterr()
        assert main(["digest", "--kind", "book", "--dry-run"]) == 0
        book = capsys.readouterr().out
        assert main(["digest", "--kind", "onboarding", "--dry-run"]) == 0
        onboarding = capsys.readouterr().out
    engine = make_engine(database_url)
    with session_factory(engine)() as session:
        csms = set(session.scalars(select(m.PhysicianGroup.csm_owner)))
        onboarding_groups = session.scalars(
            select(m.PhysicianGroup.name)
            .join(m.OnboardingTask)
            .where(m.OnboardingTask.done_at.is_(None))
            .distinct()
        ).all()
    engine.dispose()
    recipients = [part.split(" ---")[0] for part in book.split("--- ")[1:]]
    assert sorted(recipients) == sorted(["C0DEFAULT1", *(f"DM {c}" for c in csms if c)])
    whole = book.split("--- C0DEFAULT1 ---")[1].split("\n--- ")[0]
    assert "a quiet week" not in whole
    for reminder in (30, 60, 90, 120):  # every lead time's reminder is among the new alerts
        assert f"{reminder}-day renewal reminder on 16 Mar 2026" in whole
    assert "Renewing in the next 90 days" in whole and "→ Critical on 16 Mar 2026" in whole
    assert "Onboarding digest · week to 16 Mar 2026" in onboarding and "% done" in onboarding
    assert onboarding_groups and all(name in onboarding for name in onboarding_groups)
