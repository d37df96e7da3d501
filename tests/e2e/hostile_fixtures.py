"""One running csbot whose data holds mentions, broadcasts and links in every text field.

The demo's 12 groups (cs_fixtures), then CSV files imported with `csbot import` (run_import) that
rename three groups and give them tickets, meetings, notes, contacts, tasks, plans, goals and
action items whose every text field carries `<!channel>`, `<@U0HOSTILE>`, a disguised link,
`<!here>`, `<!everyone>` and `&`. A month of daily runs is replayed on the app's services, so
the groups' alerts and recovery notes are posted (and kept in `alert_calls`).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from csbot.alerts.jobs import run_daily
from csbot.config import Settings
from csbot.slack.blockkit import escape
from csbot.store import models as m
from csbot.store.csv_import import run_import
from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.ingest import KINDS
from tests.e2e.conftest import AppServer
from tests.e2e.cs_fixtures import AS_OF, NOW, cs_settings, load_demo_db, running_app
from tests.e2e.fakeslack import Call, FakeSlack
from tests.e2e.portfolio_fixtures import LEAD
from tests.integration.alert_support import DEFAULT_CHANNEL, START, days

TOKENS = (
    "<!channel>",
    "<@U0HOSTILE>",
    "<https://evil.example|click me>",
    "<!here>",
    "<!everyone>",
    "&",
)
ACME, BIRCH, CEDAR = "demo-0001", "demo-0004", "demo-0005"  # declining, collapsing, onboarding
NAMES = {ACME: "Acme Hostile", BIRCH: "Birch Hostile", CEDAR: "Cedar Hostile"}


def hostile(label: str, limit: int = 200) -> str:
    """`label`, then as many of TOKENS as fit in `limit` characters (`<!channel>` always)."""
    text = label
    for token in TOKENS:
        if len(text) + 1 + len(token) <= limit:
            text += " " + token
    return text


def seen(label: str) -> str:
    """How a hostile field starts once escaped for mrkdwn (cut short or not)."""
    return escape(f"{label} <!")


def _groups(session: Any) -> list[dict[str, Any]]:
    rows = []
    for group in session.scalars(select(m.PhysicianGroup).where(
            m.PhysicianGroup.external_id.in_(NAMES))):  # fmt: skip
        rows.append({
            "external_id": group.external_id, "name": hostile(NAMES[group.external_id]),
            "aliases": f"{hostile('Alias', 120)}|<!here>", "specialty": hostile("Specialty", 80),
            "region": hostile("Region", 80), "plan": group.plan, "seats": group.seats,
            "contract_start": group.contract_start, "renewal_date": group.renewal_date,
            "arr": group.arr, "csm_team": hostile("Team", 80),
            "csm_owner": group.csm_owner if group.external_id == ACME else "<@U0HOSTILE>",
            "alert_channel": group.alert_channel or "",
            "onboarding_phase": hostile("Phase", 40) if group.onboarding_phase else "",
            "go_live_date": group.go_live_date,
        })  # fmt: skip
    return rows


def _records(csm: str) -> dict[str, list[dict[str, Any]]]:
    """Every other kind with free text, for Acme (Cedar's onboarding tasks)."""
    tomorrow = datetime.combine(AS_OF + timedelta(days=1), time(15), UTC)
    met = {"group": ACME, "source": "crm", "duration_minutes": 30}
    return {
        "tickets": [{
            "group": ACME, "source": "helpdesk", "external_id": "H-1",
            "subject": hostile("Ticket subject"), "description": hostile("Ticket text", 4000),
            "category": "technical", "priority": "urgent", "status": "open",
            "opened_at": NOW - timedelta(days=2), "created_by": hostile("Opener", 64),
        }],
        "features": [{"group": ACME, "feature": hostile("Feature", 80), "tier": "advanced",
                      "first_used": AS_OF - timedelta(days=90), "last_used": AS_OF, "uses": 9}],
        "revenue": [{"group": ACME, "month": "2026-03", "service_type": hostile("Service", 60),
                     "amount": 120}],
        "onboarding": [{"group": CEDAR, "phase": hostile("Phase", 40), "name": hostile("Task"),
                        "kind": "task", "sort_order": 0, "due": AS_OF - timedelta(days=60),
                        "owner": hostile("Task owner", 64)}],
        "activities": [
            {**met, "external_id": "M-1", "kind": "meeting", "subtype": hostile("Kind", 40),
             "title": hostile("Past meeting"), "occurred_at": NOW - timedelta(days=3),
             "organizer": hostile("Organiser", 64), "attendees": f"{hostile('Guest', 120)}|<!here>",
             "notes": hostile("Meeting notes", 4000)},
            {**met, "external_id": "M-2", "kind": "meeting", "title": hostile("Next meeting"),
             "occurred_at": tomorrow, "organizer": csm},
            {**met, "external_id": "N-1", "kind": "note", "title": hostile("Note title"),
             "occurred_at": NOW - timedelta(days=1), "notes": hostile("Note text", 4000)},
        ],
        "contacts": [{"group": ACME, "name": hostile("Contact", 120), "role": hostile("Role", 80),
                      "internal": "false", "email": "x<!channel><@U0HOSTILE>@evil.example",
                      "phone": hostile("Phone", 40), "slack_user_id": "<@U0HOSTILE>",
                      "primary": "true"}],
        "plans": [{"external_id": "P-1", "group": ACME, "title": hostile("Plan title"),
                   "initiative": hostile("Initiative", 4000), "status": "active",
                   "start": AS_OF - timedelta(days=60)}],
        "goals": [{"external_id": "G-1", "plan": "P-1", "title": hostile("Goal"),
                   "metric": hostile("Metric", 80), "baseline": 0, "target": 10, "current": 3,
                   "unit": hostile("Unit", 20), "owner": hostile("Goal owner", 64),
                   "due": AS_OF + timedelta(days=90)}],
        "actions": [{"external_id": "A-1", "group": ACME, "goal": "G-1", "text": hostile("Step"),
                     "owner": hostile("Step owner", 64), "due": AS_OF - timedelta(days=5)}],
    }  # fmt: skip


def _write(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows([{k: "" if v is None else v for k, v in r.items()} for r in rows])
    return path


def import_hostile(settings: Settings, folder: Path) -> str:
    """Import the hostile rows as `csbot import KIND FILE` does; returns Acme's CSM."""
    engine = make_engine(settings.database_url)
    try:
        with transaction(session_factory(engine)) as session:
            groups = _groups(session)
    finally:
        engine.dispose()
    csm = next(str(g["csm_owner"]) for g in groups if g["external_id"] == ACME)
    files = {"groups": groups, **_records(csm)}
    for kind in KINDS:  # groups first, each kind after those it refers to
        if kind in files:
            path = _write(folder / f"{kind}.csv", files[kind])
            out = io.StringIO()
            assert run_import(settings, kind=kind, path=path, out=out) == 0, out.getvalue()
    return csm


@dataclass
class Hostile:
    server: AppServer
    csm: str  # Acme's CSM: the one mention csbot makes on purpose
    alert_calls: list[Call]

    @property
    def fake(self) -> FakeSlack:
        return self.server.fake

    def acme_alert(self) -> m.Alert:
        """Acme's crossing alert, as posted by the replayed mornings."""
        with transaction(self.server.runtime.services.sessions) as session:
            acme = select(m.PhysicianGroup.id).where(m.PhysicianGroup.external_id == ACME)
            return session.scalars(
                select(m.Alert).where(
                    m.Alert.group_id == acme.scalar_subquery(), m.Alert.kind == "crossing"
                )
            ).one()


def _replay_mornings(server: AppServer) -> list[Call]:
    """A month of daily runs on the app's own services: crossings and recoveries posted."""
    for day in days(START, AS_OF):
        run_daily(server.runtime.services, day=day)
    with transaction(server.runtime.services.sessions) as session:
        sent = session.execute(
            select(m.Alert.kind, m.PhysicianGroup.external_id)
            .join(m.PhysicianGroup)
            .where(m.Alert.state == "sent")
        ).all()
    assert {(k, g) for k, g in sent if g in NAMES} >= {
        ("crossing", ACME),
        ("crossing", BIRCH),
        ("recovered", CEDAR),
    }, sent
    return server.fake.calls


@pytest.fixture(scope="module")
def hostile_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hostile]:
    fake = FakeSlack().start()
    folder = tmp_path_factory.mktemp("hostile")
    settings = cs_settings(fake, folder / "e2e.sqlite3").model_copy(
        update={"leads": LEAD, "default_channel": DEFAULT_CHANNEL}
    )
    load_demo_db(settings, groups=12, days=120)
    csm = import_hostile(settings, folder)
    with running_app(settings, fake) as app:
        fake.clear()
        yield Hostile(app, csm, _replay_mornings(app))


@pytest.fixture(name="hostile")
def hostile_fixture(hostile_app: Hostile) -> Iterator[Hostile]:
    """The hostile app with no calls recorded yet (Slack's state kept: messages stay there)."""
    hostile_app.fake.clear()
    yield hostile_app
    assert hostile_app.server.runtime.services.work.wait_idle(20), "the work queue did not drain"
