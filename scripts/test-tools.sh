#!/usr/bin/env bash
# Tools the tests use besides Rust, installed only when missing:
# ical.js (Thunderbird's iCalendar parser), playwright-core, axe-core and
# vnu-jar (browser journeys and accessibility checks) from npm into .tools/, and
# libical (through Debian's python3-gi, checks iTIP rules), python
# icalendar (second independent parser) and aiosmtpd (a real SMTP
# server for the mail tests) and jsonschema (validates the OParl API
# against ../shared/oparl/schema-draft7) from PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -f .tools/node_modules/ical.js/package.json ]; then
  echo "test-tools: installing ical.js"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools ical.js@2 >/dev/null
fi
if [ ! -f .tools/node_modules/playwright-core/package.json ] \
  || [ ! -f .tools/node_modules/axe-core/axe.min.js ] \
  || [ ! -f .tools/node_modules/vnu-jar/build/dist/vnu.jar ]; then
  echo "test-tools: installing playwright-core, axe-core and vnu-jar"
  mkdir -p .tools
  npm install --silent --no-audit --no-fund --prefix .tools playwright-core@1 axe-core@4 vnu-jar >/dev/null
fi
if ! command -v java >/dev/null 2>&1; then
  echo "test-tools: installing a Java runtime for the Nu HTML checker"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null
  java -version >/dev/null 2>&1 || { echo "test-tools: no Java runtime" >&2; exit 1; }
fi
if ! /usr/bin/python3 -c "import gi; gi.require_version('ICalGLib', '3.0')" >/dev/null 2>&1; then
  echo "test-tools: installing libical's Python binding (python3-gi, gir1.2-ical-3.0)"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-gi gir1.2-ical-3.0 >/dev/null
fi
if ! python3 -c "import icalendar, aiosmtpd, jsonschema, referencing" >/dev/null 2>&1; then
  echo "test-tools: installing python icalendar, aiosmtpd and jsonschema"
  pkgs=(icalendar aiosmtpd 'jsonschema>=4.18')
  python3 -m pip install --quiet --disable-pip-version-check "${pkgs[@]}" 2>/dev/null \
    || python3 -m pip install --quiet --disable-pip-version-check --break-system-packages "${pkgs[@]}"
fi
