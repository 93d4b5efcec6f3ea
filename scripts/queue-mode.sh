#!/usr/bin/env bash
# `bash scripts/queue-mode.sh`: n8n in queue mode on loopback (PostgreSQL, Redis, main, one webhook processor, two
# workers) with this package on every process and every template published; see scripts/queue-mode.ts and
# docs/operations.md#queue-mode. Installs redis-server (Debian) and PostgreSQL when missing and run as root;
# fetches Node 24 and n8n into .cache/ the first time. Stays up until Ctrl-C. QUEUE_WORKERS sets the worker count.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${QUEUE_MODE_UNDER_NODE24:-}" != 1 ]; then
  QUEUE_MODE_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh")"
export N8N_BIN
if [ "${QUEUE_MODE_SKIP_BUILD:-}" != 1 ]; then
  echo "queue-mode: building the package" >&2
  npm run --silent build >&2
fi
exec node -r ts-node/register/transpile-only "$root/scripts/queue-mode.ts" "$@"
