"""Crawl an OParl 1.1 endpoint from its System object and validate every
object and list page against the draft-07 schemas in ../shared/oparl.

    python3 oparl_check.py SYSTEM_URL SCHEMA_DIR [FORBIDDEN ...]

Follows every URL of the API found in objects (ids, lists, references)
and every `links.next`; each object (also inline ones, through the
schemas' $refs) is validated with format checks (date, date-time, url).
Prints one JSON object: counts, schema errors, HTTP problems, and where a
FORBIDDEN string occurred. Used by tests/api/oparl.rs."""
import json
import re
import sys
import urllib.error
import urllib.request
from collections import deque
from datetime import date, datetime
from pathlib import Path

import jsonschema
from referencing import Registry, Resource

system_url, schema_dir = sys.argv[1], Path(sys.argv[2])
forbidden = sys.argv[3:]
api = system_url.rsplit("/", 1)[0]

resources = []
schemas = {}
for f in sorted(schema_dir.glob("*.json")):
    s = json.loads(f.read_text(encoding="utf-8"))
    name = f.stem
    schemas[name] = s
    r = Resource.from_contents(s)
    resources.append((s["$id"], r))
    resources.append((f"https://schema.oparl.org/1.1/{name}.json", r))
registry = Registry().with_resources(resources)

checker = jsonschema.FormatChecker()


@checker.checks("url")
def is_url(v):
    return isinstance(v, str) and re.match(r"^https?://[^\s/]+(/\S*)?$", v) is not None


@checker.checks("date", raises=ValueError)
def is_date(v):
    if not isinstance(v, str) or not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
        raise ValueError(v)
    date.fromisoformat(v)
    return True


@checker.checks("date-time", raises=ValueError)
def is_datetime(v):
    if not isinstance(v, str) or not re.match(
        r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2})$", v
    ):
        raise ValueError(v)
    datetime.fromisoformat(v.replace("Z", "+00:00"))
    return True


validators = {
    name: jsonschema.Draft7Validator(s, registry=registry, format_checker=checker)
    for name, s in schemas.items()
}

out = {"objects": 0, "lists": 0, "types": {}, "errors": [], "http": [], "forbidden": []}


referrer = {}


def fetch(url):
    req = urllib.request.Request(url, headers={"Accept": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            body = r.read().decode("utf-8")
            if r.headers.get("Access-Control-Allow-Origin") != "*":
                out["http"].append(f"{url}: no Access-Control-Allow-Origin: *")
            if not r.headers.get("Content-Type", "").startswith("application/json"):
                out["http"].append(f"{url}: Content-Type {r.headers.get('Content-Type')}")
            return json.loads(body), body
    except urllib.error.HTTPError as e:
        out["http"].append(f"{url}: HTTP {e.code} (linked from {referrer.get(url)})")
    except Exception as e:  # noqa: BLE001 - report and go on
        out["http"].append(f"{url}: {e}")
    return None, ""


def urls_in(v, found):
    if isinstance(v, str):
        if v.startswith(api + "/"):
            found.add(v)
    elif isinstance(v, list):
        for x in v:
            urls_in(x, found)
    elif isinstance(v, dict):
        for x in v.values():
            urls_in(x, found)


def validate(obj, where):
    t = obj.get("type", "") if isinstance(obj, dict) else ""
    name = t.rsplit("/", 1)[-1]
    if name not in validators:
        out["errors"].append(f"{where}: unknown type {t!r}")
        return
    out["types"][name] = out["types"].get(name, 0) + 1
    for e in validators[name].iter_errors(obj):
        path = "/".join(str(p) for p in e.absolute_path)
        out["errors"].append(f"{where} [{name}] {path}: {e.message[:200]}")


seen = set()
queue = deque([system_url])
while queue:
    url = queue.popleft()
    if url in seen:
        continue
    seen.add(url)
    data, text = fetch(url)
    if data is None:
        continue
    for f in forbidden:
        if f in text:
            out["forbidden"].append(f"{url}: {f}")
    found = set()
    if isinstance(data, dict) and "data" in data and "links" in data:
        out["lists"] += 1
        for key in ("data", "pagination", "links"):
            if key not in data:
                out["errors"].append(f"{url}: list page without {key}")
        for i, obj in enumerate(data.get("data", [])):
            out["objects"] += 1
            validate(obj, f"{url}#data[{i}]")
            urls_in(obj, found)
        nxt = data.get("links", {}).get("next")
        if nxt:
            found.add(nxt)
    else:
        out["objects"] += 1
        validate(data, url)
        if data.get("id") != url:
            out["errors"].append(f"{url}: id is {data.get('id')!r}")
        urls_in(data, found)
    for u in sorted(found):
        if u not in seen:
            referrer.setdefault(u, url)
            queue.append(u)

out["urls"] = len(seen)
print(json.dumps(out, ensure_ascii=False))
