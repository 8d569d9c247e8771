#!/usr/bin/env bash
# Make a PostgreSQL server with trust auth reachable for the tests and print
# its URL. Order: the machine's server on 127.0.0.1:5432; start that cluster
# if it is stopped; otherwise install PostgreSQL and run a private cluster on
# 127.0.0.1:55432 under target/.
set -euo pipefail
cd "$(dirname "$0")/.."
URL="postgres://postgres@127.0.0.1:5432/postgres"
ok() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }
have_psql() { command -v psql >/dev/null 2>&1; }
SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"

# GREMIUM_PG_PRIVATE=1 skips the machine's server (to test the fallback)
if [ "${GREMIUM_PG_PRIVATE:-0}" != 1 ]; then
if have_psql && ok "$URL"; then echo "$URL"; exit 0; fi
if [ -d /etc/postgresql ] && command -v pg_ctlcluster >/dev/null 2>&1; then
  for v in $(ls /etc/postgresql); do
    $SUDO pg_ctlcluster --skip-systemctl-redirect "$v" main start >/dev/null 2>&1 || true
  done
  for _ in $(seq 1 20); do have_psql && ok "$URL" && { echo "$URL"; exit 0; }; sleep 0.5; done
fi
fi

# private cluster
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "ensure-postgres: installing postgresql" >&2
  $SUDO apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq postgresql >&2
fi
BIN=$(dirname "$(ls -d /usr/lib/postgresql/*/bin/initdb | sort -V | tail -1)")
PORT=55432
URL="postgres://postgres@127.0.0.1:$PORT/postgres"
if have_psql && ok "$URL"; then echo "$URL"; exit 0; fi
DATA=/tmp/gremium-pgdata
SOCK=/tmp/gremium-pgsock
RUNAS=()
if [ "$(id -u)" -eq 0 ]; then RUNAS=(runuser -u postgres --); fi
if [ ! -f "$DATA/PG_VERSION" ]; then
  rm -rf "$DATA"; mkdir -p "$DATA" "$SOCK"
  [ "$(id -u)" -eq 0 ] && chown postgres "$DATA" "$SOCK"
  "${RUNAS[@]}" "$BIN/initdb" -A trust -U postgres -D "$DATA" >&2
fi
mkdir -p "$SOCK"; [ "$(id -u)" -eq 0 ] && chown postgres "$SOCK"
"${RUNAS[@]}" "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
  -o "-p $PORT -k $SOCK -c listen_addresses=127.0.0.1 -c fsync=off" start >&2
ok "$URL" || { echo "ensure-postgres: PostgreSQL not reachable" >&2; exit 1; }
echo "$URL"
