#!/usr/bin/env bash
# Search benchmark (issue 8): `gremium demo --scale 10` on SQLite (over
# 100,000 papers), then indexing throughput (`gremium search reindex`) and
# query latency of one- and two-word queries (benches/search.rs).
# Usage: bench/search.sh [SCALE]   (default 10; the database is kept in
# bench/results/ and reused while it exists)
set -euo pipefail
cd "$(dirname "$0")/.."
SCALE="${1:-10}"
DB="bench/results/search-scale$SCALE.sqlite"
mkdir -p bench/results
cargo build --release -q
if [ ! -f "$DB" ]; then
  echo "== gremium demo --scale $SCALE (index is built in the same transactions)"
  /usr/bin/time -f "Laufzeit %e s, max. RSS %M KB" \
    env DATABASE_URL="sqlite://$DB" target/release/gremium demo --scale "$SCALE"
fi
python3 - "$DB" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
for t in ("papers", "agenda_items", "meetings", "search_documents"):
    print(f"{t:>18}: {c.execute(f'select count(*) from {t}').fetchone()[0]:>9,}".replace(",", "."))
PY
echo "== gremium search reindex"
/usr/bin/time -f "Laufzeit %e s, max. RSS %M KB" \
  env DATABASE_URL="sqlite://$DB" target/release/gremium search reindex
ls -l "$DB" | awk '{printf "Datenbankdatei: %.0f MB\n", $5/1048576}'
echo "== Abfragen"
GREMIUM_BENCH_DATABASE="sqlite://$DB" cargo bench -q --bench search
