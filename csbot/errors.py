"""One exception family. Each message is fit to show a person as it is."""

from __future__ import annotations


class CsbotError(Exception):
    """An expected failure whose message says what went wrong and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(CsbotError):
    """A setting or config file holds a value csbot cannot use."""


class StoreError(CsbotError):
    """The database cannot be reached or brought up to date."""


class InputError(CsbotError):
    """A person (or a file, or a payload) gave csbot something it cannot take."""


class NotFoundError(InputError):
    """The thing asked for does not exist."""
