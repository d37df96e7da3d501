"""What scoring needs to know about a group: plain, frozen data the store fills in.

All sums are over whole days of a window that ends on `as_of` (inclusive).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

MAX_WINDOW_DAYS = 365


@dataclass(frozen=True)
class Window:
    """N whole days ending on `as_of`, inclusive: 30 days to 31 March is 2 March..31 March."""

    as_of: date
    days: int = 30

    def __post_init__(self) -> None:
        if not 1 <= self.days <= MAX_WINDOW_DAYS:
            raise ValueError(f"window must be 1-{MAX_WINDOW_DAYS} days, got {self.days}")

    @property
    def start(self) -> date:
        return self.as_of - timedelta(days=self.days - 1)

    @property
    def end(self) -> date:
        return self.as_of

    def previous(self) -> Window:
        """The equal window just before this one."""
        return Window(self.as_of - timedelta(days=self.days), self.days)

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end


@dataclass(frozen=True)
class GroupProfile:
    """The group's contract facts."""

    id: int
    name: str
    plan: str = "default"
    seats: int = 0
    arr: float = 0.0
    renewal_date: date | None = None
    contract_start: date | None = None
    onboarding_phase: str | None = None
    go_live_date: date | None = None


@dataclass(frozen=True)
class UsageTotals:
    """daily_usage summed over a window; `days` is how many days have a row."""

    days: int = 0
    active_users: int = 0  # sum of daily active users
    sessions: int = 0
    session_minutes: float = 0.0
    documents: int = 0
    patients_total: int = 0
    patients_billable: int = 0

    @property
    def avg_daily_active_users(self) -> float | None:
        return self.active_users / self.days if self.days else None

    @property
    def avg_session_minutes(self) -> float | None:
        if not self.days:
            return None
        return self.session_minutes / self.sessions if self.sessions else 0.0


@dataclass(frozen=True)
class MonthAmount:
    """Revenue booked for a calendar month (`month` is its first day), all service types."""

    month: date
    amount: float


@dataclass(frozen=True)
class SupportFacts:
    """Tickets and surveys as the risk factors need them."""

    open_high_priority: int = 0
    first_response_hours: tuple[float, ...] = ()  # tickets opened in the window, answered
    latest_nps: int | None = None
    latest_nps_day: date | None = None
    csat_average: float | None = None
    csat_count: int = 0


@dataclass(frozen=True)
class OnboardingFacts:
    """Onboarding tasks and training modules, counted on `as_of`."""

    total: int = 0
    done: int = 0
    overdue: int = 0  # not done and due before as_of
    last_done: date | None = None

    @property
    def open(self) -> int:
        return self.total - self.done


@dataclass(frozen=True)
class SlopeSums:
    """Least-squares sums of (x = day offset, y = score) pairs, as SQL can add them up."""

    n: int = 0
    sum_x: float = 0.0
    sum_y: float = 0.0
    sum_xy: float = 0.0
    sum_xx: float = 0.0

    @classmethod
    def of(cls, points: list[tuple[float, float]] | tuple[tuple[float, float], ...]) -> SlopeSums:
        return cls(
            n=len(points),
            sum_x=sum(x for x, _ in points),
            sum_y=sum(y for _, y in points),
            sum_xy=sum(x * y for x, y in points),
            sum_xx=sum(x * x for x, _ in points),
        )

    def plus(self, x: float, y: float) -> SlopeSums:
        return SlopeSums(
            self.n + 1,
            self.sum_x + x,
            self.sum_y + y,
            self.sum_xy + x * y,
            self.sum_xx + x * x,
        )


@dataclass(frozen=True)
class GroupInputs:
    """Everything needed to score one group on one day for one window."""

    profile: GroupProfile
    window: Window
    usage: UsageTotals = field(default_factory=UsageTotals)
    previous_usage: UsageTotals = field(default_factory=UsageTotals)
    # Months overlapping the window and the two before it (growth needs the previous one's
    # previous window too).
    revenue_months: tuple[MonthAmount, ...] = ()
    support: SupportFacts = field(default_factory=SupportFacts)
    onboarding: OnboardingFacts = field(default_factory=OnboardingFacts)
    last_touch: date | None = None  # latest meeting or call on or before as_of
    # Daily snapshots for this window length, strictly before as_of and within the window;
    # x is the day's offset from as_of (so today is 0, yesterday -1).
    history: SlopeSums = field(default_factory=SlopeSums)
