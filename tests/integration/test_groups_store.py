"""Group names for matching and the picker's type-ahead, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session, sessionmaker

from csbot.slack.matching import Matched, match_groups
from csbot.store.groups import group_names, search_group_options
from csbot.store.models import PhysicianGroup
from csbot.store.records import GroupName


def _add(session: Session, name: str, slug: str, aliases: list[str] | None = None) -> int:
    group = PhysicianGroup(
        name=name,
        slug=slug,
        aliases=aliases or [],
        specialty="Family Medicine",
        region="West",
        plan="growth",
        seats=10,
        contract_start=date(2025, 1, 1),
        renewal_date=date(2026, 12, 31),
        arr=100000,
        created_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    session.add(group)
    session.flush()
    return group.id


def _seed(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions.begin() as session:
        return {
            "zurich": _add(session, "Zürich Pädiatrie", "zurich-padiatrie", ["ZP", "Kinderpraxis"]),
            "acme": _add(session, "Acme Family Medicine", "acme-family", ["AFM"]),
            "peds": _add(session, "Acme Pediatrics", "acme-peds"),
            "lake": _add(session, "Lakeside Cardiology", "lakeside"),
        }


def test_group_names_returns_plain_records_by_name(sessions: sessionmaker[Session]) -> None:
    ids = _seed(sessions)
    with sessions() as session:
        found = group_names(session)
    assert [g.name for g in found] == [
        "Acme Family Medicine",
        "Acme Pediatrics",
        "Lakeside Cardiology",
        "Zürich Pädiatrie",
    ]
    assert found[-1] == GroupName(
        ids["zurich"], "Zürich Pädiatrie", "zurich-padiatrie", ("ZP", "Kinderpraxis")
    )


def test_names_from_the_store_match_typed_text(sessions: sessionmaker[Session]) -> None:
    ids = _seed(sessions)
    with sessions() as session:
        names = group_names(session)
    result = match_groups("zurich", names)
    assert isinstance(result, Matched) and result.group.id == ids["zurich"]
    result = match_groups("kinderpraxis", names)
    assert isinstance(result, Matched) and result.group.id == ids["zurich"]


def test_typeahead_is_accent_and_case_insensitive_and_ranked(
    sessions: sessionmaker[Session],
) -> None:
    _seed(sessions)
    with sessions() as session:
        assert [g.name for g in search_group_options(session, query="PADI")] == ["Zürich Pädiatrie"]
        assert [g.name for g in search_group_options(session, query="ped")] == ["Acme Pediatrics"]
        assert [g.name for g in search_group_options(session, query="acme")] == [
            "Acme Family Medicine",
            "Acme Pediatrics",
        ]
        # Inside a word counts too; nothing typed that is in no name finds nothing.
        assert [g.name for g in search_group_options(session, query="card")] == [
            "Lakeside Cardiology"
        ]
        assert search_group_options(session, query="xyz") == []


def test_typeahead_empty_query_lists_by_name_up_to_the_limit(
    sessions: sessionmaker[Session],
) -> None:
    _seed(sessions)
    with sessions() as session:
        assert [g.name for g in search_group_options(session, query="", limit=2)] == [
            "Acme Family Medicine",
            "Acme Pediatrics",
        ]
        assert len(search_group_options(session, query="  ")) == 4


def test_name_prefix_ranks_before_a_later_word(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        _add(session, "Northside Lake Clinic", "northside")
        _add(session, "Lakeside Cardiology", "lakeside")
        _add(session, "Blake Dermatology", "blake")
    with sessions() as session:
        found = [g.name for g in search_group_options(session, query="lake")]
    assert found == ["Lakeside Cardiology", "Northside Lake Clinic", "Blake Dermatology"]
