#!/usr/bin/env bash
# `npm run bench:e2e` (bench/e2e/run.ts): OMS orders per second in a real n8n, single process on SQLite and queue mode
# on PostgreSQL, beside n8n's own webhook-to-respond ceiling, with latencies and quantity propagation. On Node 24,
# n8n from .cache/ (scripts/ensure-n8n.sh), the package built first. Prints figures; asserts none.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
if [ "${BENCH_E2E_UNDER_NODE24:-}" != 1 ]; then
  BENCH_E2E_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh")"
export N8N_BIN
npm run --silent build >&2
exec node -r ts-node/register/transpile-only "$root/bench/e2e/run.ts" "$@"
