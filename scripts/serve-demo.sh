#!/usr/bin/env bash
# The serve command of the README: build in release mode and serve the
# portal on the embedded SQLite default with the demo data loaded.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec cargo run --release --locked -- serve --demo "$@"
