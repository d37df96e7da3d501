"""The book digest's pure parts: who gets which groups, what explains a band change, valid Block
Kit within a message's limits, and the payload surviving the outbox."""

from __future__ import annotations

from datetime import date, timedelta

from csbot.alerts.book import BookData, BookFacts, book_facts
from csbot.alerts.book_card import MAX_LINES, book_card
from csbot.alerts.book_run import Recipient, recipients, week_key
from csbot.config import load_settings
from csbot.scoring.config import HealthWeights
from csbot.store.book import BookAlert, BookGroup, WeekBand

DAY = date(2026, 3, 30)


def _group(gid: int, team: str | None, csm: str | None = "U0CSM0001") -> BookGroup:
    return BookGroup(gid, f"Group {gid:02d}", csm, team, DAY + timedelta(days=300), 50_000.0)


def _band(band: str, score: float, parts: tuple[float | None, ...] = (None, None, None),
          factors: list[dict[str, object]] | None = None) -> WeekBand:  # fmt: skip
    return WeekBand(DAY, band, score, *parts, factors or [])


def _data(groups: list[BookGroup], **changes: object) -> BookData:
    base: dict[str, object] = {
        "day": DAY, "groups": {g.group_id: g for g in groups}, "now": {}, "before": {},
        "alerts": [], "touches": {g.group_id: DAY for g in groups},
    }  # fmt: skip
    return BookData(**(base | changes))  # type: ignore[arg-type]


def _to(rs: list[Recipient]) -> dict[str, tuple[str, set[int]]]:
    return {r.to: (r.scope, set(r.group_ids)) for r in rs}


def test_team_channels_get_their_teams_and_the_default_channel_the_rest() -> None:
    groups = [_group(1, "East"), _group(2, "West"), _group(3, None, csm=None), _group(4, "North"),
              _group(5, "North", csm="<@U0HOSTILE> Dana")]  # fmt: skip
    settings = load_settings(
        _env_file=None, CSBOT_DEFAULT_CHANNEL="C0DEF",
        CSBOT_TEAM_CHANNELS='{"East": "C0EW", "West": "C0EW", "South": "C0SOUTH"}',
    )  # fmt: skip
    assert _to(recipients(_data(groups), settings)) == {
        "U0CSM0001": ("Your groups", {1, 2, 4}),
        "C0DEF": ("Groups without a team channel", {3, 4, 5}),  # 5's owner is no Slack id
        "C0EW": ("East, West", {1, 2}),
        "C0SOUTH": ("South", set()),  # a team channel hears every week, even with no groups
    }


def test_without_team_channels_the_default_channel_gets_the_whole_book() -> None:
    settings = load_settings(_env_file=None, CSBOT_DEFAULT_CHANNEL="C0DEF")
    got = _to(recipients(_data([_group(1, "East"), _group(2, None)]), settings))
    assert got["C0DEF"] == ("The whole book", {1, 2})
    nowhere = _to(recipients(_data([_group(1, "East")]), load_settings(_env_file=None)))
    assert nowhere == {"U0CSM0001": ("Your groups", {1})}  # only the CSM's DM


def _facts(data: BookData, ids: set[int]) -> BookFacts:
    return book_facts(data, ids, recipient="C0DEF", dm=False, scope="Everyone",
                      weights=HealthWeights(), touch_days=30)  # fmt: skip


def test_a_band_change_is_explained_by_the_part_that_moved_most_in_points() -> None:
    # engagement moved 20 (6.0 pts at 0.30), billability 12 (4.8 pts at 0.40): engagement wins
    now = {1: _band("Needs Attention", 55.0, (68, 50, 60))}
    before = {1: _band("Good", 65.8, (80, 70, 60))}
    [move] = _facts(_data([_group(1, None)], now=now, before=before), {1}).moves
    assert move.reason == "Engagement 70→50 (\u22126.0 pts)"


def test_without_parts_the_top_churn_factor_explains_it() -> None:
    factor = {"id": "open_high_priority", "title": "Open high-priority tickets", "points": 10.0}
    now = {1: _band("Critical", 30.0, factors=[factor])}
    before = {1: _band("Good", 61.0)}
    [move] = _facts(_data([_group(1, None)], now=now, before=before), {1}).moves
    assert move.reason == "Open high-priority tickets (+10 pts)"


def test_worst_moves_first_and_groups_new_this_week_are_no_move() -> None:
    groups = [_group(g, None) for g in (1, 2, 3)]
    now = {1: _band("Good", 70), 2: _band("Critical", 30), 3: _band("Good", 65)}
    before = {1: _band("Excellent", 85), 2: _band("Good", 62)}
    facts = _facts(_data(groups, now=now, before=before), {1, 2, 3})
    assert [(m.group, m.to_band.value) for m in facts.moves] == [
        ("Group 02", "Critical"), ("Group 01", "Good"),
    ]  # fmt: skip


def test_new_alerts_say_the_move_or_now_the_band_when_the_band_before_is_unknown() -> None:
    groups = [_group(g, None) for g in (1, 2)]
    alerts = [BookAlert(1, 1, "crossing", "Good", "Needs Attention", DAY, False, {}),
              BookAlert(2, 2, "crossing", None, "Critical", DAY, False, {})]  # fmt: skip
    facts = _facts(_data(groups, alerts=alerts), {1, 2})
    assert {(a.group, a.what) for a in facts.new_alerts} == {
        ("Group 01", "Good → Needs Attention"), ("Group 02", "now Critical"),
    }  # fmt: skip


def test_a_big_book_stays_inside_a_message_and_says_how_many_more() -> None:
    groups = [_group(g, None) for g in range(1, 41)]
    soon = [BookGroup(g.group_id, g.name, g.csm_owner, None, DAY + timedelta(days=g.group_id), 1e5)
            for g in groups]  # fmt: skip
    alerts = [BookAlert(g, g, "crossing", "Good", "Critical", DAY, False, {}) for g in range(1, 41)]
    data = _data(soon, alerts=alerts, touches={})
    card = book_card(_facts(data, set(range(1, 41))))
    blocks = card.blocks(chart_file_id=None)  # validated against Slack's limits
    renewals = next(b for b in blocks if b["block_id"] == "reasons.renewals")["text"]["text"]
    assert renewals.count("\n• ") == MAX_LINES and renewals.endswith("_and 30 more_")


def test_facts_survive_the_outbox_payload_and_weeks_are_iso_weeks() -> None:
    facts = _facts(_data([_group(1, None)], touches={1: None}), {1})
    assert BookFacts.model_validate(facts.model_dump(mode="json")) == facts
    assert (week_key(DAY), week_key(DAY + timedelta(days=6)), week_key(date(2027, 1, 1))) == (
        "2026-W14", "2026-W14", "2026-W53",
    )  # fmt: skip
