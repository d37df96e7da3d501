#!/usr/bin/env bash
# Set up a virtual environment with the dev dependencies, check lint, format and types, then run
# the whole test suite. Extra arguments go to pytest, e.g. scripts/test.sh -k health -x
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
exec .venv/bin/python -m pytest "$@"
