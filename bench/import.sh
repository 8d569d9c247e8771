#!/usr/bin/env bash
# Import benchmark: the real Karlsruhe OParl 1.1 subset (../shared/fixtures)
# from a directory into a fresh SQLite file, release build. Prints the time
# of a first import and of a second (unchanged) run, and objects per second.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --quiet
SRC=../shared/fixtures/oparl/karlsruhe-oparl1.1
BIN=target/release/gremium
export RUST_LOG=error
for run in 1 2 3; do
  tmp=$(mktemp -d)
  export DATABASE_URL="sqlite://$tmp/g.sqlite"
  "$BIN" migrate >/dev/null
  t0=$(date +%s.%N)
  "$BIN" import oparl "$SRC" >"$tmp/first.txt"
  t1=$(date +%s.%N)
  "$BIN" import oparl "$SRC" >"$tmp/second.txt"
  t2=$(date +%s.%N)
  objects=$(awk 'NR>2 && NF==6 {s+=$2+$3+$4+$5+$6} END {print s}' "$tmp/first.txt")
  python3 - "$t0" "$t1" "$t2" "$objects" "$run" <<'PY'
import sys
t0, t1, t2, n, run = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
print(f"run {run}: {n} objects; first import {t1-t0:.2f} s ({n/(t1-t0):,.0f} objects/s); unchanged re-run {t2-t1:.2f} s")
PY
  rm -rf "$tmp"
done
