"""Set-based loading, recompute and `csbot recompute`, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import numpy as np
import pytest
from recompute_seed import AS_OF, NOW, at, seed, ticket, usage
from snapshot_checks import assert_stored
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from csbot.cli import main
from csbot.scoring import Band, FactorId, GroupScore, RiskLevel, default_config, score_group
from csbot.scoring.batch import BatchInputs
from csbot.scoring.inputs import MonthAmount, OnboardingFacts, UsageTotals
from csbot.store.batch_loading import Chunk, load_batch
from csbot.store.loading import load_scoring_inputs
from csbot.store.models import Activity, HealthSnapshot, OnboardingTask, Survey, Ticket
from csbot.store.recompute import explain, recompute
from csbot.store.snapshots import previous_bands, snapshot_series

LATER = NOW + timedelta(hours=1)
CONFIG = default_config()


@pytest.fixture
def ids(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        return seed(session)


def test_loader_sums_windows_and_picks_facts_as_of_the_day(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions() as session:
        inputs = load_scoring_inputs(
            session, as_of=AS_OF, window_days=30, rules=default_config().factors
        )
    alpha = inputs[ids["alpha"]]
    month = UsageTotals(
        days=30,
        active_users=240,
        sessions=300,
        session_minutes=3000.0,
        documents=1200,
        patients_total=900,
        patients_billable=720,
    )
    assert alpha.usage == month
    assert alpha.previous_usage == month  # the day after as_of is not counted
    assert alpha.revenue_months == tuple(MonthAmount(date(2026, m, 1), 10_000.0) for m in (1, 2, 3))
    support = alpha.support
    assert support.open_high_priority == 2  # one still open, one resolved only after as_of
    assert sorted(support.first_response_hours) == pytest.approx([1.0, 2.0, 30.0])
    assert (support.latest_nps, support.latest_nps_day) == (5, date(2026, 3, 1))
    assert (support.csat_average, support.csat_count) == (pytest.approx(3.5), 2)
    assert alpha.onboarding == OnboardingFacts(
        total=3, done=1, overdue=1, last_done=date(2026, 3, 1)
    )
    assert alpha.last_touch == date(2026, 3, 10)
    assert inputs[ids["beta"]].usage == UsageTotals()
    assert inputs[ids["gamma"]].usage.days == 10
    assert inputs[ids["gamma"]].previous_usage == UsageTotals()


def test_loader_can_limit_to_some_groups(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions() as session:
        inputs = load_scoring_inputs(
            session,
            as_of=AS_OF,
            window_days=7,
            group_ids=[ids["gamma"]],
            rules=default_config().factors,
        )
    assert list(inputs) == [ids["gamma"]]
    assert inputs[ids["gamma"]].usage.days == 7


def _batch(sessions: sessionmaker[Session]) -> tuple[list[int], BatchInputs]:
    with sessions() as session:
        ids, inputs = load_batch(session, as_of=AS_OF, window_days=30, chunk=Chunk(),
                                 rules=CONFIG.factors)  # fmt: skip
    return ids.tolist(), inputs


def test_batch_loader_reads_what_the_group_loader_reads(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    got_ids, got = _batch(sessions)
    with sessions() as session:
        alone = load_scoring_inputs(session, as_of=AS_OF, window_days=30, rules=CONFIG.factors)
    expected = BatchInputs.of([alone[gid] for gid in got_ids])
    assert got_ids == sorted(ids.values())
    for name in ("as_of", "seats", "arr", "onboarding_open", "onboarding_overdue",
                 "onboarding_last_done_ago", "contract_start_ago", "renewal_in",
                 "last_touch_ago"):  # fmt: skip
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), name)
    for part in ("usage", "previous_usage", "support"):
        for name, column in vars(getattr(got, part)).items():
            np.testing.assert_array_equal(column, getattr(getattr(expected, part), name), name)
    assert got.plans == expected.plans
    assert got.support.first_response_median[0] == pytest.approx(2.0)  # hours 30, 1 and 2


def _edges(session: Session, gid: int) -> None:
    """Tickets, surveys, onboarding tasks and touches at the edges of each rule."""
    end = at(AS_OF + timedelta(days=1), 0)  # the first instant after AS_OF
    march = date(2026, 3, 1)
    session.add_all(
        [
            ticket(gid, march, "high"),  # open
            ticket(gid, march, "urgent", status="pending"),  # open
            ticket(gid, march, "high", status="resolved"),  # closed without a date
            ticket(gid, march, "high", status="closed"),  # closed without a date
            # reopened after a resolution on 15 March: resolved before AS_OF, so not open
            ticket(gid, march, "high", resolved_at=at(date(2026, 3, 15))),
            ticket(gid, march, "high", status="resolved", resolved_at=end),  # open at AS_OF
            ticket(gid, march, "normal"),  # not high priority
            ticket(gid, AS_OF + timedelta(days=1), "high"),  # opened after AS_OF
            # first responses 4 hours before opening (counted as 0) and 2 hours after
            ticket(gid, date(2026, 3, 10), "low", first_response_at=at(date(2026, 3, 10), 5)),
            ticket(gid, date(2026, 3, 12), "low", first_response_at=at(date(2026, 3, 12), 11)),
            # the window's edges: opened at its first instant, answered 6 hours later (in);
            # opened the hour before it (out); opened at the first instant after it, answered
            # (glitch) before that (out); answered at that instant (out)
            _answered(gid, at(date(2026, 3, 2), 0), hours=6),
            _answered(gid, at(date(2026, 3, 1), 23), hours=1),
            _answered(gid, end, hours=-2),
            _answered(gid, at(AS_OF, 20), hours=4),
        ]
    )
    session.add_all(usage(gid, 30, last=AS_OF - timedelta(days=30)))  # the window before only
    session.add_all(
        Survey(group_id=gid, day=day, kind=kind, score=score)
        for day, kind, score in (
            (date(2026, 3, 10), "nps", 10),
            (date(2026, 3, 20), "nps", 9),
            (date(2026, 3, 20), "nps", 3),  # same day, later id: the latest
            (AS_OF + timedelta(days=1), "nps", 0),
            (date(2025, 9, 1), "csat", 1),  # before the 180-day lookback
            (AS_OF - timedelta(days=180), "csat", 5),
            (date(2026, 3, 30), "csat", 2),
            (AS_OF, "csat", 4),
        )
    )
    session.add_all(
        OnboardingTask(group_id=gid, phase="Setup", name=name, due=due, done_at=done)
        for name, due, done in (
            ("Done early", date(2026, 3, 1), at(date(2026, 3, 2))),
            ("Done at the day's end", date(2026, 3, 20), end),  # open and overdue at AS_OF
            ("No due date", None, None),
            ("Due after", date(2026, 4, 30), None),
            ("Due on the day", AS_OF, None),  # open, not overdue until the day after
        )
    )
    session.add_all(
        Activity(group_id=gid, kind=kind, title="Touch", occurred_at=when)
        for kind, when in (
            ("meeting", at(date(2026, 3, 31), 23)),
            ("call", end),
            ("email", at(date(2026, 3, 31), 23)),
        )
    )


def _answered(gid: int, opened: datetime, *, hours: int) -> Ticket:
    return ticket(gid, opened.date(), "low", opened_at=opened,
                  first_response_at=opened + timedelta(hours=hours))  # fmt: skip


@pytest.mark.parametrize("day", [AS_OF, date(2026, 3, 14)])
def test_batch_loader_agrees_at_the_edges_of_each_rule(
    sessions: sessionmaker[Session], ids: dict[str, int], day: date
) -> None:
    """Ties, tickets closed without a date, reopened or resolved after the day, negative
    first responses and the window's ends, the survey lookback's ends, a task due on the day,
    usage in the window before only: the set-based SQL of each store reads what the group
    loader reads, today and on a day in the past."""
    with sessions.begin() as session:
        _edges(session, ids["beta"])
    with sessions() as session:
        got_ids, got = load_batch(session, as_of=day, window_days=30, chunk=Chunk(),
                                  rules=CONFIG.factors)  # fmt: skip
        alone = load_scoring_inputs(session, as_of=day, window_days=30, rules=CONFIG.factors)
    expected = BatchInputs.of([alone[gid] for gid in got_ids.tolist()])
    for name, column in vars(got.support).items():
        np.testing.assert_array_equal(column, getattr(expected.support, name), name)
    for name in ("onboarding_open", "onboarding_overdue", "onboarding_last_done_ago",
                 "last_touch_ago"):  # fmt: skip
        np.testing.assert_array_equal(getattr(got, name), getattr(expected, name), name)
    for part in ("usage", "previous_usage"):
        for name, column in vars(getattr(got, part)).items():
            np.testing.assert_array_equal(column, getattr(getattr(expected, part), name), name)
    beta = got_ids.tolist().index(ids["beta"])
    days = (got.usage.days[beta], got.previous_usage.days[beta])
    median = got.support.first_response_median[beta]
    facts = (got.support.open_high_priority[beta], got.support.latest_nps[beta],
             got.support.csat_average[beta], got.onboarding_open[beta],
             got.onboarding_overdue[beta])  # fmt: skip
    if day == AS_OF:
        assert facts == (3, 3, pytest.approx(11 / 3), 4, 1)
        assert median == pytest.approx(2.0)  # of 0, 2 and 6
        assert (got.onboarding_last_done_ago[beta], got.last_touch_ago[beta]) == (29, 0)
        assert days == (0, 30)
    else:  # the reopened ticket, and the one resolved after AS_OF, were open then
        assert facts == (4, 10, 5, 4, 0)
        assert median == pytest.approx(1.5)  # of 0, 1, 2 and 6
        assert np.isnan(got.last_touch_ago[beta])
        assert days == (17, 13)  # 13 February-1 March, and 31 January-12 February


def test_the_batch_loader_reads_a_shorter_window_as_the_group_loader_does(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    """Seven days: the window the batch loader sums is the one asked for, not the default."""
    with sessions() as session:
        got_ids, got = load_batch(session, as_of=AS_OF, window_days=7, chunk=Chunk(),
                                  rules=CONFIG.factors)  # fmt: skip
        alone = load_scoring_inputs(session, as_of=AS_OF, window_days=7, rules=CONFIG.factors)
    expected = BatchInputs.of([alone[gid] for gid in got_ids.tolist()])
    for part in ("usage", "previous_usage"):
        for name, column in vars(getattr(got, part)).items():
            np.testing.assert_array_equal(column, getattr(getattr(expected, part), name), name)
    assert got.window_days == 7
    assert got.usage.days.tolist() == [7, 0, 7]  # alpha's 60 days, beta's none, gamma's 10


def test_the_median_first_response_of_an_even_count_is_the_mean_of_the_middle_two(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    answered = at(date(2026, 3, 25), 21)  # 12 hours after it was opened
    with sessions.begin() as session:
        session.add(ticket(ids["alpha"], date(2026, 3, 25), "low", first_response_at=answered))
    _, inputs = _batch(sessions)
    assert inputs.support.first_response_median[0] == pytest.approx((2.0 + 12.0) / 2)


def _explained(sessions: sessionmaker[Session], gid: int) -> GroupScore:
    with sessions() as session:
        return explain(session, day=AS_OF, window_days=30, group_ids=[gid], config=CONFIG)[gid]


def test_recompute_stores_what_scoring_each_group_alone_gives(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    assert result.skipped == (ids["beta"],)
    assert result.scored.score_of(ids["alpha"]) == pytest.approx(74.0)
    assert result.scored.band_of(ids["alpha"]) is Band.GOOD
    alpha = _explained(sessions, ids["alpha"])
    assert [f.id for f in alpha.churn.factors] == [
        FactorId.OPEN_HIGH_PRIORITY,
        FactorId.NPS_DETRACTOR,
        FactorId.ONBOARDING_STALLED,
    ]
    assert alpha.churn.level is RiskLevel.MEDIUM
    with sessions() as session:
        rows = {r.group_id: r for r in session.scalars(select(HealthSnapshot))}
        for gid in (ids["alpha"], ids["gamma"]):
            alone = load_scoring_inputs(
                session, as_of=AS_OF, window_days=30, group_ids=[gid], rules=CONFIG.factors
            )
            assert_stored(rows[gid], score_group(alone[gid], CONFIG))
            assert result.scored.score_of(gid) == rows[gid].score
    assert set(rows) == {ids["alpha"], ids["gamma"]}
    stored = rows[ids["alpha"]]
    assert (stored.day, stored.window_days, stored.band) == (AS_OF, 30, "Good")
    assert stored.score == pytest.approx(74.0)
    assert (stored.billability, stored.engagement, stored.revenue) == pytest.approx((80, 65, 75))
    assert (stored.churn_risk, stored.churn_level) == (30, "medium")
    assert stored.arr_at_risk == pytest.approx(120_000 * 0.15)
    assert stored.factors[0] == {
        "id": "open_high_priority_tickets",
        "title": "Open high-priority tickets",
        "points": 10,
    }
    assert stored.computed_at == NOW
    assert rows[ids["gamma"]].revenue is None
    with sessions() as session:
        if session.get_bind().dialect.name == "sqlite":  # kept as the ORM keeps them
            raw = session.execute(text("SELECT day, computed_at FROM health_snapshot")).all()
            assert set(raw) == {("2026-03-31", "2026-04-01 06:00:00.000000")}


def test_recompute_of_some_groups_leaves_the_others_alone(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions.begin() as session:
        recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    with sessions.begin() as session:
        result = recompute(
            session, as_of=AS_OF, computed_at=LATER, group_ids=[ids["gamma"]], config=CONFIG
        )
    assert list(result.scored.group_ids) == [ids["gamma"]]
    assert ids["alpha"] not in result.scored
    with sessions() as session:
        rows = session.execute(select(HealthSnapshot.group_id, HealthSnapshot.computed_at))
        stamps = {gid: at for gid, at in rows}
    assert stamps == {ids["alpha"]: NOW, ids["gamma"]: LATER}


def test_recompute_stores_its_time_to_the_microsecond_whatever_zone_it_was_given_in(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    # 08:30 at +02:00 is 06:30 UTC; the day and the time go to the database as text.
    given = datetime(2026, 4, 1, 8, 30, 15, 123456, tzinfo=timezone(timedelta(hours=2)))
    with sessions.begin() as session:
        if session.get_bind().dialect.name == "postgresql":  # not the server's UTC
            session.execute(text("SET LOCAL TIME ZONE 'America/New_York'"))
        recompute(session, as_of=AS_OF, computed_at=given, config=CONFIG)
    with sessions() as session:
        stored = set(session.execute(select(HealthSnapshot.day, HealthSnapshot.computed_at)))
    assert stored == {(AS_OF, datetime(2026, 4, 1, 6, 30, 15, 123456, tzinfo=UTC))}
    assert all(at.utcoffset() == timedelta(0) for _, at in stored)


def test_recompute_twice_replaces_never_duplicates(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    for _ in range(2):
        with sessions.begin() as session:
            recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    with sessions.begin() as session:
        recompute(
            session, as_of=AS_OF, computed_at=NOW + timedelta(hours=1), window_days=7, config=CONFIG
        )
    with sessions() as session:
        rows = session.execute(
            select(HealthSnapshot.window_days, func.count()).group_by(HealthSnapshot.window_days)
        )
        counts = {days: n for days, n in rows}
        stamps = set(
            session.scalars(
                select(HealthSnapshot.computed_at).where(HealthSnapshot.window_days == 30)
            )
        )
    assert counts == {30: 2, 7: 2}
    assert stamps == {NOW}


def test_history_gives_the_slope_and_the_previous_band(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    start = AS_OF - timedelta(days=5)
    for offset in range(6):
        with sessions.begin() as session:
            result = recompute(
                session, as_of=start + timedelta(days=offset), computed_at=NOW, config=CONFIG
            )
    alpha = _explained(sessions, ids["alpha"])
    assert alpha.trend.snapshots == 6
    assert alpha.trend.slope_per_day == pytest.approx(0.0, abs=1e-9)
    gamma = _explained(sessions, ids["gamma"])
    assert gamma.trend.snapshots == 6
    assert result.previous_bands[ids["alpha"]] is Band.GOOD
    with sessions() as session:
        series = snapshot_series(
            session, group_id=ids["gamma"], window_days=30, start=start, end=AS_OF
        )
        assert previous_bands(session, before=start, window_days=30) == {}
    assert [p.day for p in series] == [start + timedelta(days=i) for i in range(6)]


def test_slope_comes_from_earlier_snapshots_and_today(
    sessions: sessionmaker[Session], ids: dict[str, int]
) -> None:
    with sessions.begin() as session:
        session.add_all(
            HealthSnapshot(
                group_id=ids["alpha"],
                day=AS_OF - timedelta(days=d),
                window_days=30,
                score=74.0 + 2 * d,
                band="Good",
                computed_at=NOW,
            )
            for d in (1, 2, 3)
        )
        session.add(
            HealthSnapshot(
                group_id=ids["alpha"],
                day=AS_OF - timedelta(days=40),
                window_days=30,
                score=0.0,
                band="Critical",
                computed_at=NOW,
            )
        )
    with sessions.begin() as session:
        recompute(session, as_of=AS_OF, computed_at=NOW, config=CONFIG)
    trend = _explained(sessions, ids["alpha"]).trend
    assert trend.snapshots == 4  # three in the window before today, and today; not day -40
    assert trend.slope_per_day == pytest.approx(-2.0)
    assert trend.direction == "falling"


def test_cli_recompute_replays_a_range(
    database_url: str,
    sessions: sessionmaker[Session],
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    code = main(["recompute", "--from", "2026-03-29", "--to", "2026-03-31", "--window", "30"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0
    assert [line.split(" ", 1)[0] for line in out] == ["2026-03-29", "2026-03-30", "2026-03-31"]
    assert "2 groups scored (" in out[-1]
    assert "1 without data yet" in out[-1]
    with sessions() as session:
        days = sorted(set(session.scalars(select(HealthSnapshot.day))))
    assert days == [date(2026, 3, 29), date(2026, 3, 30), date(2026, 3, 31)]


def test_cli_recompute_stores_the_window_asked_for(
    database_url: str,
    sessions: sessionmaker[Session],
    ids: dict[str, int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CSBOT_DATABASE_URL", database_url)
    argv = ["recompute", "--from", "2026-03-30", "--to", "2026-03-31", "--window", "7"]
    assert main([*argv, "--no-deliver"]) == 0
    with sessions() as session:
        stored = set(session.execute(select(HealthSnapshot.day, HealthSnapshot.window_days)))
    assert stored == {(date(2026, 3, 30), 7), (date(2026, 3, 31), 7)}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["recompute", "--from", "2026-03-01"], "--from and --to go together"),
        (
            ["recompute", "--date", "2026-03-01", "--from", "2026-03-01", "--to", "2026-03-02"],
            "either --date or --from/--to",
        ),
        (["recompute", "--from", "2026-03-05", "--to", "2026-03-01"], "is after --to"),
    ],
)
def test_cli_recompute_refuses_bad_ranges(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 1
    assert message in capsys.readouterr().err


def test_cli_recompute_refuses_a_bad_date(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["recompute", "--date", "31/03/2026"])
    assert exited.value.code == 2
    assert "is not a date; use YYYY-MM-DD" in capsys.readouterr().err
