"""References between records: groups by external id or exact name, plans and goals by id.

Everything a batch can refer to is read once, before the first record (a few narrow queries,
even for 10,000 groups), so a million rows resolve with dictionary look-ups.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from csbot.store.ingest.base import UnknownRef
from csbot.store.ingest.kinds import Kind
from csbot.store.models import Goal, PhysicianGroup, SuccessPlan


@dataclass
class Refs:
    """Ids by reference, plus which group owns each name and slug (for the groups kind)."""

    groups: dict[str, int] = field(default_factory=dict)  # external id -> id
    group_names: dict[str, int] = field(default_factory=dict)  # exact name -> id
    plans: dict[str, int] = field(default_factory=dict)
    goals: dict[str, int] = field(default_factory=dict)
    goal_groups: dict[int, int] = field(default_factory=dict)  # goal id -> its plan's group id
    owners: dict[tuple[str, str], str] = field(default_factory=dict)  # (name|slug, v) -> ext
    claimed: dict[str, tuple[str, str]] = field(default_factory=dict)  # ext -> (name, slug)
    _hints: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, kind: Kind) -> Refs:
        refs = cls()
        g = PhysicianGroup
        for gid, ext, name, slug in session.execute(select(g.id, g.external_id, g.name, g.slug)):
            if ext is not None:
                refs.groups[ext] = gid
            refs.group_names[name] = gid
            owner = ext or f"#{gid}"
            refs.owners[("name", name)] = refs.owners[("slug", slug)] = owner
            refs.claimed[owner] = (name, slug)
        if kind.name == "goals":
            p = SuccessPlan
            stmt = select(p.external_id, p.id).where(p.external_id.is_not(None))
            refs.plans = {str(ext): pid for ext, pid in session.execute(stmt)}
        if kind.name == "actions":
            stmt2 = (
                select(Goal.external_id, Goal.id, SuccessPlan.group_id)
                .join(SuccessPlan, Goal.plan_id == SuccessPlan.id)
                .where(Goal.external_id.is_not(None))
            )
            for ext, gid, grp in session.execute(stmt2):
                refs.goals[str(ext)], refs.goal_groups[gid] = gid, grp
        return refs

    def resolve(self, column: str, ref: str, value: str) -> int:
        """The id `value` refers to; UnknownRef (with a did-you-mean for groups) if none."""
        if ref == "group":
            found = self.groups.get(value) or self.group_names.get(value)
            if found is None:
                raise UnknownRef(column, self._unknown_group(value), value)
            return found
        if ref == "plan" and value in self.plans:
            return self.plans[value]
        if ref == "goal" and value in self.goals:
            return self.goals[value]
        raise UnknownRef(column, f"no {ref} has this external_id; load the {ref}s first", value)

    def goal_group(self, goal_id: int) -> int:
        return self.goal_groups[goal_id]

    def _unknown_group(self, value: str) -> str:
        if value not in self._hints:
            close = difflib.get_close_matches(value, list(self.group_names), n=1, cutoff=0.75)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            self._hints[value] = f"no group has this external_id or exact name{hint}"
        return self._hints[value]

    def claim_group(self, external_id: str, name: str, slug: str) -> None:
        """Name and slug must belong to this group alone (in the database and the batch)."""
        for what, value in (("name", name), ("slug", slug)):
            owner = self.owners.get((what, value))
            if owner is not None and owner != external_id:
                raise UnknownRef(what, f"already belongs to another group ({owner})", value)
        old_name, old_slug = self.claimed.get(external_id, ("", ""))
        self.owners.pop(("name", old_name), None)
        self.owners.pop(("slug", old_slug), None)
        self.claimed[external_id] = (name, slug)
        self.owners[("name", name)] = self.owners[("slug", slug)] = external_id
