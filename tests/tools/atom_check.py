"""Parse an Atom feed with the standard library (namespace-aware XML) and
print its title and entries as JSON; fails on malformed XML or missing
required elements (RFC 4287: id, title, updated on feed and entries)."""
import json
import sys
import xml.etree.ElementTree as ET
from datetime import datetime

A = "{http://www.w3.org/2005/Atom}"
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == A + "feed", root.tag
for el in ("id", "title", "updated"):
    assert root.find(A + el) is not None, el
entries = []
for e in root.findall(A + "entry"):
    for el in ("id", "title", "updated"):
        assert e.find(A + el) is not None and e.find(A + el).text, el
    datetime.strptime(e.find(A + "updated").text, "%Y-%m-%dT%H:%M:%SZ")
    entries.append({
        "id": e.find(A + "id").text,
        "title": e.find(A + "title").text,
        "link": e.find(A + "link").get("href"),
        "summary": (e.find(A + "summary").text or ""),
    })
print(json.dumps({"title": root.find(A + "title").text, "entries": entries}))
