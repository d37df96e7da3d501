"""The weekly book-of-business digest's facts: pure, from what csbot.store.book loaded.

For a set of groups (a CSM's own, a team channel's, the default channel's) over the week ending
on the digest's day: the groups whose band changed since a week before with the part that moved
most, the alerts of the week and those still waiting for acknowledgement, the renewals in the
next 90 days with their health, the groups without a CS touch in 30 days (the churn factor's
days), and the band counts now and a week before. `BookFacts` is the outbox row's payload, so a
digest posted late shows the numbers of its week. Recipients are in csbot.alerts.book_run.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from csbot.scoring.config import HealthWeights
from csbot.scoring.types import Band, fmt, signed
from csbot.store.book import BookAlert, BookGroup, WeekBand

__all__ = [
    "RENEWAL_DAYS",
    "AlertItem",
    "BandMove",
    "BookData",
    "BookFacts",
    "RenewalItem",
    "TouchItem",
    "book_facts",
]

WEEK = 7
RENEWAL_DAYS = 90
PARTS = ("billability", "engagement", "revenue")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class BandMove(_Frozen):
    """A group whose band changed this week, and the part of health that moved most."""

    group: str
    from_band: Band
    to_band: Band
    score: float
    reason: str


class AlertItem(_Frozen):
    group: str
    kind: str  # crossing / renewal
    what: str  # "Good → Critical", "60-day renewal reminder"
    band: Band | None
    day: date
    acknowledged: bool


class RenewalItem(_Frozen):
    group: str
    renewal_date: date
    days_left: int
    arr: float
    band: Band | None  # from the latest snapshot; None without one
    score: float | None


class TouchItem(_Frozen):
    group: str
    last_touch: date | None


class BookFacts(_Frozen):
    """One recipient's digest for one week: the outbox row's payload."""

    recipient: str  # a channel id, or a CSM's user id (`dm`)
    dm: bool
    scope: str  # whose book: "your groups", a team's name, "the whole book"
    day: date
    groups: int
    moves: tuple[BandMove, ...] = ()
    new_alerts: tuple[AlertItem, ...] = ()
    waiting: tuple[AlertItem, ...] = ()  # older, not acknowledged yet
    renewals: tuple[RenewalItem, ...] = ()
    untouched: tuple[TouchItem, ...] = ()
    touch_days: int = 30
    bands_now: dict[str, int] = {}
    bands_before: dict[str, int] = {}
    chart_file_id: str | None = None

    @property
    def empty(self) -> bool:
        return not (
            self.moves or self.new_alerts or self.waiting or self.renewals or self.untouched
        )


@dataclass(frozen=True)
class BookData:
    """The whole book as loaded for the week ending on `day`."""

    day: date
    groups: Mapping[int, BookGroup]
    now: Mapping[int, WeekBand]  # latest snapshot of this week
    before: Mapping[int, WeekBand]  # latest snapshot of the week before
    alerts: Sequence[BookAlert]
    touches: Mapping[int, date | None]  # last meeting or call


def _part_move(now: WeekBand, before: WeekBand, weights: HealthWeights) -> str | None:
    """'Billability 75→62 (-5.2 pts)': the part whose weighted value moved most."""
    moves = []
    for part in PARTS:
        new, old = getattr(now, part), getattr(before, part)
        if new is not None and old is not None:
            moves.append((getattr(weights, part) * (new - old), part, old, new))
    if not moves:
        return None
    points, part, old, new = max(moves, key=lambda m: abs(m[0]))
    return f"{part.capitalize()} {fmt(old, 0)}→{fmt(new, 0)} ({signed(points)} pts)"


def _reason(now: WeekBand, before: WeekBand, weights: HealthWeights) -> str:
    moved = _part_move(now, before, weights)
    if moved is not None:
        return moved
    top = now.factors[0] if now.factors else None  # a snapshot keeps each factor's title, points
    if not isinstance(top, dict):
        return ""
    return f"{top.get('title')} (+{fmt(float(top.get('points') or 0), 0)} pts)"


def _moves(data: BookData, ids: Collection[int], weights: HealthWeights) -> list[BandMove]:
    moves = []
    for gid in ids:
        now, before = data.now.get(gid), data.before.get(gid)
        if now is None or before is None or now.band == before.band:
            continue
        moves.append(BandMove(group=data.groups[gid].name, from_band=Band(before.band),
                              to_band=Band(now.band), score=round(now.score, 1),
                              reason=_reason(now, before, weights)))  # fmt: skip
    return sorted(moves, key=lambda m: (-m.to_band.rank, m.group.casefold()))


def _alert_item(alert: BookAlert, name: str) -> AlertItem:
    if alert.kind == "renewal":
        what = f"{alert.payload.get('lead_days')}-day renewal reminder"
        band = None
    else:
        band = Band(alert.to_band)
        what = f"{alert.from_band} → {alert.to_band}" if alert.from_band else f"now {band.value}"
    return AlertItem(group=name, kind=alert.kind, what=what, band=band, day=alert.day,
                     acknowledged=alert.acknowledged)  # fmt: skip


def _alerts(data: BookData, ids: Collection[int]) -> tuple[list[AlertItem], list[AlertItem]]:
    since = data.day - timedelta(days=WEEK - 1)
    new: list[AlertItem] = []
    waiting: list[AlertItem] = []
    for alert in data.alerts:
        if alert.group_id in ids:
            item = _alert_item(alert, data.groups[alert.group_id].name)
            (new if alert.day >= since else waiting).append(item)
    return new, waiting


def _renewals(data: BookData, ids: Collection[int]) -> list[RenewalItem]:
    items = []
    for gid in ids:
        group, now = data.groups[gid], data.now.get(gid)
        left = (group.renewal_date - data.day).days
        if 0 <= left <= RENEWAL_DAYS:
            items.append(RenewalItem(group=group.name, renewal_date=group.renewal_date,
                                     days_left=left, arr=group.arr,
                                     band=Band(now.band) if now else None,
                                     score=round(now.score, 1) if now else None))  # fmt: skip
    return sorted(items, key=lambda r: (r.renewal_date, r.group.casefold()))


def _untouched(data: BookData, ids: Collection[int], touch_days: int) -> list[TouchItem]:
    items = []
    for gid in ids:
        last = data.touches.get(gid)
        if last is None or (data.day - last).days >= touch_days:
            items.append(TouchItem(group=data.groups[gid].name, last_touch=last))
    return sorted(items, key=lambda t: (t.last_touch or date.min, t.group.casefold()))


def _counts(bands: Mapping[int, WeekBand], ids: Collection[int]) -> dict[str, int]:
    counts = {band.value: 0 for band in Band}
    for gid in ids:
        if gid in bands:
            counts[bands[gid].band] = counts.get(bands[gid].band, 0) + 1
    return counts


def book_facts(
    data: BookData, ids: Collection[int], *, recipient: str, dm: bool, scope: str,
    weights: HealthWeights, touch_days: int,
) -> BookFacts:  # fmt: skip
    """The digest of the groups `ids` (of `data`) for one recipient."""
    ids = {gid for gid in ids if gid in data.groups}
    new, waiting = _alerts(data, ids)
    return BookFacts(
        recipient=recipient, dm=dm, scope=scope, day=data.day, groups=len(ids),
        moves=tuple(_moves(data, ids, weights)), new_alerts=tuple(new), waiting=tuple(waiting),
        renewals=tuple(_renewals(data, ids)), untouched=tuple(_untouched(data, ids, touch_days)),
        touch_days=touch_days, bands_now=_counts(data.now, ids),
        bands_before=_counts(data.before, ids),
    )  # fmt: skip
