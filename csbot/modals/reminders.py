"""The working-day-before reminder for scheduled meetings, sent to the organiser by DM.

`remind_upcoming_meetings` is a module-level job function (a stable id for the scheduler). It
finds meetings on the next working day (on Friday: Saturday to Monday) that nobody was reminded
of, claims each one by setting `reminded_at` (so two replicas running the job send one DM),
sends the DM, and gives the claim back if Slack refused, so the next run tries again.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from slack_sdk import WebClient
from slack_sdk.errors import SlackClientError

from csbot.commands.card import CardState
from csbot.commands.panels.base import Panel
from csbot.modals.confirm import slack_time
from csbot.services import Services
from csbot.slack import blockkit as bk
from csbot.slack.ids import ActionId, BlockId
from csbot.store.db import transaction
from csbot.store.entries import (
    UpcomingMeeting,
    claim_reminder,
    release_reminder,
    upcoming_meetings,
)

__all__ = [
    "JOB_ID",
    "meeting_reminders_job",
    "next_working_day",
    "remind_upcoming_meetings",
    "reminder_message",
    "reminder_window",
]

log = logging.getLogger(__name__)

JOB_ID = "csbot.meeting_reminders"
FRIDAY = 4


def next_working_day(day: date) -> date:
    """The next Monday-to-Friday day after `day`."""
    ahead = day + timedelta(days=1)
    while ahead.weekday() > FRIDAY:
        ahead += timedelta(days=1)
    return ahead


def reminder_window(now: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """From tomorrow's start to the end of the next working day, local time (as aware times)."""
    today = now.astimezone(tz).date()
    start = datetime.combine(today + timedelta(days=1), time(), tz)
    end = datetime.combine(next_working_day(today) + timedelta(days=1), time(), tz)
    return start, end


def reminder_message(meeting: UpcomingMeeting) -> tuple[str, list[dict[str, Any]]]:
    """The DM: what, with whom, when (in the reader's own time zone), and the timeline card."""
    text = f"Reminder: {meeting.title} with {meeting.group_name}"
    line = (
        f":calendar: Reminder: *{bk.escape(meeting.title)}* with "
        f"*{bk.escape(meeting.group_name)}* {slack_time(meeting.occurred_at)}."
    )
    button = bk.button(
        "Open timeline",
        ActionId.OPEN_CARD.value,
        value=CardState(meeting.group_id, Panel.TIMELINE).encode(),
    )
    blocks = [
        bk.section(line, block_id=BlockId.HEADLINE.value),
        bk.actions(button, block_id=BlockId.ACTIONS.value),
    ]
    bk.validate_message(text, blocks)
    return text, blocks


def _dm(client: WebClient, meeting: UpcomingMeeting) -> bool:
    text, blocks = reminder_message(meeting)
    try:
        channel = client.conversations_open(users=meeting.organizer)["channel"]["id"]
        client.chat_postMessage(channel=channel, **bk.message(text, blocks))
    except SlackClientError as exc:
        log.warning(
            "meeting reminder not sent: %s", exc.__class__.__name__, extra={"activity": meeting.id}
        )
        return False
    return True


def remind_upcoming_meetings(services: Services, *, now: datetime) -> int:
    """DM each organiser of a meeting on the next working day, once; returns how many went."""
    start, end = reminder_window(now, services.settings.tz)
    with transaction(services.sessions) as session:
        meetings = upcoming_meetings(session, start=start, end=end)
    sent = 0
    for meeting in meetings:
        with transaction(services.sessions) as session:
            if not claim_reminder(session, activity_id=meeting.id, at=now):
                continue  # another replica has it
        if _dm(services.client, meeting):
            sent += 1
        else:
            with transaction(services.sessions) as session:
                release_reminder(session, activity_id=meeting.id)
    log.info("meeting reminders", extra={"due": len(meetings), "sent": sent})
    return sent


def meeting_reminders_job(services: Services) -> None:
    """The scheduler's entry point (id JOB_ID): reminders as of the services' clock."""
    remind_upcoming_meetings(services, now=services.clock())
