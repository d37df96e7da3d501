"""Benchmark a full answer: signed `/cs <panel> <group>` in -> card and chart handed to Slack.

`csbot run --http` in its own process, demo groups with 400 days of data, one command at a
time; the time is from sending the command to the fake Slack receiving chat.postMessage (so it
includes the ack, the queries, scoring, the chart render in the pool, the three upload calls
and the post). Printed beside the bare render time of the same charts, as a ratio.
Budget: answer p95 < 300 ms.

    .venv/bin/python bench/answer.py
    .venv/bin/python bench/answer.py --panel all --commands 220
"""

from __future__ import annotations

import argparse
import time
from datetime import UTC, datetime

from _slackbench import Bench, percentile, running_app, summary

from csbot.commands.card import CardState
from csbot.commands.panels import BUILDERS
from csbot.commands.panels.base import Panel
from csbot.commands.pipeline import show
from csbot.config import load_settings
from csbot.scoring import default_config
from csbot.services import LocalSources
from csbot.slack.render import InlineRenderer
from csbot.store.db import make_engine, session_factory
from csbot.store.groups import group_names


def _panels(choice: str) -> list[Panel]:
    if choice == "all":
        return list(BUILDERS)
    return [Panel(choice)]


def _answers(bench: Bench, panels: list[Panel], commands: int) -> list[float]:
    took = []
    for n in range(commands):
        panel, group = panels[n % len(panels)], bench.groups[n % len(bench.groups)]
        channel = f"C{n:010d}"
        sent, _, response = bench.command(f'{panel.value} "{group}"', channel=channel)
        assert response.status_code == 200 and not response.text, response.text
        bench.wait_posted([channel])
        took.append(bench.posted[channel] - sent)
    return took


def _bare_renders(bench: Bench, panels: list[Panel], commands: int) -> list[float]:
    """The same charts rendered alone, in this process, after one warm-up render."""
    engine = make_engine(bench.database_url)
    settings = load_settings(_env_file=None, CSBOT_DATABASE_URL=bench.database_url)
    sources = LocalSources(settings, session_factory(engine), default_config())
    with sources.sessions() as session:
        ids = [g.id for g in group_names(session)]
    renderer, today, took = InlineRenderer(), datetime.now(UTC).date(), []
    for n in range(-1, commands):
        state = CardState(ids[max(n, 0) % len(ids)], panels[max(n, 0) % len(panels)], 30)
        chart = show(sources, state, as_of=today).card.chart
        if chart is None:
            continue
        started = time.perf_counter()
        renderer.render(chart.name, **chart.kwargs).result()
        if n >= 0:
            took.append(time.perf_counter() - started)
    engine.dispose()
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=100)
    parser.add_argument("--panel", default="health", help="a panel, or 'all' to cycle them")
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--port", type=int, default=38412)
    args = parser.parse_args()
    panels = _panels(args.panel)
    with running_app(groups=args.groups, days=args.days, port=args.port) as bench:
        _answers(bench, panels, len(panels))  # warm-up: first use of each panel and chart
        bench.posted.clear()
        answers = _answers(bench, panels, args.commands)
        renders = _bare_renders(bench, panels, args.commands)
    label = ",".join(p.value for p in panels)
    print(f"answer ({label}, {args.days} days of data): {summary(answers)}")
    print(f"bare chart render:                {summary(renders)}")
    for pct in (50, 95):
        ratio = percentile(answers, pct) / percentile(renders, pct)
        print(f"answer / bare render at p{pct}: {ratio:.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
