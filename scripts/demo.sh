#!/usr/bin/env bash
# `npm run demo`: the whole OMS-to-WMS flow in a real n8n against the local sandboxes (see scripts/demo.ts and
# docs/templates.md). Fetches Node 24 and n8n 2.41 into .cache/ the first time (later runs reuse them), builds the
# package (n8n loads dist/), then runs the orchestrator. n8n stays up until Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

if [ "${DEMO_UNDER_NODE24:-}" != 1 ]; then
  DEMO_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

echo "demo: making sure n8n is installed (cached in .cache/; the first time takes several minutes)" >&2
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh")"
export N8N_BIN
echo "demo: building the package" >&2
npm run --silent build >&2
echo "demo: node $(node -v), n8n at $N8N_BIN" >&2
exec node -r ts-node/register/transpile-only "$root/scripts/demo.ts" "$@"
