"""One scoring config on every surface.

`CSBOT_SCORING_CONFIG` moves Good's lower edge from 60 to 75 and doubles the Needs Attention
factor's points (15 -> 30). A group that is Good under the built-in config is then Needs
Attention everywhere, with the same health, churn score, "after the plan" figure and band
zones: its cards, `/cs list`, `/cs renewals`, App Home, its alert, both exports,
`csbot report` and `csbot ask`. The snapshots come from `csbot recompute`, the app is
`csbot run --http` on the fake Slack, and the CLI commands run as `csbot …` with the same
environment.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from csbot.cli import main
from csbot.commands.panels.overview import zones_text
from csbot.config import load_settings
from csbot.scoring import GroupScore, ScoringConfig, default_config, score_group
from csbot.scoring.config import load_scoring_config
from csbot.scoring.risk import churn_risk
from csbot.scoring.types import Band, ChurnRisk, fmt
from csbot.store.db import make_engine, session_factory, transaction
from csbot.store.loading import load_scoring_inputs
from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET, AppServer
from tests.e2e.cs_fixtures import AS_OF, CHANNEL, load_demo_db, running_app
from tests.e2e.fakeslack import FakeSlack

CONFIG = """\
bands:
  good: 75
factors:
  needs_attention_points: 30
  high_priorities: [urgent]
churn_levels:
  medium: 5
"""
LEAD = "U0LEAD0001"
MEMBER = "U0000000001"
ALERTS = "C0ALERTS01"
MARGIN = 2.0  # CSBOT_ALERT_MARGIN's default: an alert needs the score this far inside the band


@dataclass(frozen=True)
class Expected:
    """The chosen group's numbers under the configured scoring, as scoring computes them."""

    score: GroupScore
    after: ChurnRisk  # churn once the factors the playbook addresses are gone
    zones: str

    @property
    def name(self) -> str:
        return self.score.name

    @property
    def churn_fact(self) -> str:
        churn = self.score.churn
        return f"{churn.level.value} ({fmt(churn.score, 0)}/100)"


def _env(fake: FakeSlack, tmp: Path) -> dict[str, str]:
    config = tmp / "scoring.yml"
    config.write_text(CONFIG, encoding="utf-8")
    return {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "CSBOT_SLACK_API_URL": fake.api_url,
        "CSBOT_DATABASE_URL": f"sqlite:///{tmp / 'e2e.sqlite3'}",
        "CSBOT_TIMEZONE": "UTC",
        "CSBOT_RENDER_WORKERS": "1",
        "CSBOT_SCORING_CONFIG": str(config),
        "CSBOT_LEADS": LEAD,
        "CSBOT_DEFAULT_CHANNEL": ALERTS,
    }


def _scores(database_url: str, config: ScoringConfig) -> dict[int, GroupScore]:
    engine = make_engine(database_url)
    try:
        with transaction(session_factory(engine)) as session:
            inputs = load_scoring_inputs(session, as_of=AS_OF, window_days=30, rules=config.factors)
        return {gid: score_group(one, config) for gid, one in inputs.items()}
    finally:
        engine.dispose()


def _after(score: GroupScore, config: ScoringConfig) -> ChurnRisk:
    churn = score.churn
    acted = {a.factor_id for a in churn.actions}
    left = tuple(f for f in churn.factors if f.id not in acted)
    return churn_risk(left, arr=churn.arr, config=config)


def _expected(database_url: str, config: ScoringConfig) -> Expected:
    """A group Good by default and alerted as Needs Attention under `config`, whose churn score
    and "after the plan" figure both differ between the two configs."""
    built_in, configured = _scores(database_url, default_config()), _scores(database_url, config)
    moved = [
        s
        for gid, s in sorted(configured.items())
        if built_in[gid].health.band is Band.GOOD
        and s.health.band is Band.NEEDS_ATTENTION
        and s.health.score <= config.bands.good - MARGIN
        and s.churn.score != built_in[gid].churn.score
        and _after(s, config).level != _after(s, default_config()).level
    ]
    assert moved, "the demo has no group whose band, churn and plan the config all change"
    assert zones_text(config.bands) != zones_text(default_config().bands)
    return Expected(moved[0], _after(moved[0], config), zones_text(config.bands))


@contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    """The environment `csbot …` runs with (tests' own env is cleaned before each test)."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in values.items():
            patch.setenv(name, value)
        yield


@pytest.fixture(scope="module")
def configured(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[AppServer, Expected, dict[str, str]]]:
    fake = FakeSlack().start()
    values = _env(fake, tmp_path_factory.mktemp("scoring-config"))
    with _environment(values):
        settings = load_settings(_env_file=None)
        load_demo_db(settings, groups=12, days=120)
        start = AS_OF - timedelta(days=10)
        assert main(["recompute", "--from", str(start), "--to", str(AS_OF), "--no-deliver"]) == 0
    config = load_scoring_config(Path(values["CSBOT_SCORING_CONFIG"]))
    expected = _expected(values["CSBOT_DATABASE_URL"], config)
    with running_app(settings, fake) as app:
        yield app, expected, values


Configured = tuple[AppServer, Expected, dict[str, str]]


@pytest.fixture
def app(configured: Configured) -> Iterator[AppServer]:
    server, _, values = configured
    server.fake.reset()
    with _environment(values):  # for the `csbot …` commands a test runs
        yield server
    assert server.runtime.services.work.wait_idle(20)


@pytest.fixture
def expected(configured: Configured) -> Expected:
    return configured[1]


def _texts(node: Any) -> list[str]:
    """Every text a person reads in Block Kit (texts, fields, alt texts), in order."""
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if not isinstance(node, dict):
        return []
    own = [str(node[k]) for k in ("text", "alt_text") if isinstance(node.get(k), str)]
    return own + [t for value in node.values() for t in _texts(value)]


def _card(server: AppServer, text: str) -> str:
    """`/cs <text>` in the channel; everything the posted card says, one string."""
    assert server.slash_command(text).status_code == 200
    server.fake.wait_for("chat.postMessage")
    assert server.runtime.services.work.wait_idle(20)
    [message] = server.fake.messages(CHANNEL)
    return "\n".join(_texts(message["blocks"]))


def _chart_alt(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(b["alt_text"]) for b in blocks if b["type"] == "image"]


def _band_line(e: Expected) -> str:
    return f"*Health {e.score.health.display}* · {Band.NEEDS_ATTENTION.value}"


def test_the_overview_card_shows_the_configured_band_churn_and_zones(
    app: AppServer, expected: Expected
) -> None:
    said = _card(app, f'"{expected.name}"')
    assert _band_line(expected) in said
    assert f"*Churn risk*\n{expected.churn_fact}" in said
    [message] = app.fake.messages(CHANNEL)
    [alt] = _chart_alt(message["blocks"])
    assert alt.endswith(f"Bands: {expected.zones}")


def test_the_churn_card_plans_with_the_configured_points(
    app: AppServer, expected: Expected
) -> None:
    said = _card(app, f'churn "{expected.name}"')
    churn, after = expected.score.churn, expected.after
    assert f"*Risk score*\n{fmt(churn.score, 0)}/100 · {churn.level.value}" in said
    assert f"*After the plan*\n{fmt(after.score, 0)}/100 · {after.level.value}" in said


def test_the_list_counts_and_marks_the_group_in_its_configured_band(
    app: AppServer, expected: Expected
) -> None:
    assert app.slash_command("list").status_code == 200
    app.fake.wait_for("chat.postMessage")
    assert app.runtime.services.work.wait_idle(20)
    [message] = app.fake.messages(CHANNEL)
    [row] = [
        b for b in message["blocks"] if b.get("block_id") == f"list_row.{expected.score.group_id}"
    ]
    assert row["text"]["text"].startswith(f"{Band.NEEDS_ATTENTION.slack_emoji} *")
    assert f"*{expected.name}*  {expected.score.health.display}" in row["text"]["text"]


def test_the_renewals_card_shows_the_configured_band_and_churn(
    app: AppServer, expected: Expected
) -> None:
    assert app.slash_command("renewals 365d").status_code == 200
    app.fake.wait_for("chat.postMessage")
    assert app.runtime.services.work.wait_idle(20)
    [message] = app.fake.messages(CHANNEL)
    block_id = f"renewal_row.{expected.score.group_id}"
    [row] = [b for b in message["blocks"] if b.get("block_id") == block_id]
    health = row["text"]["text"].split("\n")[1]
    assert health.startswith(
        f"{Band.NEEDS_ATTENTION.slack_emoji} Health *{expected.score.health.display}* "
        f"{Band.NEEDS_ATTENTION.value} ("
    )
    assert f" · churn risk {expected.churn_fact} · " in health


def _home(app: AppServer, user: str) -> list[dict[str, Any]]:
    payload = app.samples.json("app_home_opened.json")
    payload["event"].update(user=user, tab="home")
    assert app.event(payload).status_code == 200
    app.fake.wait_for("views.publish")
    assert app.runtime.services.work.wait_idle(20)
    views = [c.json_param("view") for c in app.fake.calls_to("views.publish")]
    blocks: list[dict[str, Any]] = views[-1]["blocks"]
    return blocks


def test_app_home_files_the_group_under_its_configured_band_with_the_configured_zones(
    app: AppServer, expected: Expected
) -> None:
    blocks = _home(app, LEAD)
    ids = [str(b.get("block_id", "")) for b in blocks]
    row = ids.index(f"home_row.{expected.score.group_id}")
    heading = max(i for i, block_id in enumerate(ids[:row]) if block_id.startswith("home_band."))
    assert blocks[heading]["text"]["text"].startswith(
        f"{Band.NEEDS_ATTENTION.slack_emoji} *{Band.NEEDS_ATTENTION.value}*"
    )
    trend = [alt for alt in _chart_alt(blocks) if alt.startswith("Mean health")]
    assert trend and trend[0].endswith(f"Bands: {expected.zones}")


def test_the_alert_says_the_configured_band_churn_and_zones(
    app: AppServer, expected: Expected
) -> None:
    assert main(["deliver"]) == 0  # `csbot deliver`: what `csbot recompute` put in the outbox
    text = f"{expected.name} is now {Band.NEEDS_ATTENTION.value}"
    [alert] = [
        c
        for c in app.fake.calls_to("chat.postMessage")
        if c.params["text"] == (f"{text} (health {expected.score.health.display})")
    ]
    blocks = alert.json_param("blocks")
    assert f"*Churn risk*\n{expected.churn_fact}" in "\n".join(_texts(blocks))
    [alt] = _chart_alt(blocks)
    assert alt.endswith(f"Bands: {expected.zones}")


def _csv_sent(app: AppServer) -> list[dict[str, str]]:
    [done] = app.fake.calls_to("files.completeUploadExternal")
    [item] = json.loads(done.params["files"])
    content = app.fake.state.uploads[item["id"]].decode("utf-8")
    return list(csv.DictReader(content.splitlines()))


def test_both_exports_hold_the_configured_numbers(app: AppServer, expected: Expected) -> None:
    assert app.slash_command(f'export "{expected.name}"', user_id=MEMBER).status_code == 200
    assert app.runtime.services.work.wait_idle(20)
    [row] = _csv_sent(app)
    churn = expected.score.churn
    assert (row["band"], row["health"]) == (
        Band.NEEDS_ATTENTION.value,
        expected.score.health.display,
    )
    assert float(row["churn_risk"]) == pytest.approx(churn.score, abs=0.05)
    app.fake.reset()
    assert app.slash_command("export list", user_id=LEAD).status_code == 200
    assert app.runtime.services.work.wait_idle(20)
    [row] = [r for r in _csv_sent(app) if r["group"] == expected.name]
    assert (row["band"], row["churn_level"]) == (Band.NEEDS_ATTENTION.value, churn.level.value)
    assert float(row["churn_risk"]) == pytest.approx(churn.score, abs=0.05)


def test_csbot_report_and_ask_show_the_configured_numbers(
    app: AppServer, expected: Expected, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "portfolio.pdf"
    assert main(["report", "--date", str(AS_OF), "--out", str(out)]) == 0
    with out.with_suffix(".csv").open(encoding="utf-8") as f:
        [row] = [r for r in csv.DictReader(f) if r["group"] == expected.name]
    assert (row["band"], row["churn_level"]) == (
        Band.NEEDS_ATTENTION.value,
        expected.score.churn.level.value,
    )
    capsys.readouterr()
    text = f'churn "{expected.name}"'
    assert main(["ask", text, "--json", "--date", str(AS_OF), "--out", str(tmp_path)]) == 0
    said = "\n".join(_texts(json.loads(capsys.readouterr().out)["blocks"]))
    churn, after = expected.score.churn, expected.after
    assert _band_line(expected) in said
    assert f"*Risk score*\n{fmt(churn.score, 0)}/100 · {churn.level.value}" in said
    assert f"*After the plan*\n{fmt(after.score, 0)}/100 · {after.level.value}" in said
