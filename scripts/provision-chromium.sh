#!/usr/bin/env bash
# Makes a Chromium available for the editor test (npm run test:ui). HEYGEN_CHROMIUM, when set,
# names the browser to use (CI on GitHub's Ubuntu runners, which have no Debian `chromium`, sets
# it to playwright-core's own Chromium). Otherwise Debian's: installs the `chromium` package with
# apt-get only when no Chromium binary is found; no browser download from anywhere else
# (playwright-core drives this binary). Prints `CHROMIUM=<file>` on stdout; everything else goes
# to stderr.
set -euo pipefail

log() { echo "[provision-chromium] $*" >&2; }

if [ -n "${HEYGEN_CHROMIUM:-}" ]; then
  if [ ! -x "$HEYGEN_CHROMIUM" ]; then
    log "HEYGEN_CHROMIUM=$HEYGEN_CHROMIUM is not an executable file"
    exit 1
  fi
  log "using HEYGEN_CHROMIUM"
  echo "CHROMIUM=$HEYGEN_CHROMIUM"
  exit 0
fi

find_chromium() {
  command -v chromium || command -v chromium-browser || { [ -x /usr/bin/chromium ] && echo /usr/bin/chromium; } || true
}

# One installer at a time (two test runs starting together).
exec 9>"${TMPDIR:-/tmp}/n8n-nodes-heygen-chromium.lock"
flock 9

# shellcheck source=scripts/as-root.sh
source "$(dirname "$0")/as-root.sh"

if [ -z "$(find_chromium)" ]; then
  log "installing chromium from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium >&2
fi

chromium="$(find_chromium)"
if [ -z "$chromium" ]; then
  log "chromium is still missing after apt-get install"
  exit 1
fi
echo "CHROMIUM=$chromium"
