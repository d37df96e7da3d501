"""Set-based upserts: one `INSERT ... ON CONFLICT DO UPDATE` per chunk, SQLite and PostgreSQL.

The update only fires when a value differs (`IS DISTINCT FROM`), so loading the same records
again rewrites nothing, and `RETURNING` gives back only the rows inserted or changed. Each
returned row says whether it was new: on PostgreSQL a freshly inserted tuple has `xmax = 0`; on
SQLite a new row's rowid is above the table's largest rowid when the batch began (the batch's
transaction is the only writer, so nothing else can take those rowids).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import JSON, Table, Text, cast, func, literal, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from csbot.store.ingest.base import Row
from csbot.store.ingest.kinds import Kind
from csbot.store.models import Base


@dataclass(frozen=True)
class Written:
    inserted: int
    updated: int
    unchanged: int


def _comparable(column: Any) -> Any:
    """JSON has no equality operator on PostgreSQL; its text does."""
    return cast(column, Text) if isinstance(column.type, JSON) else column


class Upserter:
    """Writes chunks of one kind's rows into its table within the caller's transaction."""

    def __init__(
        self, session: Session, kind: Kind, columns: Sequence[str], *, repeats: bool = False
    ) -> None:
        """`repeats`: a later chunk may hold rows this batch wrote already (sync's replace
        mode), so on SQLite the floor is raised after each chunk to count those as updates."""
        self._session, self._kind, self._columns = session, kind, columns
        self._table: Table = Base.metadata.tables[kind.table]
        self._repeats = repeats and session.get_bind().dialect.name != "postgresql"
        self._statement = self._build(kind, columns, self._is_new())

    def _is_new(self) -> Any:
        if self._session.get_bind().dialect.name == "postgresql":
            return literal_column("xmax") == literal(0)
        floor = self._session.execute(select(func.max(literal_column("rowid")))
                                      .select_from(self._table)).scalar()  # fmt: skip
        return literal_column("rowid") > literal(floor or 0)

    def _build(self, kind: Kind, columns: Sequence[str], is_new: Any) -> Any:
        postgres = self._session.get_bind().dialect.name == "postgresql"
        stmt = (postgresql.insert if postgres else sqlite.insert)(self._table)
        updated = [c for c in columns if c not in kind.key and c not in kind.insert_only]
        if not updated:
            return stmt.on_conflict_do_nothing(index_elements=list(kind.key)).returning(is_new)
        differs = or_(
            *(_comparable(self._table.c[c]).is_distinct_from(_comparable(stmt.excluded[c]))
              for c in updated)
        )  # fmt: skip
        return stmt.on_conflict_do_update(
            index_elements=list(kind.key),
            set_={c: stmt.excluded[c] for c in updated},
            where=differs,
        ).returning(is_new)

    def write(self, rows: Sequence[Row]) -> Written:
        """Upsert `rows` (whose keys must be distinct) and say what happened to them."""
        if not rows:
            return Written(0, 0, 0)
        flags = self._session.execute(self._statement, list(rows)).scalars().all()
        if self._repeats and any(flags):
            self._statement = self._build(self._kind, self._columns, self._is_new())
        inserted = sum(1 for new in flags if new)
        updated = len(flags) - inserted
        return Written(inserted, updated, len(rows) - inserted - updated)
