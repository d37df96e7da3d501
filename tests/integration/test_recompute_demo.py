"""Recompute over demo data gives what scoring each group alone, from a naive loader, gives.

The naive loader reads each group's rows as ORM objects and sums them in Python, so the
set-based SQL (grouping, dialect date maths, window functions), the batch scoring over columns
and the bulk snapshot writes are checked against plain code, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

import pytest
from snapshot_checks import assert_stored
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.scoring import Band, GroupScore, default_config, score_group
from csbot.scoring.batch import BatchInputs, score_batch
from csbot.scoring.inputs import (
    GroupInputs,
    GroupProfile,
    MonthAmount,
    OnboardingFacts,
    SupportFacts,
    UsageTotals,
    Window,
)
from csbot.store import batch_loading
from csbot.store import models as m
from csbot.store.demo import Archetype, demo_groups_by_archetype, load_demo
from csbot.store.recompute import explain, recompute
from tests.unit.scoring.batch_checks import assert_same

AS_OF = date(2026, 3, 31)
RULES = default_config().factors


def _end(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)


def _usage(rows: list[m.DailyUsage], window: Window) -> UsageTotals:
    days = [u for u in rows if window.contains(u.day)]
    if not days:
        return UsageTotals()
    return UsageTotals(
        len(days),
        sum(u.active_users for u in days),
        sum(u.sessions for u in days),
        sum(u.session_minutes for u in days),
        sum(u.documents_processed for u in days),
        sum(u.patients_total for u in days),
        sum(u.patients_billable for u in days),
    )


def _support(session: Session, gid: int, window: Window) -> SupportFacts:
    end, start = _end(window.as_of), _end(window.start - timedelta(days=1))
    tickets = session.scalars(select(m.Ticket).where(m.Ticket.group_id == gid)).all()
    open_high = sum(
        1
        for t in tickets
        if t.priority in RULES.high_priorities
        and t.opened_at < end
        and (t.resolved_at >= end if t.resolved_at else t.status not in ("resolved", "closed"))
    )
    hours = tuple(
        (t.first_response_at - t.opened_at).total_seconds() / 3600
        for t in tickets
        if start <= t.opened_at < end and t.first_response_at and t.first_response_at < end
    )
    since = window.as_of - timedelta(days=RULES.survey_lookback_days)
    surveys = session.scalars(select(m.Survey).where(m.Survey.group_id == gid)).all()
    recent = [s for s in surveys if since <= s.day <= window.as_of]
    nps = sorted((s for s in recent if s.kind == "nps"), key=lambda s: (s.day, s.id))
    csat = [s.score for s in recent if s.kind == "csat"]
    return SupportFacts(
        open_high,
        hours,
        nps[-1].score if nps else None,
        nps[-1].day if nps else None,
        statistics.fmean(csat) if csat else None,
        len(csat),
    )


def _onboarding(session: Session, gid: int, as_of: date) -> OnboardingFacts:
    tasks = session.scalars(select(m.OnboardingTask).where(m.OnboardingTask.group_id == gid))
    tasks_list = list(tasks)
    done = [t for t in tasks_list if t.done_at and t.done_at < _end(as_of)]
    overdue = [t for t in tasks_list if t not in done and t.due and t.due < as_of]
    last = max((t.done_at for t in done if t.done_at), default=None)
    return OnboardingFacts(len(tasks_list), len(done), len(overdue), last.date() if last else None)


def naive_inputs(session: Session, group: m.PhysicianGroup, window: Window) -> GroupInputs:
    gid = group.id
    usage = session.scalars(select(m.DailyUsage).where(m.DailyUsage.group_id == gid)).all()
    first_month = window.previous().previous().start.replace(day=1)
    months: dict[date, float] = defaultdict(float)
    for r in session.scalars(select(m.Revenue).where(m.Revenue.group_id == gid)):
        if first_month <= r.month <= window.as_of:
            months[r.month] += r.amount
    touches = [
        a.occurred_at.date()
        for a in session.scalars(select(m.Activity).where(m.Activity.group_id == gid))
        if a.kind in RULES.touch_kinds and a.occurred_at < _end(window.as_of)
    ]
    profile = GroupProfile(
        gid,
        group.name,
        group.plan,
        group.seats,
        group.arr,
        group.renewal_date,
        group.contract_start,
        group.onboarding_phase,
        group.go_live_date,
    )
    return GroupInputs(
        profile=profile,
        window=window,
        usage=_usage(list(usage), window),
        previous_usage=_usage(list(usage), window.previous()),
        revenue_months=tuple(MonthAmount(k, v) for k, v in sorted(months.items())),
        support=_support(session, gid, window),
        onboarding=_onboarding(session, gid, window.as_of),
        last_touch=max(touches, default=None),
    )


def _same(a: GroupScore, b: GroupScore) -> None:
    assert a.health.score == pytest.approx(b.health.score, abs=1e-9)
    for x, y in zip(a.health.components, b.health.components, strict=True):
        assert x.value == pytest.approx(y.value, abs=1e-9)
        assert x.previous_value == pytest.approx(y.previous_value, abs=1e-9)
    assert a.health.band is b.health.band
    assert [(f.id, f.evidence, f.points) for f in a.churn.factors] == [
        (f.id, f.evidence, f.points) for f in b.churn.factors
    ]
    assert a.churn.score == b.churn.score
    assert a.health.summary == b.health.summary


@pytest.fixture
def demo(sessions: sessionmaker[Session]) -> sessionmaker[Session]:
    with sessions.begin() as session:
        load_demo(session, groups=14, days=120, seed=7, as_of=AS_OF)
    return sessions


def test_recompute_equals_scoring_each_group_alone(demo: sessionmaker[Session]) -> None:
    """What the recompute stores (loaded and scored over columns) is what score_group says of
    each group loaded alone by the naive loader; the cards' loader agrees with both."""
    with demo.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=_end(AS_OF), config=default_config())
    assert len(result.scored) == 14
    window = Window(AS_OF, 30)
    with demo() as session:
        rows = {r.group_id: r for r in session.scalars(select(m.HealthSnapshot))}
        explained = explain(session, day=AS_OF, window_days=30, group_ids=list(rows),
                            config=default_config())  # fmt: skip
        groups = list(session.scalars(select(m.PhysicianGroup).order_by(m.PhysicianGroup.id)))
        naive = [naive_inputs(session, group, window) for group in groups]
    batch = score_batch(BatchInputs.of(naive), default_config())
    for i, (group, inputs) in enumerate(zip(groups, naive, strict=True)):
        expected = score_group(inputs, default_config())
        assert_stored(rows[group.id], expected)
        assert_same(batch, i, expected)
        _same(explained[group.id], expected)


def test_demo_archetypes_land_in_their_bands(demo: sessionmaker[Session]) -> None:
    with demo.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=_end(AS_OF), config=default_config())
        kinds = demo_groups_by_archetype(session)
        acme_id = session.scalar(
            select(m.PhysicianGroup.id).where(m.PhysicianGroup.name == "Acme Family Medicine")
        )
        assert acme_id is not None
        acme = explain(session, day=AS_OF, window_days=30, group_ids=[acme_id],
                       config=default_config())[acme_id]  # fmt: skip
    bands = {kind: {result.scored.band_of(gid) for gid in ids} for kind, ids in kinds.items()}
    assert bands[Archetype.THRIVING] == {Band.EXCELLENT}
    assert bands[Archetype.STEADY] == {Band.GOOD}
    assert bands[Archetype.DECLINING] == {Band.NEEDS_ATTENTION}
    assert bands[Archetype.COLLAPSING] == {Band.CRITICAL}
    assert acme.health.summary.startswith("Health fell ")
    assert acme.churn.level.value in ("high", "very high")


def _stored(sessions: sessionmaker[Session]) -> dict[int, tuple[tuple[object, ...], ...]]:
    """Each group's snapshot: its numbers, and its band, churn level and factors."""
    with sessions() as session:
        rows = session.scalars(select(m.HealthSnapshot))
        return {r.group_id: ((r.score, r.billability, r.engagement, r.revenue, r.churn_risk,
                              r.arr_at_risk), (r.band, r.churn_level, r.factors))
                for r in rows}  # fmt: skip


@pytest.mark.parametrize("some", [False, True], ids=["every group", "some groups"])
def test_recompute_in_chunks_stores_what_one_chunk_stores(
    demo: sessionmaker[Session], some: bool
) -> None:
    """Chunks of every group are ranges of ids on PostgreSQL, chunks of some groups lists of
    them; either way each group gets the snapshot one chunk of all of them gives it."""
    with demo() as session:
        every = list(session.scalars(select(m.PhysicianGroup.id)))
    wanted = every[::2] if some else None
    stored = {}
    for size in (len(every), 3):
        with demo.begin() as session:
            recompute(session, as_of=AS_OF, computed_at=_end(AS_OF), config=default_config(),
                      group_ids=wanted, chunk_groups=size)  # fmt: skip
        stored[size] = _stored(demo)
    assert sorted(stored[3]) == sorted(wanted or every)
    for gid, (numbers, labels) in stored[3].items():  # revenue may add up in another order
        assert numbers == pytest.approx(stored[len(every)][gid][0], rel=1e-9, abs=1e-9), gid
        assert labels == stored[len(every)][gid][1], gid


def _copy_group(session: Session, source: int) -> int:
    """A new group (as another replica's import would add it) with `source`'s usage, revenue
    and tickets; its id is above every other."""
    group = session.get_one(m.PhysicianGroup, source)
    clone = m.PhysicianGroup(**{
        c.key: getattr(group, c.key) for c in m.PhysicianGroup.__mapper__.column_attrs
        if c.key not in ("id", "external_id", "name", "slug")
    }, name="Added Meanwhile Clinic", slug="added-meanwhile-clinic")  # fmt: skip
    session.add(clone)
    session.flush()
    for model in (m.DailyUsage, m.Revenue, m.Ticket):
        keys = [c.key for c in model.__mapper__.column_attrs
                if c.key not in ("id", "group_id", "external_id", "submission_key")]  # fmt: skip
        for row in session.scalars(select(model).where(model.group_id == source)):
            session.add(model(group_id=clone.id, **{k: getattr(row, k) for k in keys}))
    session.flush()
    return clone.id


def test_a_group_added_while_a_chunk_loads_waits_for_the_next_run(
    demo: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL's serial path (the workers share one snapshot) each query of a chunk
    sees what was committed by then, so a group added after the chunk's profiles were read
    shows up in its usage, revenue and ticket rows. It is scored on the next run; every other
    group keeps exactly its own snapshot."""
    with demo.begin() as session:
        recompute(session, as_of=AS_OF, computed_at=_end(AS_OF), config=default_config())
    before = _stored(demo)
    usage = batch_loading._Loader.usage
    added: list[int] = []

    def usage_after_an_import(self: batch_loading._Loader) -> object:
        added.append(_copy_group(self.session, max(before)))
        return usage(self)

    monkeypatch.setattr(batch_loading._Loader, "usage", usage_after_an_import)
    with demo.begin() as session:
        result = recompute(session, as_of=AS_OF, computed_at=_end(AS_OF), workers=0,
                           config=default_config())  # fmt: skip
    assert added and added[0] not in result.scored
    assert _stored(demo) == before
