#!/usr/bin/env bash
# Load benchmark of the public portal on SQLite with `gremium demo --scale 1`.
# Measures requests/s and p50/p99 latency (wrk) for the meeting, paper and
# committee pages, plus the server's peak RSS. Prints a Markdown table and
# writes it to bench/results/latest.md.
#
#   bench/run.sh [DURATION_SECONDS] [CONNECTIONS]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20}
CONNS=${2:-16}
PORT=18080
OUT=bench/results
mkdir -p "$OUT"
scripts/setup.sh
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk
fi
cargo build --release --locked -q
BIN=${CARGO_TARGET_DIR:-target}/release/gremium
DB="$OUT/bench.sqlite"
export DATABASE_URL="sqlite://$DB"
if [ ! -f "$DB" ]; then
  echo "== generating scale 1"
  /usr/bin/time -f "generate: %e s, peak RSS %M KB" "$BIN" demo --scale 1
fi
start_server() {
  GREMIUM_PAGE_CACHE=$1 "$BIN" serve --bind 127.0.0.1:$PORT >"$OUT/server.log" 2>&1 &
  PID=$!
  for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
}
PID=""
trap 'pkill -f "gremium serve --bind 127.0.0.1:$PORT" 2>/dev/null || true' EXIT

read -r MEETING PAPER COMMITTEE ITEMS < <(python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
body = c.execute("select id from bodies where key='grossstadt-1'").fetchone()[0]
m, n = c.execute("""select a.meeting_id, count(*) from agenda_items a join meetings m on m.id=a.meeting_id
  where m.body_id=? and a.public group by a.meeting_id order by count(*) desc, a.meeting_id limit 1 offset 40""", (body,)).fetchone()
p = c.execute("""select paper_id from consultations c join papers p on p.id=c.paper_id where p.body_id=? and p.public
  group by paper_id order by count(*) desc, paper_id limit 1""", (body,)).fetchone()[0]
o = c.execute("select id from organizations where body_id=? and kind='ausschuss' order by id limit 1", (body,)).fetchone()[0]
print(m, p, o, n)
PY
)
echo "meeting $MEETING ($ITEMS public TOPs), paper $PAPER, committee $COMMITTEE"
# a person feed with about 50 events (committee feeds hold ~12 in the window)
read -r PERSON EVENTS < <(python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
print(*c.execute("""select ms.person_id, count(distinct m.id) n from memberships ms
  join meetings m on m.organization_id = ms.organization_id
  where m.start_at >= datetime('now', '-400 days') and m.deleted_at is null and ms.end_date is null
  group by ms.person_id having n >= 50 order by n, ms.person_id limit 1""").fetchone())
PY
)
echo "person $PERSON ($EVENTS events in the feed window)"

run() {
  local name=$1 path=$2 header=${3:-}
  curl -fs -o /dev/null "http://127.0.0.1:$PORT$path"
  local r
  if [ -n "$header" ]; then
    r=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency -H "$header" "http://127.0.0.1:$PORT$path")
  else
    r=$(wrk -t2 -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT$path")
  fi
  local rps p50 p99
  rps=$(echo "$r" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$r" | awk '$1=="50%" {print $2}')
  p99=$(echo "$r" | awk '$1=="99%" {print $2}')
  echo "| $name | \`$path\` | $rps | $p50 | $p99 |"
}

{
  echo "Run $(date -u +%Y-%m-%dT%H:%MZ), wrk -t2 -c$CONNS -d${DURATION}s, SQLite, scale 1, release build, $(nproc) cores"
  for mode in true false; do
    start_server $mode
    echo
    if [ $mode = true ]; then echo "Page cache on (default):"; else echo "Page cache off (every request queries and renders):"; fi
    echo
    echo "| Page | Path | Requests/s | p50 | p99 |"
    echo "|---|---|---|---|---|"
    run "Meeting page ($ITEMS public TOPs)" "/sitzungen/$MEETING"
    run "Paper page" "/vorlagen/$PAPER"
    run "Committee page" "/gremien/$COMMITTEE"
    FEED="/personen/$PERSON/kalender.ics"
    ETAG=$(curl -fsI "http://127.0.0.1:$PORT$FEED" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
    run "Person feed ($EVENTS events), 200" "$FEED"
    run "Person feed ($EVENTS events), 304" "$FEED" "If-None-Match: $ETAG"
    run "Committee feed, 200" "/gremien/$COMMITTEE/kalender.ics"
    CETAG=$(curl -fsI "http://127.0.0.1:$PORT/gremien/$COMMITTEE/kalender.ics" | awk 'tolower($1)=="etag:" {print $2}' | tr -d '\r')
    run "Committee feed, 304" "/gremien/$COMMITTEE/kalender.ics" "If-None-Match: $CETAG"
    echo
    echo "Server peak RSS: $(awk '/VmHWM/ {print $2, $3}' /proc/$PID/status)"
    kill $PID; wait $PID 2>/dev/null || true
  done
} | tee "$OUT/latest.md"
