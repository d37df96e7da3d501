#!/usr/bin/env bash
# Mutation testing: would the tests notice a change? mutmut mutates PATH (a file or folder under
# csbot/, default csbot/scoring) one small change at a time, runs the test suites that cover it
# and prints per file how many mutants the tests killed and which survived.
#
#   scripts/mutation.sh csbot/commands/grammar.py
#   MUTATION_TESTS="tests/unit/commands" scripts/mutation.sh csbot/commands/card.py
#   scripts/mutation.sh --survivors csbot/commands/grammar.py   # retest only the last survivors
#   MUTATION_DIFFS=1 scripts/mutation.sh --report csbot/commands/grammar.py  # the last run's
#                                                  figures and survivors, each with its change
#   MUTATION_ONLY="csbot.alerts.jobs.x_run_da*" scripts/mutation.sh csbot/alerts/jobs.py
#                                   # only the mutants of these functions (mutmut's names, globs)
#
# Slow (minutes to an hour per module), so not part of CI. Each PATH gets its own work folder
# under .mutation/ (mutmut copies the project into its mutants/ there) and each run starts
# afresh, except with --survivors. MUTATION_JOBS (default 2) caps the parallel test processes;
# MUTATION_DIFFS=1 prints each survivor's change. Property tests try at most MUTATION_EXAMPLES
# (default 10) generated cases per mutant (tests/examples.py), or a scoring run takes hours.
# With CSBOT_TEST_POSTGRES_URL set the store tests run on PostgreSQL too (SKIP LOCKED, ON
# CONFLICT, row order), as in scripts/test.sh; that doubles their time.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SURVIVORS_ONLY=
REPORT_ONLY=
case "${1:-}" in
  --survivors) SURVIVORS_ONLY=1; shift ;;
  --report) REPORT_ONLY=1; shift ;;
esac
TARGET="${1:-csbot/scoring}"
TARGET="${TARGET%/}"
[ -e "$TARGET" ] || { echo "no such file or folder: $TARGET" >&2; exit 2; }

# The suites that exercise each part (the first matching prefix wins); MUTATION_TESTS overrides.
tests_for() {
  case "$1" in
    csbot/scoring/batch/stored.py)
      echo "tests/unit/scoring/test_batch_stored.py tests/integration/test_snapshot_write.py" ;;
    csbot/scoring*) echo "tests/unit/scoring tests/unit/commands/panels tests/unit/alerts" ;;
    csbot/commands/grammar.py)
      echo "tests/unit/commands/test_grammar.py tests/unit/exports/test_export_csv.py" ;;
    csbot/slack/matching.py)
      echo "tests/unit/slack/test_matching.py tests/integration/test_groups_store.py" ;;
    csbot/webhooks.py)
      echo "tests/integration/test_webhooks.py tests/e2e/test_webhook_route.py" \
        "tests/unit/test_request_signing.py" ;;
    csbot/signing.py | csbot/slack/endpoint.py)
      echo "tests/unit/test_request_signing.py tests/unit/slack/test_slack_http.py" \
        "tests/unit/test_signing.py tests/e2e/test_edge.py" \
        "tests/e2e/test_malformed.py tests/integration/test_webhooks.py" ;;
    csbot/alerts/crossing.py) echo "tests/unit/alerts tests/integration/test_alerts.py" ;;
    csbot/store/snapshots.py)
      echo "tests/integration/test_previous_bands.py tests/integration/test_recompute.py" \
        "tests/integration/test_panel_data.py tests/unit/alerts/test_alert_crossing.py" ;;
    csbot/store/snapshot_write.py)
      echo "tests/integration/test_snapshot_write.py tests/integration/test_recompute.py" \
        "tests/integration/test_demo_history.py" ;;
    csbot/store/recompute.py | csbot/store/batch_loading.py)
      echo "tests/integration/test_recompute.py tests/integration/test_recompute_parallel.py" \
        "tests/integration/test_recompute_demo.py tests/integration/test_previous_bands.py" \
        "tests/integration/test_statistics.py tests/integration/test_recompute_result.py" ;;
    csbot/store/ingest/pipeline.py)
      echo "tests/integration/test_import.py tests/integration/test_import_fast.py" \
        "tests/integration/test_import_writer.py tests/unit/store/test_ingest_records.py" \
        "tests/integration/test_outcomes_import.py tests/integration/test_sync.py" \
        "tests/integration/test_webhooks.py" ;;
    csbot/store/db.py)
      echo "tests/integration/test_bulk_load_journal.py tests/integration/test_sqlite_locking.py" \
        "tests/integration/test_store_schema.py tests/integration/test_cli_errors.py" \
        "tests/integration/test_migrations.py tests/unit/store/test_database_url.py" ;;
    csbot/store/outbox.py | csbot/alerts*)
      echo "tests/integration/test_outbox.py tests/unit/alerts tests/integration/test_alerts.py" \
        "tests/integration/test_alert_scheduler.py" \
        "tests/integration/test_audit.py tests/e2e/test_alerts_delivery.py" \
        "tests/e2e/test_alert_buttons.py tests/e2e/test_alert_roles.py" ;;
    csbot/commands* | csbot/slack* | csbot/home* | csbot/modals* | csbot/exports*)
      room="${1#csbot/}"; echo "tests/unit/${room%%/*}" ;;
    *) echo "tests/unit" ;;
  esac
}
TESTS="${MUTATION_TESTS:-$(tests_for "$TARGET")}"

if [ ! -x .venv/bin/mutmut ]; then
  [ -x .venv/bin/python ] || python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
fi

WORK=".mutation/$(echo "$TARGET" | tr '/' '-')"
mkdir -p "$WORK"
# The checkout as the tests see it (examples/, manifest.yml, ...); mutmut copies it to mutants/.
mapfile -t TOP < <(git ls-files | cut -d/ -f1 | sort -u | grep -vx 'pyproject.toml')
for entry in "${TOP[@]}"; do ln -sfn "$ROOT/$entry" "$WORK/$entry"; done
# --report only reads the last run: its configuration (the suites it ran) stays as it was.
[ -n "$REPORT_ONLY" ] || {
  cat pyproject.toml
  echo
  echo "[tool.mutmut]"
  echo 'source_paths = ["csbot"]'
  printf 'also_copy = ['
  for entry in "${TOP[@]}"; do [ "$entry" = csbot ] || printf '"%s", ' "$entry"; done
  echo ']'
  if [ -d "$TARGET" ]; then echo "only_mutate = [\"$TARGET/*\"]"; else echo "only_mutate = [\"$TARGET\"]"; fi
  printf 'pytest_add_cli_args_test_selection = ['
  printf '"%s", ' $TESTS
  echo ']'
  echo 'pytest_add_cli_args = ["-p", "no:cacheprovider", "-q", "--snapshot-warn-unused"]'
} >"$WORK/pyproject.toml"

export CSBOT_TEST_EXAMPLES="${MUTATION_EXAMPLES:-10}"
[ -n "$REPORT_ONLY" ] || echo "mutating $TARGET; tests: $TESTS"
cd "$WORK"
MUTMUT=("$ROOT/.venv/bin/mutmut")
report() { "$ROOT/.venv/bin/python" "$ROOT/scripts/mutation_report.py" "$TARGET" "$@"; }
show_survivors() {
  [ -n "${MUTATION_DIFFS:-}" ] || return 0
  for name in $(report --names); do
    echo "--- $name"
    "${MUTMUT[@]}" show "$name" 2>/dev/null | grep '^[-+][^-+]' || true
  done
}
if [ -n "$REPORT_ONLY" ]; then
  [ -d mutants ] || { echo "no run of $TARGET yet" >&2; exit 2; }
  sed -n 's/^pytest_add_cli_args_test_selection = \[\(.*\), \]$/tests: \1/p' pyproject.toml | tr -d '"'
  report
  show_survivors
  exit 0
fi
if [ -n "$SURVIVORS_ONLY" ] && [ -d mutants ]; then
  mapfile -t AGAIN < <(report --names)
  [ ${#AGAIN[@]} -gt 0 ] || { report; exit 0; }
else
  read -r -a AGAIN <<<"${MUTATION_ONLY:-}"
  rm -rf mutants
fi
"${MUTMUT[@]}" run --max-children "${MUTATION_JOBS:-2}" "${AGAIN[@]}" \
  >mutmut.log 2>&1 || { tail -n 30 mutmut.log >&2; exit 1; }
report
show_survivors
