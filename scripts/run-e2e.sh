#!/usr/bin/env bash
# `npm run test:e2e`: layer 3, a real n8n 2.x with this package loaded (test/e2e). On Node 24; n8n is installed
# once into .cache/ by scripts/ensure-n8n.sh; the package is built first because n8n loads dist/; a throwaway
# PostgreSQL (scripts/pg.sh) backs the test that selects the PostgreSQL store through the credential.
#
# Extra arguments go to jest. JEST_JSON_OUT=<file> also writes jest's JSON report there (used by .ci/run).
# Logs of every n8n started by the tests are left in artifacts/e2e/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${RUN_E2E_UNDER_NODE24:-}" != 1 ]; then
  RUN_E2E_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

start=$(date +%s)
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh")"
export N8N_BIN
echo "run-e2e: n8n $("$N8N_BIN" --version 2>/dev/null | tail -1) at $N8N_BIN (ready after $(( $(date +%s) - start ))s)" >&2

# PostgreSQL for the test that runs the nodes on a PostgreSQL OMS Store credential (as queue mode would).
if [ -n "${OMS_TEST_PG_URL:-}" ]; then
  echo "run-e2e: using the PostgreSQL given in OMS_TEST_PG_URL" >&2
else
  export OMS_PG_STATE_DIR="$root/.cache/pg-e2e-$$"
  trap 'bash "$root/scripts/pg.sh" stop || true; rm -rf "$OMS_PG_STATE_DIR"' EXIT
  trap 'exit 130' INT TERM
  bash "$root/scripts/pg.sh" start >/dev/null
  OMS_TEST_PG_URL="$(cat "$OMS_PG_STATE_DIR/url")"
  export OMS_TEST_PG_URL
fi

echo "run-e2e: building the package" >&2
npm run --silent build >&2

mkdir -p "$root/artifacts/e2e"
json_args=()
if [ -n "${JEST_JSON_OUT:-}" ]; then
  mkdir -p "$(dirname "$JEST_JSON_OUT")"
  json_args=(--json "--outputFile=$JEST_JSON_OUT")
fi

echo "run-e2e: node $(node -v), jest project e2e" >&2
set +e
# Two files at a time (E2E_WORKERS): most of an e2e file's time is spent waiting for n8n's minute polls and schedules,
# not computing, so two n8n instances side by side roughly halve the run on 2 cores. Each file starts its own n8n, task
# broker and sandboxes on free ports and its own SQLite store; the tests wait on conditions with deadlines, never on
# durations, so sharing the machine makes them slower, not wrong. E2E_WORKERS=1 runs them one after another.
npx jest --selectProjects e2e --maxWorkers="${E2E_WORKERS:-2}" "${json_args[@]}" "$@"
code=$?
set -e
echo "run-e2e: done in $(( $(date +%s) - start ))s; n8n logs in artifacts/e2e/" >&2
exit "$code"
