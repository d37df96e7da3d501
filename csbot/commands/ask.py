"""`csbot ask "/cs health Acme 30d"`: the Slack pipeline in a terminal, without Slack.

The same `answer` the Slack listener calls builds the card; it is printed as readable text (or
as the exact Block Kit JSON with `--json`) and its chart is rendered in this process and written
as a PNG. This is how a new user tries csbot before creating the Slack app.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import TextIO

from csbot.commands.grammar import ExportRequest, HelpRequest, LogRequest, parse_command
from csbot.commands.help import help_text
from csbot.commands.pipeline import CardResult, answer
from csbot.config import Settings
from csbot.errors import CsbotError, InputError
from csbot.scoring.config import load_scoring_config
from csbot.services import LocalSources, today
from csbot.slack import blockkit as bk
from csbot.slack.blocktext import card_as_text, plain
from csbot.slack.render import InlineRenderer
from csbot.store.db import SessionFactory, make_engine, session_factory, transaction, upgrade
from csbot.store.groups import group_names

__all__ = ["DEFAULT_OUT", "run_ask"]

DEFAULT_OUT = Path("csbot-out")
CHART_PLACEHOLDER = "chart"


def _sources(settings: Settings, sessions: SessionFactory) -> LocalSources:
    return LocalSources(settings, sessions, load_scoring_config(settings.scoring_config))


def _write_chart(result: CardResult, out_dir: Path) -> Path | None:
    chart = result.card.chart
    if chart is None:
        return None
    png = InlineRenderer().render(chart.name, **chart.kwargs).result()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        path = out_dir / result.filename
        path.write_bytes(png)
    except OSError as exc:
        raise CsbotError(f"cannot write the chart to {out_dir}: {exc.strerror}") from None
    return path


def _not_a_card(result: CardResult, err: TextIO) -> int:
    """Did-you-mean or several matches: say so on stderr; the exit code is 1."""
    print(plain(result.card.text), file=err)
    if result.kind == "pick":
        for block in result.card.head:
            for element in block.get("elements", []):
                if element.get("type") == "button":
                    print(f"  {element['text']['text']}", file=err)
        print("Type more of the name to pick one.", file=err)
    return 1


def run_ask(
    settings: Settings,
    text: str,
    *,
    as_json: bool = False,
    out_dir: Path = DEFAULT_OUT,
    as_of: date | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Answer one `/cs` command in the terminal; returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    request = parse_command(text)
    if isinstance(request, HelpRequest):
        print(help_text(request.reason), file=out)
        return 1 if request.reason else 0
    if isinstance(request, LogRequest):
        raise InputError("`/cs log` opens a form in Slack; there is no terminal version.")
    if isinstance(request, ExportRequest):
        raise InputError("`/cs export` sends a CSV in Slack; here, use `csbot report --out FILE`.")
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
        sources = _sources(settings, session_factory(engine))
        with transaction(sources.sessions) as session:
            if not group_names(session):
                raise CsbotError("no groups yet: run `csbot demo` first")
        result = answer(sources, request, user_id="cli", as_of=as_of or today(sources))
    finally:
        engine.dispose()
    if result.personal:
        return _not_a_card(result, err)
    chart = _write_chart(result, out_dir)
    if as_json:
        # In Slack the chart is an image block of the uploaded file, after the facts.
        payload = bk.message(result.card.text, result.card.blocks())
        print(json.dumps(payload, indent=2, ensure_ascii=False), file=out)
    else:
        blocks = result.card.blocks(chart_file_id=CHART_PLACEHOLDER if chart else None)
        print(card_as_text(blocks, chart=chart), file=out, end="")
    if chart is not None:
        print(f"chart written to {chart}", file=err if as_json else out)
    return 0
