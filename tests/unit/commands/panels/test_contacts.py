"""The contacts panel: people and team with quick-contact links, recent and booked meetings."""

from __future__ import annotations

from dataclasses import replace

from panel_fixtures import CONTACTS, acme, all_text, blocks, brand_new, facts, score, section
from syrupy.assertion import SnapshotAssertion

from csbot.commands.panels import contacts
from csbot.commands.panels._text import slack_user
from csbot.commands.panels.base import Panel
from csbot.commands.panels.contacts import email_link, phone_link
from csbot.scoring.panel_inputs import ContactEntry


def test_headline_and_facts() -> None:
    view = contacts.build(acme(), score(acme()))
    assert view.headline == (
        "*3 people at the group* · primary Ana Diaz, Practice Manager · CSM Cara Lin"
    )
    got = facts(view)
    assert got["Our CSM"] == "Cara Lin"
    assert got["Reached, 30 days"] == "1 of 3"
    assert got["Next meeting"] == "9 Apr · Go-live readiness review"
    assert view.chart is None and view.log_buttons


def test_people_and_team_with_quick_contact_links() -> None:
    view = contacts.build(acme(), score(acme()))
    people = section(view, "The group's people").splitlines()
    assert people[0] == (
        "• *Ana Diaz* (primary) · Practice Manager · <mailto:ana.diaz@acme.example.com|email> · "
        "<tel:4155550101|(415) 555-0101> · last contact 25 Mar"
    )
    assert people[1].endswith("no contact yet, meeting 9 Apr")
    team = section(view, "Our team").splitlines()
    assert team[0] == (
        "• *Cara Lin* (primary) · Customer Success Manager · <mailto:cara@csbot.example.com|email>"
    )
    assert team[1] == "• *Eli Moss* · Support Engineer"


def test_people_are_named_never_mentioned() -> None:
    """A mention would notify the person each time anyone opened the card in a channel."""
    view = contacts.build(acme(), score(acme()))
    text = all_text(blocks(Panel.CONTACTS, view, score(acme())))
    assert "Cara Lin" in text and "Eli Moss" in text
    assert "<@" not in text


def test_communications_booked_meetings_and_who_to_reach() -> None:
    view = contacts.build(acme(), score(acme()))
    assert section(view, "Recent communications").splitlines() == [
        "• 25 Mar · Meeting · Monthly check-in · Cara Lin, Ana Diaz",
        "• 19 Mar · Email · Release notes · Ana Diaz",
    ]
    assert section(view, "Upcoming meetings") == (
        "• 9 Apr · Meeting · Go-live readiness review · Cara Lin, Ben Okafor"
    )
    # Ben has a meeting booked; Dee has nothing
    assert view.actions == ("Reach out to Dee Park, Billing Lead: no contact on record",)


def test_stored_values_cannot_inject_links_or_mentions() -> None:
    assert email_link("x@y.com|<!channel>") == "x@y.com|&lt;!channel&gt;"
    assert email_link("ana.diaz@acme.example.com") == "<mailto:ana.diaz@acme.example.com|email>"
    assert phone_link("+1 (415) 555-0101") == "<tel:+14155550101|+1 (415) 555-0101>"
    assert phone_link("call <@U1>") == "call &lt;@U1&gt;"
    assert phone_link("12") == "12"
    assert slack_user("U0CSM") == "a Slack user (U0CSM)"
    assert slack_user("here>|<!everyone") is None
    bad = ContactEntry("Mallory <!here>", "Lead & co", email="m@x.com>", slack_user_id="<!here>")
    view = contacts.build(acme(contacts=(*CONTACTS, bad)), score(acme()))
    text = section(view, "The group's people")
    assert "*Mallory &lt;!here&gt;* · Lead &amp; co · m@x.com&gt;" in text
    assert "<!here>" not in all_text(blocks(Panel.CONTACTS, view, score(acme())))


def test_card_frames_and_matches_the_snapshot(snapshot: SnapshotAssertion) -> None:
    out = blocks(Panel.CONTACTS, contacts.build(acme(), score(acme())), score(acme()))
    assert "<mailto:ana.diaz@acme.example.com|email>" in all_text(out)
    assert out == snapshot


def test_a_group_without_contacts_is_asked_for_them() -> None:
    data = brand_new()
    view = contacts.build(data, score(data))
    assert view.headline == "No contacts on record"
    assert view.sections == (("People", "No contacts on record yet."),)
    assert view.actions == ("Add the group's practice manager and our CSM as contacts",)
    blocks(Panel.CONTACTS, view, score(data))


def test_a_group_without_a_primary_or_a_team_is_told_so() -> None:
    people = tuple(ContactEntry(c.name, c.role, email=c.email) for c in CONTACTS if not c.internal)
    view = contacts.build(acme(contacts=people, activities=()), score(acme()))
    assert "No primary contact named at the group" in section(view, "What stands out")
    assert view.actions[0] == "Name a primary contact at the group"
    assert "Assign a CSM to this group" in view.actions
    assert facts(view)["Our CSM"] == "none assigned"


def test_attendees_logged_from_slack_show_by_name_without_a_mention() -> None:
    """The meeting modal stores Slack attendees as `<@U…>`: the card names them, pinging no one."""
    data = acme()
    known = next(c for c in data.contacts if c.slack_user_id)
    meeting = next(a for a in data.activities if a.title == "Monthly check-in")
    logged = replace(meeting, attendees=(f"<@{known.slack_user_id}>", "<@U0NOBODY1>"))
    data = replace(data, activities=tuple(logged if a is meeting else a for a in data.activities))
    view = contacts.build(data, score(data))
    text = section(view, "Recent communications") + section(view, "Upcoming meetings")
    assert known.name in text
    assert "a Slack user (U0NOBODY1)" in text
    assert "<@" not in text and "&lt;@" not in text
