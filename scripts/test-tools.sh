#!/usr/bin/env bash
# Tools the tests use besides Rust, installed only when missing:
# ical.js (Thunderbird's iCalendar parser) from npm into .tools/, and
# python icalendar (second independent parser) and aiosmtpd (a real SMTP
# server for the mail tests) and jsonschema (validates the OParl API
# against ../shared/oparl/schema-draft7) from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .tools/node_modules/ical.js/package.json ]; then
  echo "test-tools: installing ical.js"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools ical.js@2 >/dev/null
fi
if ! python3 -c "import icalendar, aiosmtpd, jsonschema, referencing" >/dev/null 2>&1; then
  echo "test-tools: installing python icalendar, aiosmtpd and jsonschema"
  python3 -m pip install --quiet --disable-pip-version-check icalendar aiosmtpd 'jsonschema>=4.18'
fi
