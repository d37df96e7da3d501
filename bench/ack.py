"""Benchmark the ack: 200 signed `/cs health <group>` at 20 concurrent, over real HTTP.

`csbot run --http` runs in its own process against a fake Slack; every command also renders a
chart and posts a card after its ack, so the acks compete with real work. Prints ack latency
p50/p95/p99 and how long until all cards were handed to Slack. Budget: ack p99 < 100 ms.

    .venv/bin/python bench/ack.py
    .venv/bin/python bench/ack.py --commands 400 --concurrency 40
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ThreadPoolExecutor

from _slackbench import Bench, running_app, summary


def _fire(bench: Bench, args: argparse.Namespace) -> tuple[list[float], list[str], float]:
    channels = [f"C{n:010d}" for n in range(args.commands)]
    texts = [f"health {bench.groups[n % len(bench.groups)]}" for n in range(args.commands)]

    def one(n: int) -> tuple[float, int, str]:
        sent, acked, response = bench.command(texts[n], channel=channels[n])
        return acked - sent, response.status_code, response.text

    started = time.perf_counter()
    with ThreadPoolExecutor(args.concurrency) as pool:
        results = list(pool.map(one, range(args.commands)))
    bad = [(status, text) for _, status, text in results if status != 200 or text]
    if bad:
        print(f"  {len(bad)} commands were not acked empty, e.g. {bad[:2]}")
    return [latency for latency, _, _ in results], channels, started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--groups", type=int, default=40)
    parser.add_argument("--days", type=int, default=400)
    parser.add_argument("--port", type=int, default=38411)
    args = parser.parse_args()
    with running_app(groups=args.groups, days=args.days, port=args.port) as bench:
        bench.command(f"health {bench.groups[0]}", channel="CWARMUP")  # first-use costs
        bench.wait_posted(["CWARMUP"])
        latencies, channels, started = _fire(bench, args)
        bench.wait_posted(channels)
        last = max(bench.posted[c] for c in channels)
    print(f"ack, {args.commands} commands at {args.concurrency} concurrent: {summary(latencies)}")
    print(f"all {len(channels)} cards handed to Slack {last - started:.1f} s after the first")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
