"""Group look-ups by name: the list commands match against, and the picker's type-ahead."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from csbot.store.models import PhysicianGroup
from csbot.store.records import GroupName, fold

__all__ = ["group_names", "rank_for_typeahead", "search_group_options"]


def _aliases(raw: Any) -> tuple[str, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(str(alias) for alias in raw if isinstance(alias, str) and alias.strip())


def group_names(session: Session) -> list[GroupName]:
    """Every group's id, name, slug and aliases, by name: one narrow query, no ORM objects."""
    rows = session.execute(
        select(
            PhysicianGroup.id, PhysicianGroup.name, PhysicianGroup.slug, PhysicianGroup.aliases
        ).order_by(PhysicianGroup.name, PhysicianGroup.id)
    )
    return [
        GroupName(id=gid, name=name, slug=slug, aliases=_aliases(al))
        for gid, name, slug, al in rows
    ]


def rank_for_typeahead(
    query: str, groups: Sequence[GroupName], *, limit: int = 100
) -> list[GroupName]:
    """Groups whose name, slug or an alias contains every typed word, best first.

    A name that starts with the typed text comes first, then a word that starts with it, then any
    other containment; ties by name. An empty query lists the first `limit` groups by name.
    """
    words = tuple(fold(query).split())
    if not words:
        return list(groups[:limit])
    phrase = " ".join(words)
    hits = [g for g in groups if g.contains_all(words)]

    def rank(group: GroupName) -> tuple[int, str]:
        names = group.folded_names
        if any(n.startswith(phrase) for n in names):
            return 0, group.name.casefold()
        if any(f" {phrase}" in f" {n}" for n in names):
            return 1, group.name.casefold()
        return 2, group.name.casefold()

    return sorted(hits, key=rank)[: max(0, limit)]


def search_group_options(session: Session, *, query: str, limit: int = 100) -> list[GroupName]:
    """Groups for an external-select's type-ahead (Slack shows at most 100 options).

    Matching is accent- and case-insensitive, which SQL cannot do portably across SQLite and
    PostgreSQL, so the narrow name list is read and filtered here: a few milliseconds for
    thousands of groups.
    """
    return rank_for_typeahead(query, group_names(session), limit=limit)
