"""Set-based upserts: one `INSERT ... ON CONFLICT DO UPDATE` per chunk, SQLite and PostgreSQL.

PostgreSQL gets the chunk as one array per column (`INSERT ... SELECT unnest(...)`), SQLite as
a multi-row VALUES. The update only fires when a value differs (`IS DISTINCT FROM`), so
loading the same records again rewrites nothing, and `RETURNING` gives back only the rows
inserted or changed. Each returned row says whether it was new: on PostgreSQL a freshly
inserted tuple has `xmax = 0`; on SQLite a new row's rowid is above the table's largest rowid
when the batch began (the batch's transaction is the only writer, so nothing else can take
those rowids).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    JSON,
    Table,
    Text,
    bindparam,
    cast,
    func,
    literal,
    literal_column,
    or_,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from csbot.store.dialect import insert_for
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


def _item(column: Any) -> Any:
    """An array element's type: JSON travels as text (a list of lists is no 2-D array)."""
    return Text() if isinstance(column.type, JSON) else column.type


def _plain(value: Any, is_json: bool) -> Any:
    return json.dumps(value) if is_json and value is not None else value


class Upserter:
    """Writes chunks of one kind's rows into its table within the caller's transaction."""

    def __init__(
        self, session: Session, kind: Kind, columns: Sequence[str], *, repeats: bool = False
    ) -> None:
        """`repeats`: a later chunk may hold rows this batch wrote already (sync's replace
        mode), so on SQLite the floor is raised after each chunk to count those as updates."""
        self._session, self._kind, self._columns = session, kind, list(columns)
        self._table: Table = Base.metadata.tables[kind.table]
        self._postgres = session.get_bind().dialect.name == "postgresql"
        self._repeats = repeats and not self._postgres
        self._json = {c for c in self._columns if isinstance(self._table.c[c].type, JSON)}
        self._statement = self._build(self._is_new())

    def _is_new(self) -> Any:
        if self._postgres:
            return literal_column("xmax") == literal(0)
        floor = self._session.execute(select(func.max(literal_column("rowid")))
                                      .select_from(self._table)).scalar()  # fmt: skip
        return literal_column("rowid") > literal(floor or 0)

    def _unnested(self) -> Any:
        """PostgreSQL: the chunk as one array per column, unnested in step.

        One small statement per chunk instead of thousands of placeholders, which psycopg
        would otherwise parse for every chunk (most of the time of a large import).
        """
        columns = [self._table.c[c] for c in self._columns]
        return select(*(cast(func.unnest(bindparam(f"p_{c.name}", type_=ARRAY(_item(c)))), c.type)
                        for c in columns))  # fmt: skip

    def _build(self, is_new: Any) -> Any:
        kind, table = self._kind, self._table
        stmt: Any = insert_for(self._session, table)
        if self._postgres:
            stmt = stmt.from_select(self._columns, self._unnested())
        updated = [c for c in self._columns if c not in kind.key and c not in kind.insert_only]
        if not updated:
            return stmt.on_conflict_do_nothing(index_elements=list(kind.key)).returning(is_new)
        differs = or_(
            *(_comparable(table.c[c]).is_distinct_from(_comparable(stmt.excluded[c]))
              for c in updated)
        )  # fmt: skip
        return stmt.on_conflict_do_update(
            index_elements=list(kind.key),
            set_={c: stmt.excluded[c] for c in updated},
            where=differs,
        ).returning(is_new)

    def _execute(self, rows: Sequence[Row]) -> list[Any]:
        if self._postgres:
            arrays = {f"p_{c}": [_plain(row[c], c in self._json) for row in rows]
                      for c in self._columns}  # fmt: skip
            return list(self._session.execute(self._statement, arrays).scalars())
        return list(self._session.execute(self._statement, list(rows)).scalars())

    def write(self, rows: Sequence[Row]) -> Written:
        """Upsert `rows` (whose keys must be distinct) and say what happened to them."""
        if not rows:
            return Written(0, 0, 0)
        flags = self._execute(rows)
        if self._repeats and any(flags):
            self._statement = self._build(self._is_new())
        inserted = sum(1 for new in flags if new)
        updated = len(flags) - inserted
        return Written(inserted, updated, len(rows) - inserted - updated)
