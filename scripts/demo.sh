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
# Demo groups, 30 days of daily snapshots (full trends from the first card) and today's run.
.venv/bin/csbot demo
if [ -n "${SLACK_BOT_TOKEN:-}" ]; then
  .venv/bin/csbot deliver  # today's alerts, from the outbox to their channels
  exec .venv/bin/csbot run "$@"
fi
.venv/bin/csbot ask "/cs health Acme 30d"
cat <<'EOF'

That was csbot answering in the terminal. To answer in Slack, create the app from
manifest.yml (README, "Connect Slack"), then run scripts/demo.sh again with SLACK_BOT_TOKEN
and SLACK_APP_TOKEN (Socket Mode), or SLACK_SIGNING_SECRET and --http --port 3000.
More to try:  .venv/bin/csbot ask "/cs churn Acme"    .venv/bin/csbot ask "/cs list"
EOF
