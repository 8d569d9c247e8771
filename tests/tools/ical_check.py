"""Parse an iCalendar file with python icalendar and print JSON like
ical_check.js: uid, summary, status, sequence, start as UTC and as Berlin
wall time. Used by tests/api/ical.rs."""
import json
import sys
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import icalendar

cal = icalendar.Calendar.from_ical(open(sys.argv[1], "rb").read())
berlin = ZoneInfo("Europe/Berlin")
events = []
for e in cal.walk("VEVENT"):
    start = e.decoded("DTSTART")
    if isinstance(start, date) and not isinstance(start, datetime):
        # all-day entry (a deadline): a DATE value, no time zone needed
        events.append({
            "uid": str(e.get("UID")),
            "summary": str(e.get("SUMMARY")),
            "all_day": True,
            "date": start.isoformat(),
            "description": str(e.get("DESCRIPTION", "")),
        })
        continue
    if start.tzinfo is None:
        raise SystemExit("floating DTSTART")
    events.append({
        "uid": str(e.get("UID")),
        "summary": str(e.get("SUMMARY")),
        "status": str(e.get("STATUS")),
        "sequence": int(e.get("SEQUENCE", 0)),
        "start_utc": start.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "start_berlin": start.astimezone(berlin).strftime("%d.%m.%Y, %H:%M"),
        "description": str(e.get("DESCRIPTION", "")),
    })
print(json.dumps({"name": str(cal.get("X-WR-CALNAME")), "events": events}))
