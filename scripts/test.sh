#!/usr/bin/env bash
# The test command of the README: formatting, lints, unit and integration
# tests on SQLite and again on PostgreSQL, then the accessibility/HTML check
# of every page and the browser journeys (scripts/a11y.sh). Fails on the
# first failing check.
set -euo pipefail
cd "$(dirname "$0")/.."
# the OParl schemas and the Karlsruhe fixture the tests check against
if [ ! -d ../shared/oparl/schema-draft7 ] || [ ! -d ../shared/fixtures/oparl/karlsruhe-oparl1.1 ]; then
  echo "test.sh: ../shared fehlt neben dem Checkout ($(cd .. && pwd)/shared)." >&2
  echo "  Die Tests brauchen ../shared/oparl/schema-draft7 (OParl-Schemas) und" >&2
  echo "  ../shared/fixtures/oparl/karlsruhe-oparl1.1 (echte Ratsdaten); siehe README, „Tests“." >&2
  exit 2
fi
scripts/setup.sh --browser
scripts/test-tools.sh

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy -D warnings"
cargo clippy --all-targets --locked -- -D warnings

# debug builds keep big async test bodies on the stack: give test threads room
export RUST_MIN_STACK=${RUST_MIN_STACK:-8388608}

run_tests() {
  if cargo nextest --version >/dev/null 2>&1; then
    cargo nextest run --locked --no-fail-fast "$@"
  else
    cargo test --locked --no-fail-fast "$@"
  fi
}

echo "== tests on SQLite"
GREMIUM_TEST_DATABASE_URL=sqlite run_tests

echo "== tests on PostgreSQL"
PG_URL=$(scripts/ensure-postgres.sh)
echo "   using $PG_URL"
GREMIUM_TEST_DATABASE_URL="$PG_URL" run_tests

echo "== accessibility, HTML validity and browser journeys"
scripts/a11y.sh

echo "== all checks passed (SQLite and PostgreSQL, accessibility)"
