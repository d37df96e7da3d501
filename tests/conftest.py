"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when one is given.

Set CSBOT_TEST_POSTGRES_URL (e.g. postgresql://postgres@127.0.0.1:5432/csbot_test) to run every
`database_url` test on PostgreSQL too; each test gets its own schema there. Without it those
tests skip, saying why; with CSBOT_TEST_REQUIRE_POSTGRES=1 (as .ci/run sets) they fail instead.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session, sessionmaker

from csbot.store.db import make_engine, normalize_url, session_factory, upgrade
from tests.examples import hypothesis_profile
from tests.logcheck import _log_calls_must_work  # noqa: F401  (autouse: broken log calls fail)

hypothesis_profile()

POSTGRES_URL = os.environ.get("CSBOT_TEST_POSTGRES_URL")
REQUIRE_POSTGRES = os.environ.get("CSBOT_TEST_REQUIRE_POSTGRES") == "1"
NO_POSTGRES = "PostgreSQL not configured: set CSBOT_TEST_POSTGRES_URL to run this on it"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's own settings or .env, nor writes into the checkout."""
    for name in list(os.environ):
        if name.startswith(("CSBOT_", "SLACK_")) and name != "CSBOT_TEST_POSTGRES_URL":
            monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


def _postgres_schema_url(base: str) -> Iterator[str]:
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalize_url(base))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'csbot.sqlite3'}"
        return
    if not POSTGRES_URL:
        if REQUIRE_POSTGRES:
            pytest.fail(f"CSBOT_TEST_REQUIRE_POSTGRES=1 but {NO_POSTGRES}", pytrace=False)
        pytest.skip(NO_POSTGRES)
    yield from _postgres_schema_url(POSTGRES_URL)


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database at head."""
    eng = make_engine(database_url)
    upgrade(eng)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)
