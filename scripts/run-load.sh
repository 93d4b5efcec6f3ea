#!/usr/bin/env bash
# `npm run test:load`: the pack in n8n queue mode (scripts/queue-mode.ts: PostgreSQL, Redis, main, a webhook
# processor, two workers) under a burst of 2,000 orders with faults (test/load). On Node 24; n8n is installed once
# into .cache/ by scripts/ensure-n8n.sh; the package is built first because n8n loads dist/. Each test starts its
# own PostgreSQL and Redis and stops them. redis-server comes from Debian (installed when missing and run as root).
#
# Extra arguments go to jest. JEST_JSON_OUT=<file> also writes jest's JSON report there (used by .ci/run).
# LOAD_SCALE (a fraction, e.g. 0.2) makes the burst smaller while developing. Logs in artifacts/queue/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${RUN_LOAD_UNDER_NODE24:-}" != 1 ]; then
  RUN_LOAD_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

start=$(date +%s)
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh")"
export N8N_BIN
if ! command -v redis-server >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "run-load: installing redis-server from Debian" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2 || {
    DEBIAN_FRONTEND=noninteractive apt-get update >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redis-server >&2; }
fi

echo "run-load: building the package" >&2
npm run --silent build >&2

json_args=()
if [ -n "${JEST_JSON_OUT:-}" ]; then
  mkdir -p "$(dirname "$JEST_JSON_OUT")"
  json_args=(--json "--outputFile=$JEST_JSON_OUT")
fi

echo "run-load: node $(node -v), jest project load" >&2
set +e
npx jest --selectProjects load --runInBand "${json_args[@]}" "$@"
code=$?
set -e
echo "run-load: done in $(( $(date +%s) - start ))s; logs in artifacts/queue/" >&2
exit "$code"
