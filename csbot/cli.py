"""The `csbot` command line. Each subcommand is a small function; errors become one line."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path

from csbot.config import Settings, load_settings
from csbot.errors import CsbotError, InputError
from csbot.logs import configure_logging, secrets_of

log = logging.getLogger("csbot")

Handler = Callable[[argparse.Namespace, Settings], int]


class _Parser(argparse.ArgumentParser):
    """argparse that ends with one line on stderr and exit code 2, with a hint."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"csbot: {message} (see `{self.prog} --help`)\n")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def _add(
    subparsers: argparse._SubParsersAction[_Parser],
    name: str,
    handler: Handler,
    help_text: str,
    example: str,
) -> _Parser:
    parser = subparsers.add_parser(
        name,
        help=help_text,
        description=help_text,
        epilog=f"example:\n  {example}",
        formatter_class=_formatter,
    )
    parser.set_defaults(handler=handler)
    return parser


def _cmd_db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.store.db import describe_url, make_engine, upgrade

    revision = upgrade(make_engine(settings.database_url))
    print(f"database {describe_url(settings.database_url)} is at revision {revision}")
    return 0


def _cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    """Demo data with its snapshot history, then today's daily run, so trends, the App Home
    chart and the first alerts are there at once. Loading data posts nothing to Slack: the
    alerts wait in the outbox for `csbot deliver` (or the next morning's run)."""
    from csbot.alerts.cli import recompute_command
    from csbot.store.demo import run_demo

    today = datetime.now(settings.tz).date()
    run_demo(settings, groups=args.groups, days=args.days, seed=args.seed, as_of=today,
             history_days=args.history, renewal_years=args.renewal_history)  # fmt: skip
    recompute_command(settings, start=today, end=today, window_days=None, deliver=False)
    print('alerts wait in the outbox for `csbot deliver`; try: csbot ask "/cs health Acme 30d"')
    return 0


def _cmd_run(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.app import run

    return run(settings, http=args.http, port=args.port, host=args.host)


def _cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.commands.ask import run_ask

    return run_ask(settings, args.text, as_json=args.json, out_dir=args.out, as_of=args.date)


def _cmd_recompute(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.alerts.cli import recompute_command

    if (args.start is None) != (args.end is None):
        raise InputError("--from and --to go together, e.g. --from 2026-01-01 --to 2026-03-31")
    if args.date is not None and args.start is not None:
        raise InputError("give either --date or --from/--to, not both")
    if args.start is not None and args.start > args.end:
        raise InputError(f"--from {args.start} is after --to {args.end}")
    today = datetime.now(settings.tz).date()
    start, end = (args.start, args.end) if args.start else (args.date or today,) * 2
    return recompute_command(
        settings, start=start, end=end, window_days=args.window, deliver=not args.no_deliver
    )


def _cmd_deliver(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.alerts.cli import deliver_command

    return deliver_command(settings)


def _cmd_alerts(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.alerts.cli import alerts_command

    return alerts_command(settings, pending=args.pending, limit=args.limit)


def _cmd_digest(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.alerts.cli import digest_command

    return digest_command(settings, kind=args.kind, dry_run=args.dry_run)


def _cmd_scheduler(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.scheduler import scheduler_command

    return scheduler_command(settings)


def _add_alerts(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`csbot deliver`, `csbot alerts`, `csbot digest`, `csbot scheduler`."""
    _add(
        sub, "deliver", _cmd_deliver, "post the alerts still waiting in the outbox", "csbot deliver"
    )
    alerts = _add(
        sub,
        "alerts",
        _cmd_alerts,
        "list the newest alerts and where they went",
        "csbot alerts --pending",
    )
    alerts.add_argument("--pending", action="store_true", help="only those not posted yet")
    alerts.add_argument("--limit", type=_positive, default=50, help="how many (default 50)")
    digest = _add(
        sub,
        "digest",
        _cmd_digest,
        "post this week's digests now (book of business and onboarding)",
        "csbot digest --kind book --dry-run",
    )
    digest.add_argument(
        "--kind",
        choices=("book", "onboarding"),
        help="only this digest: book (each CSM's groups, each team's book) or onboarding",
    )
    digest.add_argument("--dry-run", action="store_true", help="print it instead of posting")
    _add(
        sub,
        "scheduler",
        _cmd_scheduler,
        "run only the daily recompute, alerts and digest jobs (when the app runs elsewhere)",
        "CSBOT_DATABASE_URL=postgresql://... SLACK_BOT_TOKEN=xoxb-... csbot scheduler",
    )


def _cmd_audit(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.exports.audit_log import run_audit

    return run_audit(settings, group=args.group, since=args.since, limit=args.limit)


def _cmd_report(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.exports.report import run_report

    now = datetime.now(settings.tz)
    return run_report(settings, window_days=args.window, out=args.out, as_of=args.date, now=now)


def _add_report(sub: argparse._SubParsersAction[_Parser]) -> None:
    report = _add(
        sub,
        "report",
        _cmd_report,
        "write the portfolio report: a CSV (one row per group) and a one-page PDF or PNG summary",
        "csbot report --window 30d --out reports/portfolio.pdf",
    )
    report.add_argument("--window", type=_window, default=30, help="window, e.g. 30d (default)")
    report.add_argument(
        "--out", type=Path, required=True, help="FILE.pdf or FILE.png (the CSV goes beside it)"
    )
    report.add_argument("--date", type=_date, help="the day the window ends (default: today)")


def _add_audit(sub: argparse._SubParsersAction[_Parser]) -> None:
    audit = _add(
        sub,
        "audit",
        _cmd_audit,
        "show who changed what from Slack (tickets, meetings, notes, alerts, exports)",
        'csbot audit --group "Acme" --since 2026-03-01',
    )
    audit.add_argument("--group", help="only this group (part of its name)")
    audit.add_argument("--since", type=_date, help="from this day on (YYYY-MM-DD)")
    audit.add_argument("--limit", type=_positive, default=500, help="newest N (default 500)")


def _cmd_backtest(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.commands.backtest import run_backtest

    return run_backtest(settings, horizon_days=args.horizon, chart=args.chart,
                        suggest_to=args.suggest)  # fmt: skip


def _add_backtest(sub: argparse._SubParsersAction[_Parser]) -> None:
    backtest = _add(
        sub,
        "backtest",
        _cmd_backtest,
        "audit the scores against recorded renewal outcomes: did they foresee who churned?",
        "csbot backtest --horizon 90d --chart roc.png --suggest suggested.yml",
    )
    backtest.add_argument(
        "--horizon", type=_window, default=90, help="days before each renewal (default 90d)"
    )
    backtest.add_argument("--chart", type=Path, help="also write the ROC chart to FILE.png")
    backtest.add_argument(
        "--suggest", type=Path, metavar="FILE",
        help="write the suggested weights as a scoring config (for CSBOT_SCORING_CONFIG)",
    )  # fmt: skip


def _cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.store.csv_import import run_import

    return run_import(settings, kind=args.kind, path=args.file, dry_run=args.dry_run)


RECORD_KINDS = ("groups, usage, revenue, tickets, surveys, features, onboarding, activities, "
                "contacts, plans, goals, actions, outcomes")  # fmt: skip
"""csbot.store.ingest.KINDS, spelled out so building the parser imports no database code."""


def _add_import(sub: argparse._SubParsersAction[_Parser]) -> None:
    imp = _add(
        sub,
        "import",
        _cmd_import,
        "import a CSV file of one record kind: every row, or (if any is bad) none",
        "csbot import usage examples/usage.csv --dry-run",
    )
    imp.add_argument("kind", metavar="KIND", help=f"one of {RECORD_KINDS}")
    imp.add_argument("file", metavar="FILE", type=Path, help="CSV with a header row, UTF-8")
    imp.add_argument("--dry-run", action="store_true", help="check and count, write nothing")


def _cmd_sync(args: argparse.Namespace, settings: Settings) -> int:
    from csbot.store.sync import run_sync

    return run_sync(settings, kinds=args.kinds)


def _add_sync(sub: argparse._SubParsersAction[_Parser]) -> None:
    sync = _add(
        sub,
        "sync",
        _cmd_sync,
        "pull records changed since the last sync from the platform's API (CSBOT_SYNC_URL)",
        "CSBOT_SYNC_URL=https://api.example.com CSBOT_SYNC_TOKEN=... csbot sync tickets",
    )
    sync.add_argument("kinds", metavar="KIND", nargs="*", help="only these (default: all)")


def build_parser() -> _Parser:
    parser = _Parser(
        prog="csbot",
        description="csbot: customer-success health, alerts and logging in Slack.",
        epilog='try it without Slack:\n  csbot demo && csbot ask "/cs health Acme 30d"',
        formatter_class=_formatter,
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    _add_db(sub)
    _add_demo(sub)
    _add_run(sub)
    _add_recompute(sub)
    _add_alerts(sub)
    _add_audit(sub)
    _add_report(sub)
    _add_import(sub)
    _add_backtest(sub)
    _add_sync(sub)
    return parser


def _add_db(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`csbot db upgrade`."""
    db = sub.add_parser("db", help="manage the database schema", formatter_class=_formatter)
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION", parser_class=_Parser)
    db_sub.required = True
    _add(
        db_sub,
        "upgrade",
        _cmd_db_upgrade,
        "bring the database schema to the latest revision",
        "CSBOT_DATABASE_URL=postgresql://postgres@127.0.0.1/csbot csbot db upgrade",
    )


def _add_demo(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`csbot demo`."""
    demo = _add(
        sub,
        "demo",
        _cmd_demo,
        "load deterministic demo physician groups (replaces earlier demo data)",
        "csbot demo --groups 40 --days 400 --seed 7",
    )
    demo.add_argument("--groups", type=_positive, default=40, help="number of groups (default 40)")
    demo.add_argument("--days", type=_positive, default=400, help="days of history (default 400)")
    demo.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    demo.add_argument(
        "--history", type=_count, default=30, metavar="DAYS",
        help="days of daily snapshots before today: full 30-day trends (default 30; 0: none)",
    )  # fmt: skip
    demo.add_argument(
        "--renewal-history", type=_count, default=0, metavar="YEARS",
        help="also YEARS of past renewals with outcomes, and former groups that churned, for "
             "csbot backtest (default 0: none)",
    )  # fmt: skip


def _add_run(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`csbot run` and `csbot ask`."""
    run = _add(
        sub,
        "run",
        _cmd_run,
        "start the Slack app (Socket Mode with SLACK_APP_TOKEN, else HTTP with --http)",
        "SLACK_BOT_TOKEN=xoxb-... SLACK_SIGNING_SECRET=... csbot run --http --port 3000",
    )
    run.add_argument("--http", action="store_true", help="serve Slack's HTTP requests")
    run.add_argument("--port", type=_port, default=3000, help="HTTP port (default 3000)")
    run.add_argument("--host", default="0.0.0.0", help="HTTP bind address (default 0.0.0.0)")
    ask = _add(
        sub,
        "ask",
        _cmd_ask,
        "answer a /cs command in the terminal, as Slack would show it (no Slack needed)",
        'csbot ask "/cs health Acme 30d" --out ./charts',
    )
    ask.add_argument("text", help='the command, with or without "/cs", e.g. "health Acme 30d"')
    ask.add_argument("--json", action="store_true", help="print the Block Kit JSON instead")
    ask.add_argument(
        "--out", type=Path, default=Path("csbot-out"), help="where charts go (default ./csbot-out/)"
    )
    ask.add_argument("--date", type=_date, help="the day the window ends (default: today)")


def _add_recompute(sub: argparse._SubParsersAction[_Parser]) -> None:
    """`csbot recompute`."""
    recompute = _add(
        sub,
        "recompute",
        _cmd_recompute,
        "compute every group's health and churn risk for a day, store the snapshots, and alert "
        "on the last day's band crossings",
        "csbot recompute --from 2026-01-01 --to 2026-03-31 --window 30",
    )
    recompute.add_argument("--date", type=_date, help="day to compute (default: today)")
    recompute.add_argument("--from", dest="start", type=_date, help="first day of a range")
    recompute.add_argument("--to", dest="end", type=_date, help="last day of a range")
    recompute.add_argument(
        "--window", type=_window, default=None, help="window in days, 1-365 (default: config)"
    )
    recompute.add_argument(
        "--no-deliver", action="store_true", help="write alerts to the outbox, post nothing"
    )


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a date; use YYYY-MM-DD") from None


def _window(value: str) -> int:
    number = _positive(value.removesuffix("d"))
    if number > 365:
        raise argparse.ArgumentTypeError(f"{value!r} is longer than a year (at most 365 days)")
    return number


def _at_least(value: str, low: int) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number") from None
    if number < low:
        raise argparse.ArgumentTypeError(f"{value!r} must be at least {low}")
    return number


def _positive(value: str) -> int:
    return _at_least(value, 1)


def _count(value: str) -> int:
    return _at_least(value, 0)


def _port(value: str) -> int:
    number = _positive(value)
    if number > 65535:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port (1-65535)")
    return number


def _reader_gone() -> int:
    """stdout's reader stopped reading (`csbot ask ... | head`): end quietly, as `cat` or `seq`
    do, with the status of a process ended by SIGPIPE (128 + 13), and no traceback from
    Python flushing stdout again at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    os.close(devnull)
    return 128 + signal.SIGPIPE


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "handler", None) is None:
        parser.print_help()
        return 2
    try:
        settings = load_settings()
        level = "DEBUG" if args.verbose else settings.log_level
        configure_logging(level, secrets=secrets_of(settings))
        code = int(args.handler(args, settings))
        sys.stdout.flush()  # a reader gone (`| head`) shows here, not at interpreter exit
        return code
    except BrokenPipeError:
        return _reader_gone()
    except CsbotError as exc:
        print(f"csbot: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("csbot: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
