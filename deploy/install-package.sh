#!/bin/sh
# Installs n8n-nodes-oms-wms into an n8n user folder's community-nodes folder the way n8n's own installer does
# (n8n 2.41, CommunityPackagesService.downloadPackage), so that it works the same before the package is on the npm
# registry (from a tarball of a build) and after (from the registry):
#
#   sh deploy/install-package.sh ./n8n-nodes-oms-wms-0.1.0.tgz            # a tarball made by `npm pack`
#   sh deploy/install-package.sh n8n-nodes-oms-wms@0.1.0                  # once it is published
#   sh deploy/install-package.sh ./n8n-nodes-oms-wms-0.1.0.tgz /data/.n8n # another n8n folder (default ~/.n8n)
#
# Then restart n8n. What it runs, step by step (the same as n8n's installer):
#   1. creates <n8n folder>/nodes with the package.json n8n keeps there ({"name": "installed-nodes", ...}) if missing;
#   2. for a registry spec, `npm pack <spec>` in that folder (downloads the tarball);
#   3. unpacks the tarball into <n8n folder>/nodes/node_modules/<package name>, replacing an earlier version;
#   4. removes devDependencies, peerDependencies and optionalDependencies from the unpacked package.json, so that
#      npm does not install n8n-workflow (n8n provides it) and the native modules it would pull in;
#   5. `npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true
#      --package-lock=false` inside the package folder: its runtime dependencies, no install scripts run;
#   6. records the version in <n8n folder>/nodes/package.json.
# Needs sh, tar, node and npm (all in n8n's Docker image and wherever n8n runs).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 <package tarball | registry spec, e.g. n8n-nodes-oms-wms@0.1.0> [n8n folder, default \$N8N_USER_FOLDER/.n8n or ~/.n8n]" >&2
  exit 2
fi
source_arg=$1
if [ $# -eq 2 ]; then
  n8n_folder=$2
elif [ -n "${N8N_USER_FOLDER:-}" ]; then
  n8n_folder=$N8N_USER_FOLDER/.n8n
else
  n8n_folder=$HOME/.n8n
fi
nodes_dir=$n8n_folder/nodes

mkdir -p "$nodes_dir/node_modules"
nodes_dir=$(cd "$nodes_dir" && pwd)
if [ ! -f "$nodes_dir/package.json" ]; then
  printf '%s\n' '{' '  "name": "installed-nodes",' '  "private": true,' '  "dependencies": {}' '}' > "$nodes_dir/package.json"
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/oms-wms-install.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

if [ -f "$source_arg" ]; then
  tarball=$(cd "$(dirname "$source_arg")" && pwd)/$(basename "$source_arg")
else
  # a registry spec: download its tarball as n8n does (`npm pack` in the nodes folder, here in a scratch folder)
  name_out=$(cd "$work" && npm pack "$source_arg" --quiet)
  tarball=$work/$(printf '%s\n' "$name_out" | tail -n 1)
fi

mkdir "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked"
# npm tarballs hold everything under package/
package_json=$work/unpacked/package/package.json
if [ ! -f "$package_json" ]; then
  echo "install-package: $tarball is not an npm package tarball (no package/package.json)" >&2
  exit 1
fi
name=$(node -p 'require(process.argv[1]).name' "$package_json")
version=$(node -p 'require(process.argv[1]).version' "$package_json")
case "$name" in
  n8n-nodes-*|@*/n8n-nodes-*) ;;
  *) echo "install-package: $name is not an n8n community package (n8n loads only n8n-nodes-* from its nodes folder)" >&2; exit 1 ;;
esac

# n8n installs without these: n8n itself provides n8n-workflow, and nothing optional or for development is needed
node -e '
const fs = require("fs");
const file = process.argv[1];
const { devDependencies, peerDependencies, optionalDependencies, ...pkg } = JSON.parse(fs.readFileSync(file, "utf8"));
fs.writeFileSync(file, JSON.stringify(pkg, null, 2));
' "$package_json"

(cd "$work/unpacked/package" && npm install --audit=false --fund=false --bin-links=false --install-strategy=shallow --ignore-scripts=true --package-lock=false --loglevel=error)

target=$nodes_dir/node_modules/$name
mkdir -p "$(dirname "$target")"
rm -rf "$target"
mv "$work/unpacked/package" "$target"

node -e '
const fs = require("fs");
const [file, name, version] = process.argv.slice(1);
const ledger = JSON.parse(fs.readFileSync(file, "utf8"));
ledger.dependencies = { ...(ledger.dependencies || {}), [name]: version };
fs.writeFileSync(file, JSON.stringify(ledger, null, 2));
' "$nodes_dir/package.json" "$name" "$version"

echo "installed $name@$version into $target"
echo "its workflow templates: $target/workflows"
echo "restart n8n to load it"
