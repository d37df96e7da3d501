"""Which meetings get the working-day-before reminder, and what the DM says."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from csbot.commands.card import CardState
from csbot.commands.panels.base import Panel
from csbot.modals.reminders import next_working_day, reminder_message, reminder_window
from csbot.slack import blockkit as bk
from csbot.store.entries import UpcomingMeeting

NEW_YORK = ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 3, 30), date(2026, 3, 31)),  # Monday -> Tuesday
        (date(2026, 4, 2), date(2026, 4, 3)),  # Thursday -> Friday
        (date(2026, 4, 3), date(2026, 4, 6)),  # Friday -> Monday
        (date(2026, 4, 4), date(2026, 4, 6)),  # Saturday -> Monday
        (date(2026, 4, 5), date(2026, 4, 6)),  # Sunday -> Monday
    ],
)
def test_next_working_day(day: date, expected: date) -> None:
    assert next_working_day(day) == expected


def test_on_friday_the_window_runs_to_the_end_of_monday_in_local_time() -> None:
    friday_morning = datetime(2026, 4, 3, 10, 0, tzinfo=UTC)  # 06:00 in New York
    start, end = reminder_window(friday_morning, NEW_YORK)
    assert start == datetime(2026, 4, 4, 0, 0, tzinfo=NEW_YORK)
    assert end == datetime(2026, 4, 7, 0, 0, tzinfo=NEW_YORK)


def test_midweek_the_window_is_tomorrow() -> None:
    start, end = reminder_window(datetime(2026, 4, 1, 12, 0, tzinfo=UTC), ZoneInfo("UTC"))
    assert (start.date(), end.date()) == (date(2026, 4, 2), date(2026, 4, 3))


def test_the_dm_names_meeting_group_and_time_and_opens_the_timeline() -> None:
    meeting = UpcomingMeeting(
        5, 7, "Acme & Co", "QBR", datetime(2026, 4, 6, 15, 0, tzinfo=UTC), "U1"
    )
    text, blocks = reminder_message(meeting)
    bk.validate_message(text, blocks)
    line = blocks[0]["text"]["text"]
    assert "*QBR*" in line and "*Acme &amp; Co*" in line
    assert f"<!date^{int(meeting.occurred_at.timestamp())}^" in line
    button = blocks[1]["elements"][0]
    assert CardState.decode(button["value"]) == CardState(7, Panel.TIMELINE)
