#!/usr/bin/env bash
# Accessibility, validity and browser journeys against the running portal:
# builds the binary, serves the demo data on a free port (embedded SQLite
# in a temp dir), then
#   - tests/tools/a11y_check.js: every public page of the sitemap and the
#     back-office pages (signed in as the demo administrator, who reaches
#     every editor) with axe-core (WCAG 2.1 A/AA), the Nu HTML
#     checker and a 360 px check (tables: tests/tools/narrow_tables.js,
#     self-tested first by narrow_tables_selftest.js); fails on a single
#     finding;
#   - tests/tools/journeys.js: every form a visitor or member submits
#     (subscription and saved search confirmed by the links of the mails
#     in <data>/mail-ausgang, unsubscribe, member's account page, each
#     role's landing after sign-in) and the clerk's agenda journey in
#     headless Chromium, screenshots into target/screenshots/.
# Tools come from scripts/test-tools.sh (npm, into .tools/).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/test-tools.sh >/dev/null
cargo build --locked --quiet
BIN="${CARGO_TARGET_DIR:-target}/debug/gremium"
SHOTS="${CARGO_TARGET_DIR:-target}/screenshots"
tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export DATABASE_URL="sqlite://$tmp/a11y.sqlite" GREMIUM_DATA_DIR="$tmp" RUST_LOG=warn GREMIUM_MAIL_POLL_MS=300
"$BIN" serve --demo --bind "127.0.0.1:$port" >"$tmp/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  sleep 0.2
done
if ! python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "http://127.0.0.1:$port/health" >/dev/null 2>&1; then
  echo "a11y: the portal did not start; its log:" >&2
  cat "$tmp/server.log" >&2
  exit 1
fi
base="http://127.0.0.1:$port"
echo "== Selbsttest der Tabellenprüfung bei 360 px"
node tests/tools/narrow_tables_selftest.js
echo "== Barrierefreiheit und HTML (axe-core, Nu HTML Checker, 360 px)"
node tests/tools/a11y_check.js "$base" admin@gremium.example gremium-demo
echo "== Browser-Journeys (Screenshots in $SHOTS)"
node tests/tools/journeys.js "$base" sitzungsdienst@kamen.example gremium-demo "$SHOTS" \
  "$tmp/mail-ausgang" ratsmitglied@kamen.example admin@gremium.example
