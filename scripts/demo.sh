#!/usr/bin/env bash
# Set up a virtual environment, load the demo physician groups into SQLite and run csbot.
# With Slack credentials in the environment (see README) it starts the Slack app;
# without them it answers one command in the terminal and says how to connect Slack.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e .
.venv/bin/csbot demo
# Score the last 90 days too, so trend charts have history from the first card on.
from=$(.venv/bin/python -c 'import datetime as d; print(d.date.today() - d.timedelta(days=89))')
.venv/bin/csbot recompute --from "$from" --to "$(.venv/bin/python -c 'import datetime as d; print(d.date.today())')"
if [ -n "${SLACK_BOT_TOKEN:-}" ]; then
  exec .venv/bin/csbot run "$@"
fi
if .venv/bin/csbot --help | grep -q " ask "; then
  .venv/bin/csbot ask "/cs health Acme 30d"
fi
exec .venv/bin/csbot run "$@"
