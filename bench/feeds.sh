#!/usr/bin/env bash
# Uncached committee feed: requests/s for /gremien/{id}/kalender.ics with
# 124 events, page cache off (GREMIUM_PAGE_CACHE=false), SQLite, release.
# The generated city (scale 1) has at most ~12 meetings per committee in the
# feed window, so in a copy of its database the meetings of other
# committees of that city (with their agenda items) are moved to one
# committee until its feed holds 124 events.
#
#   bench/feeds.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
CONNS=${2:-16}
PORT=18081
OUT=bench/results
mkdir -p "$OUT"
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-target}/release/gremium
DB="$OUT/feeds.sqlite"
if [ ! -f "$DB" ]; then
  DATABASE_URL="sqlite://$DB" "$BIN" demo --scale 1 >/dev/null
fi
read -r COMMITTEE EVENTS < <(python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
window = "m.start_at >= datetime('now', '-400 days') and m.deleted_at is null"
body = c.execute("select id from bodies where key='grossstadt-1'").fetchone()[0]
o = c.execute("select id from organizations where body_id=? and kind='ausschuss' order by id limit 1", (body,)).fetchone()[0]
have = c.execute(f"select count(*) from meetings m where m.organization_id=? and {window}", (o,)).fetchone()[0]
if have < 124:
    move = [r[0] for r in c.execute(f"""select m.id from meetings m where m.body_id=? and m.organization_id<>? and {window}
        and m.id not in (select meeting_id from meeting_organizations) order by m.start_at, m.id limit ?""", (body, o, 124 - have))]
    c.executemany("update meetings set organization_id=? where id=?", [(o, i) for i in move])
    c.commit()
n = c.execute(f"select count(*) from meetings m where m.organization_id=? and {window}", (o,)).fetchone()[0]
print(o, n)
PY
)
PID=""
trap '[ -n "$PID" ] && kill $PID 2>/dev/null || true' EXIT
FEED="/gremien/$COMMITTEE/kalender.ics"
start() { # $1: feed memo on (true) or off (false)
  GREMIUM_FEED_MEMO=$1 GREMIUM_PAGE_CACHE=false DATABASE_URL="sqlite://$DB" "$BIN" serve --bind 127.0.0.1:$PORT >"$OUT/feeds-server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
}
stop() { kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; PID=""; }
run() {
  local name=$1; shift
  local r
  r=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "$@" "http://127.0.0.1:$PORT$FEED")
  echo "| $name | $(echo "$r" | awk '/Requests\/sec/ {print $2}') | $(echo "$r" | awk '$1=="50%" {print $2}') | $(echo "$r" | awk '$1=="99%" {print $2}') |"
}
start true
curl -fs "http://127.0.0.1:$PORT$FEED" -o "$OUT/feed.ics"
echo "committee $COMMITTEE: $(grep -c '^BEGIN:VEVENT' "$OUT/feed.ics") events, $(wc -c <"$OUT/feed.ics") bytes"
ETAG=$(curl -fsI "http://127.0.0.1:$PORT$FEED" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ), wrk -t2 -c$CONNS -d${DURATION}s, SQLite, page cache off, release build, $(nproc) cores"
  echo
  echo "| Committee feed, $EVENTS events, page cache off | Requests/s | p50 | p99 |"
  echo "|---|---|---|---|"
  run "200"
  run "304 (If-None-Match)" -H "If-None-Match: $ETAG"
  run "200, gzip" -H "Accept-Encoding: gzip"
  stop
  start false
  curl -fs "http://127.0.0.1:$PORT$FEED" -o "$OUT/feed-built.ics"
  cmp -s "$OUT/feed.ics" "$OUT/feed-built.ics" || echo "WARNING: feed with and without memo differ"
  run "200, feed memo off (every event built)"
  stop
} | tee "$OUT/feeds-latest.md"
