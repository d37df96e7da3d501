"""A small book of business written row by row, so a digest's numbers can be worked out by hand.

Monday 30 March 2026 (`DAY`); "a week before" is Monday 23 March. Health weights are the
defaults (0.40 billability, 0.30 engagement, 0.30 revenue). Five groups:

- Alder Clinic (U0CSM0001, East): Good 71.0 (billability 80, engagement 70, revenue 60) on
  23 Mar, Needs Attention 56.4 (60, 68, 40) on 30 Mar; renews 19 Apr (in 20 days); last
  meeting 18 Feb (40 days); a crossing Good → Needs Attention on 28 Mar, not acknowledged.
- Birch Pediatrics (U0CSM0001, East): Excellent 85.0 then 84.0; renews 16 Oct; met 27 Mar.
- Cedar Health (U0CSM0002, West): Critical 35.0 (30, 40, 37), then Needs Attention 45.0
  (45, 42, 47); renews 29 May (in 60 days); never met; a crossing Needs Attention → Critical
  on 10 Mar, not acknowledged; a 60-day renewal reminder on 30 Mar, acknowledged.
- Dogwood Clinic (no CSM, no team): only a 30 Mar snapshot, Good 65.0; renews 4 Apr (in 5
  days); met 20 Mar; a crossing on 28 Feb, acknowledged.
- Elm Family Practice (U0CSM0003, East): Good 70.0 both weeks; renews 25 Jan 2027; met 29 Mar.

CSBOT_TEAM_CHANNELS maps East to C0EAST; West has no channel, so Cedar and Dogwood go to
CSBOT_DEFAULT_CHANNEL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy.orm import Session

from csbot.store import models as m

DAY = date(2026, 3, 30)
BEFORE = DAY - timedelta(days=7)
EAST, DEFAULT = "C0EAST0001", "C0DEFAULT1"
CSM1, CSM2, CSM3 = "U0CSM0001", "U0CSM0002", "U0CSM0003"
NOW = datetime.combine(DAY, time(9), tzinfo=UTC)

GROUPS: dict[str, dict[str, Any]] = {
    "Alder Clinic": {"csm": CSM1, "team": "East", "renews": DAY + timedelta(days=20)},
    "Birch Pediatrics": {"csm": CSM1, "team": "East", "renews": DAY + timedelta(days=200)},
    "Cedar Health": {"csm": CSM2, "team": "West", "renews": DAY + timedelta(days=60)},
    "Dogwood Clinic": {"csm": None, "team": None, "renews": DAY + timedelta(days=5)},
    "Elm Family Practice": {"csm": CSM3, "team": "East", "renews": DAY + timedelta(days=301)},
}
# (day, band, score, billability, engagement, revenue)
NA = "Needs Attention"
SNAPSHOTS = {
    "Alder Clinic": [(BEFORE, "Good", 71.0, 80, 70, 60), (DAY, NA, 56.4, 60, 68, 40)],
    "Birch Pediatrics": [(BEFORE, "Excellent", 85.0, 90, 80, 82),
                         (DAY, "Excellent", 84.0, 88, 80, 82)],
    "Cedar Health": [(BEFORE, "Critical", 35.0, 30, 40, 37), (DAY, NA, 45.0, 45, 42, 47)],
    "Dogwood Clinic": [(DAY, "Good", 65.0, 65, 65, 65)],
    "Elm Family Practice": [(BEFORE, "Good", 70.0, 70, 70, 70), (DAY, "Good", 70.0, 70, 70, 70)],
}  # fmt: skip
MEETINGS = {
    "Alder Clinic": DAY - timedelta(days=40),
    "Birch Pediatrics": DAY - timedelta(days=3),
    "Dogwood Clinic": DAY - timedelta(days=10),
    "Elm Family Practice": DAY - timedelta(days=1),
}
# (group, kind, from, to, day, acknowledged, payload)
ALERTS = [
    ("Alder Clinic", "crossing", "Good", "Needs Attention", date(2026, 3, 28), False, {}),
    ("Cedar Health", "crossing", "Needs Attention", "Critical", date(2026, 3, 10), False, {}),
    ("Cedar Health", "renewal", None, "Critical", DAY, True, {"lead_days": 60}),
    ("Dogwood Clinic", "crossing", "Good", "Needs Attention", date(2026, 2, 28), True, {}),
]


def _group(name: str, spec: dict[str, Any]) -> m.PhysicianGroup:
    return m.PhysicianGroup(
        external_id=name.split()[0].lower(), name=name, slug=name.lower().replace(" ", "-"),
        specialty="Family Medicine", region="East", plan="growth", seats=10,
        contract_start=date(2024, 1, 1), renewal_date=spec["renews"], arr=120_000,
        csm_owner=spec["csm"], csm_team=spec["team"], created_at=NOW,
    )  # fmt: skip


def _snapshot(gid: int, row: tuple[date, str, float, int, int, int]) -> m.HealthSnapshot:
    day, band, score, bill, eng, rev = row
    return m.HealthSnapshot(
        group_id=gid, day=day, window_days=30, score=score, billability=bill, engagement=eng,
        revenue=rev, band=band, churn_risk=10.0, churn_level="low", arr_at_risk=6000.0,
        factors=[], computed_at=NOW,
    )  # fmt: skip


def _alert(n: int, gid: int, row: tuple[Any, ...]) -> m.Alert:
    _, kind, frm, to, day, acked, payload = row
    at = datetime.combine(day, time(6), tzinfo=UTC)
    return m.Alert(
        group_id=gid, kind=kind, from_band=frm, to_band=to, day=day, idempotency_key=f"fixture-{n}",
        state="sent", payload=payload, channel=DEFAULT, slack_ts=f"1.{n}", attempts=1,
        created_at=at, sent_at=at, acknowledged_by="U0LEAD0001" if acked else None,
        acknowledged_at=at if acked else None,
    )  # fmt: skip


def write_book(session: Session) -> dict[str, int]:
    """The five groups and their rows; returns each group's id by name."""
    groups = {name: _group(name, spec) for name, spec in GROUPS.items()}
    session.add_all(groups.values())
    session.flush()
    ids = {name: g.id for name, g in groups.items()}
    for name, rows in SNAPSHOTS.items():
        session.add_all(_snapshot(ids[name], row) for row in rows)
    for name, day in MEETINGS.items():
        at = datetime.combine(day, time(15), tzinfo=UTC)
        session.add(m.Activity(group_id=ids[name], kind="meeting", title="Check-in", occurred_at=at,
                               source="import", external_id=f"meeting-{name}"))  # fmt: skip
    session.add_all(_alert(n, ids[row[0]], row) for n, row in enumerate(ALERTS))
    return ids
