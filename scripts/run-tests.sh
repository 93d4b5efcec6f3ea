#!/usr/bin/env bash
# `npm test`: layer 1 (unit) and layer 2 (nodes and workflow JSON through WorkflowExecute), on Node 24, with a
# throwaway PostgreSQL so that the store conformance suite runs against both stores.
#
# PostgreSQL is always started here; if it cannot be, this script fails instead of letting the PostgreSQL half
# of the suite be skipped. OMS_REQUIRE_PG=1 tells the tests the same thing (a test that finds OMS_TEST_PG_URL
# unset while it is set must fail, not skip).
#
# Extra arguments go to jest. JEST_JSON_OUT=<file> also writes jest's JSON report there (used by .ci/run).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${RUN_TESTS_UNDER_NODE24:-}" != 1 ]; then
  RUN_TESTS_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

if [ -n "${OMS_TEST_PG_URL:-}" ]; then
  echo "run-tests: using the PostgreSQL given in OMS_TEST_PG_URL" >&2
else
  export OMS_PG_STATE_DIR="$root/.cache/pg-test-$$"
  trap 'bash "$root/scripts/pg.sh" stop || true; rm -rf "$OMS_PG_STATE_DIR"' EXIT
  trap 'exit 130' INT TERM
  bash "$root/scripts/pg.sh" start >/dev/null
  OMS_TEST_PG_URL="$(cat "$OMS_PG_STATE_DIR/url")"
  export OMS_TEST_PG_URL
fi
export OMS_REQUIRE_PG=1

json_args=()
if [ -n "${JEST_JSON_OUT:-}" ]; then
  mkdir -p "$(dirname "$JEST_JSON_OUT")"
  json_args=(--json "--outputFile=$JEST_JSON_OUT")
fi

echo "run-tests: node $(node -v), jest projects unit and nodes" >&2
set +e
# the paths and flags first: --selectProjects takes every word after it as a project name
npx jest "${json_args[@]}" "$@" --selectProjects unit nodes
code=$?
set -e
exit "$code"
