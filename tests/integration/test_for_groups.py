"""The group filter every per-group loader shares (csbot.store._query.for_groups), on SQLite
and PostgreSQL: the ids it is given, none, numpy's integers, and more ids than PostgreSQL
takes placeholders (65,535), since they go into the SQL as integers."""

from __future__ import annotations

import numpy as np
from recompute_seed import group
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from csbot.store._query import for_groups
from csbot.store.loading import load_profiles
from csbot.store.models import PhysicianGroup


def test_only_the_groups_asked_for_are_read(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        made = [group(f"Clinic {n}") for n in range(5)]
        session.add_all(made)
        session.flush()
        ids = [g.id for g in made]
    g = PhysicianGroup
    with sessions() as session:
        asked = [ids[1], ids[3], ids[3]]
        assert list(session.scalars(for_groups(select(g.id), g.id, asked).order_by(g.id))) == [
            ids[1], ids[3]
        ]  # fmt: skip
        assert list(session.scalars(for_groups(select(g.id), g.id, []))) == []
        assert len(list(session.scalars(for_groups(select(g.id), g.id, None)))) == 5
        assert set(load_profiles(session, group_ids=np.array(ids[:2], dtype=np.int64))) == set(
            ids[:2]
        )
        many = [ids[4], *range(10**7, 10**7 + 70_000)]
        assert list(session.scalars(for_groups(select(g.id), g.id, many))) == [ids[4]]
