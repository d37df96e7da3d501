"""A ticket logged through the modal shows at once on the support card (the same `answer` that
Slack and `csbot ask` use), and an urgent one raises the group's risk at the next recompute."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from csbot.commands.grammar import PanelRequest
from csbot.commands.panels.base import Panel
from csbot.commands.pipeline import answer
from csbot.config import load_settings
from csbot.modals.submit import Logged, submit_view
from csbot.modals.views import GroupChoice, ModalMeta, ticket_view
from csbot.scoring import default_config
from csbot.scoring.config import FactorId
from csbot.services import LocalSources
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.groups import group_names
from csbot.store.models import HealthSnapshot
from csbot.store.recompute import recompute
from tests.e2e.slackviews import state_values

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 14, 0, tzinfo=UTC)
GROUP = "Acme Family Medicine"  # no open high-priority tickets in the demo
SUBJECT = "Eligibility checks time out for every payer"


@pytest.fixture
def sources(sessions: sessionmaker[Session]) -> LocalSources:
    with transaction(sessions) as session:
        load_demo(session, groups=12, days=70, seed=7, as_of=AS_OF)
    settings = load_settings(_env_file=None, CSBOT_TIMEZONE="UTC")
    return LocalSources(settings, sessions, default_config(), clock=lambda: NOW)


def _group_id(sources: LocalSources) -> int:
    with transaction(sources.sessions) as session:
        return next(g.id for g in group_names(session) if g.name == GROUP)


def _log_urgent_ticket(sources: LocalSources, group_id: int) -> Logged:
    meta = ModalMeta(kind="ticket", key="integration-key-0001", group_id=group_id)
    view = ticket_view(meta=meta, group=GroupChoice(id=group_id, name=GROUP), now=NOW)
    answers = {
        "subject": SUBJECT,
        "category": "technical",
        "priority": "urgent",
        "opened_at": NOW - timedelta(hours=3),
    }
    view["state"] = {"values": state_values(view, answers)}
    outcome = submit_view(sources.sessions, view=view, user_id="U1", now=NOW, today=AS_OF)
    assert isinstance(outcome, Logged) and outcome.stored.created
    return outcome


def _factors(sources: LocalSources, group_id: int) -> set[str]:
    """The factors the recompute stores in the group's snapshot for the day."""
    with transaction(sources.sessions) as session:
        recompute(
            session, as_of=AS_OF, computed_at=NOW, group_ids=[group_id], config=default_config()
        )
        stored = session.get(HealthSnapshot, (group_id, AS_OF, 30))
        assert stored is not None
        return {f["id"] for f in stored.factors}


def _support_card(sources: LocalSources) -> str:
    request = PanelRequest(panel=Panel.SUPPORT, group_query=GROUP)
    result = answer(sources, request, user_id="U1", as_of=AS_OF)
    return json.dumps(result.card.blocks(), ensure_ascii=False)


def test_a_logged_ticket_shows_on_the_support_card_and_raises_the_risk(
    sources: LocalSources,
) -> None:
    group_id = _group_id(sources)
    assert FactorId.OPEN_HIGH_PRIORITY.value not in _factors(sources, group_id)
    assert SUBJECT not in _support_card(sources)

    _log_urgent_ticket(sources, group_id)

    card = _support_card(sources)
    assert SUBJECT in card and "Escalate" in card
    assert FactorId.OPEN_HIGH_PRIORITY.value in _factors(sources, group_id)
