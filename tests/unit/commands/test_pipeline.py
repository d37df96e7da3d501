"""The shared pipeline on demo data: one match gives a card, several a picker, none did-you-mean;
the list ranks worst first; and `csbot ask` prints what Slack would show."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from csbot.commands.ask import run_ask
from csbot.commands.card import CardState
from csbot.commands.grammar import ListRequest, PanelRequest
from csbot.commands.listing import ListState
from csbot.commands.panels.base import Panel
from csbot.commands.pipeline import answer, show, show_list
from csbot.config import Settings, load_settings
from csbot.errors import CsbotError, InputError, NotFoundError
from csbot.scoring import Band, default_config
from csbot.services import LocalSources, today
from csbot.slack.blocktext import card_as_text, plain
from csbot.store.db import transaction
from csbot.store.demo import load_demo
from csbot.store.groups import group_names

AS_OF = date(2026, 3, 31)
NOW = datetime(2026, 3, 31, 22, 30, tzinfo=UTC)  # already 1 April in Berlin
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def sources(sessions: sessionmaker[Session]) -> LocalSources:
    with transaction(sessions) as session:
        load_demo(session, groups=12, days=70, seed=7, as_of=AS_OF)
    settings = load_settings(_env_file=None, CSBOT_TIMEZONE="Europe/Berlin")
    return LocalSources(settings, sessions, default_config(), clock=lambda: NOW)


def _panel(query: str, panel: Panel = Panel.OVERVIEW, **kw: object) -> PanelRequest:
    return PanelRequest(panel=panel, group_query=query, **kw)  # type: ignore[arg-type]


def test_today_is_read_in_the_configured_time_zone(sources: LocalSources) -> None:
    assert today(sources) == date(2026, 4, 1)


def test_one_match_gives_the_groups_card(sources: LocalSources) -> None:
    result = answer(sources, _panel("acme", Panel.HEALTH, window_days=90), user_id="U1",
                    as_of=AS_OF)  # fmt: skip
    assert result.kind == "card" and not result.personal
    assert result.state is not None and result.state.panel is Panel.HEALTH
    blocks = result.card.blocks(chart_file_id="F1")
    assert blocks[0]["text"]["text"] == "Acme Family Medicine · Health"
    context = [e["text"] for e in blocks[-1]["elements"]]
    assert context[:2] == ["90 days to 31 Mar 2026", "data as of 31 Mar 2026"]
    assert context[2] == "computed at 00:30 CEST"
    assert result.card.chart is not None and result.card.chart.name == "component_breakdown"
    assert result.filename == f"csbot-{result.state.group_id}-health-90d.png"


def test_several_matches_give_a_picker_only_for_the_person(sources: LocalSources) -> None:
    with transaction(sources.sessions) as session:
        names = [g.name for g in group_names(session)]
    word = next(w for w in ("Endocrinology", "Pediatrics", "Family", "Group", "Physicians")
                if sum(w in n for n in names) > 1)  # fmt: skip
    result = answer(sources, _panel(word, private=True), user_id="U1", as_of=AS_OF)
    assert result.kind == "pick" and result.personal
    buttons = next(b for b in result.card.head if b["type"] == "actions")["elements"]
    assert {b["text"]["text"] for b in buttons} == {n for n in names if word in n}
    states = [CardState.decode(b["value"]) for b in buttons]
    assert all(s.private and s.panel is Panel.OVERVIEW for s in states)


def test_no_match_suggests_the_closest_name(sources: LocalSources) -> None:
    result = answer(sources, _panel("Acne Famly"), user_id="U1", as_of=AS_OF)
    assert result.kind == "no_match" and result.personal
    assert "Did you mean *Acme Family Medicine*?" in result.card.text


def test_a_group_that_is_gone_says_so(sources: LocalSources) -> None:
    with pytest.raises(NotFoundError):
        show(sources, CardState(99_999, Panel.OVERVIEW, 30), as_of=AS_OF)


def test_the_list_ranks_worst_first_and_filters_by_band(sources: LocalSources) -> None:
    result = answer(sources, ListRequest(), user_id="U1", as_of=AS_OF)
    assert result.kind == "list"
    rows = [b for b in result.card.blocks() if str(b.get("block_id")).startswith("list_row.")]
    scores = [float(r["text"]["text"].split("*")[2].split()[0]) for r in rows]
    assert len(rows) == 12 and scores == sorted(scores)
    critical = show_list(sources, ListState(Band.CRITICAL, 30), as_of=AS_OF).card.blocks()
    shown = [b for b in critical if str(b.get("block_id")).startswith("list_row.")]
    assert shown and all(":red_circle:" in b["text"]["text"] for b in shown)


def test_list_state_round_trips() -> None:
    state = ListState(Band.NEEDS_ATTENTION, 7, private=True)
    assert ListState.decode(state.encode()) == state
    assert ListState.decode("all.30") == ListState(None, 30)
    with pytest.raises(InputError):
        ListState.decode("nope.30")


# csbot ask -----------------------------------------------------------------------------------


@pytest.fixture
def settings(sources: LocalSources, database_url: str) -> Settings:
    return load_settings(_env_file=None, CSBOT_DATABASE_URL=database_url)


def _ask(
    settings: Settings, text: str, tmp_path: Path, *, as_json: bool = False
) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_ask(settings, text, as_json=as_json, out_dir=tmp_path / "charts", as_of=AS_OF,
                   out=out, err=err)  # fmt: skip
    return code, out.getvalue(), err.getvalue()


def test_ask_prints_the_card_and_writes_the_chart(settings: Settings, tmp_path: Path) -> None:
    code, out, _ = _ask(settings, "/cs health Acme 30d", tmp_path)
    assert code == 0
    lines = out.splitlines()
    assert lines[:2] == ["Acme Family Medicine · Health", "=" * 29]
    assert lines[2].startswith("\U0001f7e0 Health ") or lines[2].startswith("\U0001f7e1 Health ")
    assert "What moved and what it cost" in out and "Recommended actions" in out
    assert "*" not in out and "Switch group" not in out  # no mrkdwn, no controls
    [png] = (tmp_path / "charts").iterdir()
    assert png.read_bytes().startswith(PNG)
    assert out.rstrip().endswith(f"chart written to {png}")


def test_ask_json_is_the_exact_block_kit(settings: Settings, tmp_path: Path) -> None:
    code, out, err = _ask(settings, "hs acme", tmp_path, as_json=True)
    payload = json.loads(out)
    assert code == 0 and payload["blocks"][0]["text"]["text"].startswith("Acme Family Medicine")
    assert "chart written to" in err


def test_ask_an_unknown_group_fails_with_did_you_mean(settings: Settings, tmp_path: Path) -> None:
    code, out, err = _ask(settings, "health Acne", tmp_path)
    assert code == 1 and out == ""
    assert "Did you mean Acme Family Medicine?" in err


def test_ask_on_an_empty_database_says_to_load_the_demo(tmp_path: Path) -> None:
    empty = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=empty)
    with pytest.raises(CsbotError, match="no groups yet: run `csbot demo` first"):
        _ask(settings, "health Acme", tmp_path)


def test_ask_help_prints_the_grammar(settings: Settings, tmp_path: Path) -> None:
    code, out, _ = _ask(settings, "help", tmp_path)
    assert code == 0 and "/cs [panel] <group> [window] [private]" in out


def test_card_text_keeps_field_labels_and_drops_markup() -> None:
    blocks = [
        {"type": "header", "text": {"type": "plain_text", "text": "A & B · Health"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": ":red_circle: *Health 30.0*"},
         "fields": [{"type": "mrkdwn", "text": "*ARR*\n$1k &amp; more"}]},
    ]  # fmt: skip
    assert card_as_text(blocks) == (
        "A & B · Health\n==============\n\U0001f534 Health 30.0\nARR: $1k & more\n"
    )


@pytest.mark.parametrize(
    ("mrkdwn", "text"),
    [
        ("<mailto:a_b@x.example|email>", "a_b@x.example"),
        ("<tel:7135550130|(713) 555-0130>", "(713) 555-0130"),
        ("<https://x.example/a|the docs>", "the docs (https://x.example/a)"),
        ("<@U0CSM0004> and *bold* _it_", "@U0CSM0004 and bold it"),
        ("&lt;not a link&gt; &amp; more", "<not a link> & more"),
    ],
)
def test_terminal_text_spells_out_links_and_mentions(mrkdwn: str, text: str) -> None:
    assert plain(mrkdwn) == text
