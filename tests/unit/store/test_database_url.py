"""The database URLs people paste: `postgres://` (Heroku's and many hosts' form) and
`postgresql://` both reach PostgreSQL through psycopg 3, and what csbot prints or logs of a URL
(`csbot db upgrade`, the app's start, the demo) never shows its password."""

from __future__ import annotations

import pytest

from csbot.store.db import describe_url, make_engine, normalize_url

PSYCOPG = "postgresql+psycopg://csbot@db.example:5432/csbot"


@pytest.mark.parametrize(
    ("given", "used"),
    [
        ("postgres://csbot@db.example:5432/csbot", PSYCOPG),
        ("postgresql://csbot@db.example:5432/csbot", PSYCOPG),
        (PSYCOPG, PSYCOPG),
        ("sqlite:///csbot.sqlite3", "sqlite:///csbot.sqlite3"),
    ],
    ids=["postgres", "postgresql", "psycopg", "sqlite"],
)
def test_a_pasted_url_is_used_with_psycopg_3(given: str, used: str) -> None:
    assert normalize_url(given) == used
    engine = make_engine(given)  # no connection yet
    assert engine.url.render_as_string(hide_password=False) == used
    engine.dispose()


def test_a_url_shown_hides_its_password() -> None:
    shown = describe_url("postgres://csbot:s3cret@db.example:5432/csbot")
    assert shown == "postgresql+psycopg://csbot:***@db.example:5432/csbot"
