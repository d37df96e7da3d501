"""The migrations and the models agree, on SQLite and PostgreSQL, for every future migration too.

`alembic revision --autogenerate` against a migrated database must find nothing to do: a model
change without its migration (or a migration the models don't reflect) fails here.
"""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect

from csbot.store.db import _alembic_config, current_revision, head_revision
from csbot.store.models import Base


def _differences(engine: Engine) -> list[object]:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


def _migrate(engine: Engine, direction: str, target: str) -> None:
    cfg = _alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        getattr(command, direction)(cfg, target)


def test_migrated_database_matches_the_models(engine: Engine) -> None:
    assert _differences(engine) == []


def test_every_migration_steps_down_and_up_again(engine: Engine) -> None:
    revisions = [
        r.revision for r in ScriptDirectory.from_config(_alembic_config()).walk_revisions()
    ]
    for target in [*revisions[1:], "base"]:  # newest first: one step down at a time
        _migrate(engine, "downgrade", target)
        assert current_revision(engine) == (None if target == "base" else target)
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    _migrate(engine, "upgrade", "head")
    assert current_revision(engine) == head_revision()
    assert _differences(engine) == []
