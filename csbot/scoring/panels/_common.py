"""Small shared pieces of the panel metrics: changes, points, percentiles, weeks."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from csbot.scoring.types import MINUS, fmt


@dataclass(frozen=True)
class DayPoint:
    day: date
    value: float


@dataclass(frozen=True)
class Count:
    """A labelled count, e.g. tickets of one priority."""

    name: str
    count: int


@dataclass(frozen=True)
class Change:
    """A measure over the window and the previous equal window."""

    current: float | None
    previous: float | None

    @property
    def delta(self) -> float | None:
        if self.current is None or self.previous is None:
            return None
        return self.current - self.previous

    @property
    def pct(self) -> float | None:
        """Relative change in %, None when there is nothing to compare with."""
        if self.current is None or not self.previous:
            return None
        return 100.0 * (self.current - self.previous) / self.previous

    def text(self, what: str, days: int, digits: int = 1) -> str:
        """'Active users down 29% against the previous 30 days (8.0→5.7)'."""
        pct = self.pct
        if pct is None or self.current is None or self.previous is None:
            return f"{what}: no earlier {days} days to compare with"
        values = f"{fmt(self.previous, digits)}\u2192{fmt(self.current, digits)}"
        amount = fmt(abs(pct), 0)
        if float(amount) == 0:  # a change that rounds to 0% is no change to a reader
            return f"{what} unchanged against the previous {days} days ({values})"
        direction = "up" if pct > 0 else "down"
        return f"{what} {direction} {amount}% against the previous {days} days ({values})"


def percentile(values: list[float], pct: float) -> float | None:
    """Linear-interpolated percentile (50 is the median); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * pct / 100.0
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def day_end(day: date) -> datetime:
    """Midnight UTC after `day`: a thing done before it was done by the end of `day`."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


def by_due(due: date | None) -> date:
    """A sort key: earliest due first (so most overdue first), undated last."""
    return due or date.max


def week_start(day: date) -> date:
    """The Monday of `day`'s week."""
    return day - timedelta(days=day.weekday())


def share(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole else None


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 ticket', '3 tickets'."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def signed_pct(value: float) -> str:
    """'+12%', '\u221229%', '\u00b10%': the sign of the figure shown, so 0.3% is \u00b10%."""
    text = fmt(abs(value), 0)
    if float(text) == 0:
        return f"\u00b1{text}%"
    return ("+" if value > 0 else MINUS) + f"{text}%"
