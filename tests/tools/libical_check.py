"""Check an iCalendar file with libical (the parser of Evolution and
KOrganizer's predecessors, through GObject introspection: Debian's
python3-gi and gir1.2-ical-3.0, hence run with /usr/bin/python3).

Parses the file, runs libical's RFC 5545/5546 restriction check (which
knows the rules of each METHOD, e.g. ORGANIZER for PUBLISH/REQUEST/CANCEL)
and prints JSON: {"method", "events", "restrictions_ok", "errors"} with
every X-LIC-ERROR libical attached while parsing or checking.
Usage: libical_check.py FILE"""
import json
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as I  # noqa: E402

text = open(sys.argv[1], encoding="utf-8").read()
comp = I.Component.new_from_string(text)
if comp is None:
    print(json.dumps({"method": None, "events": 0, "restrictions_ok": False,
                      "errors": ["libical could not parse the file"]}))
    sys.exit(0)
ok = bool(I.restriction_check(comp))


def errors(c):
    out = []
    p = c.get_first_property(I.PropertyKind.XLICERROR_PROPERTY)
    while p is not None:
        out.append(p.get_xlicerror())
        p = c.get_next_property(I.PropertyKind.XLICERROR_PROPERTY)
    sub = c.get_first_component(I.ComponentKind.ANY_COMPONENT)
    while sub is not None:
        out.extend(errors(sub))
        sub = c.get_next_component(I.ComponentKind.ANY_COMPONENT)
    return out


method = comp.get_first_property(I.PropertyKind.METHOD_PROPERTY)
print(json.dumps({
    "method": method.get_value_as_string() if method is not None else None,
    "events": comp.count_components(I.ComponentKind.VEVENT_COMPONENT),
    "restrictions_ok": ok,
    "errors": errors(comp),
}))
