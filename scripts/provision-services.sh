#!/usr/bin/env bash
# Makes PostgreSQL and Redis available for the queue-mode suite (test/e2e-queue/): installs
# Debian's packages only when their binaries are missing, and the `postgres` user that
# initdb and the server run as (they refuse root). Nothing is started here; the harness
# (dev/n8n/services.ts) runs its own servers on free ports with throw-away data.
# Prints `PG_BIN=<folder>` and `REDIS_SERVER=<file>` on stdout; everything else goes to stderr.
set -euo pipefail

log() { echo "[provision-services] $*" >&2; }

# Debian keeps PostgreSQL's server binaries out of the PATH, one folder per major version.
find_pg_bin() {
  local dir
  if command -v initdb >/dev/null && command -v pg_ctl >/dev/null && command -v postgres >/dev/null; then
    dirname "$(readlink -f "$(command -v initdb)")"
    return
  fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/postgres" ]; then echo "$dir"; return; fi
  done
}

find_redis() {
  command -v redis-server || { [ -x /usr/bin/redis-server ] && echo /usr/bin/redis-server; } || true
}

# One installer at a time (a second terminal, or jest and the bench at once).
exec 9>"${TMPDIR:-/tmp}/n8n-nodes-heygen-services.lock"
flock 9

# shellcheck source=scripts/as-root.sh
source "$(dirname "$0")/as-root.sh"

missing=()
[ -n "$(find_pg_bin)" ] || missing+=(postgresql)
[ -n "$(find_redis)" ] || missing+=(redis-server)

if [ "${#missing[@]}" -gt 0 ]; then
  log "installing ${missing[*]} from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi

if ! id postgres >/dev/null 2>&1; then
  log "creating the postgres user"
  as_root useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/sh postgres
fi

pg_bin="$(find_pg_bin)"
redis="$(find_redis)"
[ -n "$pg_bin" ] || { log "PostgreSQL binaries not found after installing"; exit 1; }
[ -n "$redis" ] || { log "redis-server not found after installing"; exit 1; }
log "PostgreSQL: $("$pg_bin/postgres" --version) in $pg_bin"
log "Redis: $("$redis" --version | cut -d' ' -f1-3) at $redis"
echo "PG_BIN=$pg_bin"
echo "REDIS_SERVER=$redis"
