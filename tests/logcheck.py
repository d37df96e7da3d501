"""Every log call in csbot executes in tests (pytest's log_level is DEBUG); one that breaks fails.

logging hides a broken call: a bad format string or argument is only printed by `handleError`,
and in a listener or worker thread an `extra=` key that clashes with a LogRecord attribute
raises where no test sees it. The autouse fixture here turns both into a failed test. It is
imported by tests/conftest.py and can be loaded on its own with `-p tests.logcheck`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

FORMAT = "%(asctime)s %(levelname)s %(name)s %(message)s"


class LogCallCheck(logging.Handler):
    """Formats every record as a real handler would; keeps the ones that cannot be."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter(FORMAT))
        self.broken: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.format(record)
        except Exception as exc:
            self.broken.append(f"{record.pathname}:{record.lineno} {record.msg!r}: {exc!r}")

    def handleError(self, record: logging.LogRecord) -> None:
        self.broken.append(f"{record.pathname}:{record.lineno} {record.msg!r} was not emitted")


@pytest.fixture(autouse=True)
def _log_calls_must_work(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    check = LogCallCheck()
    make_record = logging.Logger.makeRecord

    def checked(self: logging.Logger, *args: object, **kwargs: object) -> logging.LogRecord:
        try:
            return make_record(self, *args, **kwargs)  # type: ignore[arg-type]
        except KeyError as exc:  # an `extra=` key that is a LogRecord attribute
            check.broken.append(f"logger {self.name}: {exc}")
            raise

    monkeypatch.setattr(logging.Logger, "makeRecord", checked)
    root = logging.getLogger()
    root.addHandler(check)
    try:
        yield
    finally:
        root.removeHandler(check)
    if check.broken:
        pytest.fail("log calls that fail:\n" + "\n".join(check.broken), pytrace=False)
