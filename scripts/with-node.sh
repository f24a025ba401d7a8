#!/usr/bin/env bash
# Runs a command under another Node major (22 or 24, say), installed from the npm
# registry's `node` package into a project-local cache (.assay/node/MAJOR), with
# no system change: `scripts/with-node.sh 24 npm ci && scripts/with-node.sh 24 npm test`.
# The first call for a major installs it (a few seconds); later calls reuse it.
set -euo pipefail
major="${1:?usage: scripts/with-node.sh MAJOR COMMAND...}"
shift
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="$root/.assay/node/$major"
bin="$dir/node_modules/node/bin"
if [ ! -x "$bin/node" ]; then
  mkdir -p "$dir"
  echo '{"private":true}' > "$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --no-save --silent "node@$major" >&2
fi
export PATH="$bin:$PATH"
# the package ships that Node's headers: native modules built from source
# (node-gyp) compile against them, with no download
headers="$(ls -d "$dir"/node_modules/node/node_modules/node-*/include/node 2>/dev/null | head -n 1 || true)"
if [ -n "$headers" ]; then export npm_config_nodedir="${headers%/include/node}"; fi
exec "$@"
