"""A hostile OParl server for the import bounds tests.

    python3 hostile_oparl_server.py PORT

System -> one body -> organizations (one), meetings, papers. What the
meeting and paper lists do depends on the mode, switched at run time with
GET /mode/<name> (so one server, and one set of ids, serves several runs):

  normal   one meeting, one paper, no next pages
  huge     the paper list is an endless answer (2 GB, no Content-Length)
  endless  the meeting list has endless unique links.next (one meeting per page)
  loop     the meeting list's second page points back to the first
  slow     the paper list drips one byte every half second
"""
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

port = int(sys.argv[1])
base = f"http://127.0.0.1:{port}"
state = {"mode": "normal"}
T = "https://schema.oparl.org/1.1/"
MODIFIED = "2024-01-10T10:00:00+01:00"


def org():
    return {"id": f"{base}/orgs/1", "type": T + "Organization", "body": f"{base}/bodies/1",
            "name": "Gemeinderat", "organizationType": "Gremium", "classification": "Parlament",
            "modified": MODIFIED}


def meeting(n):
    return {"id": f"{base}/meetings/{n}", "type": T + "Meeting", "name": f"Gemeinderat ({n}. Sitzung)",
            "start": "2024-02-01T18:00:00+01:00", "organization": [f"{base}/orgs/1"],
            "modified": MODIFIED}


def paper(n):
    return {"id": f"{base}/papers/{n}", "type": T + "Paper", "body": f"{base}/bodies/1",
            "name": f"Vorlage {n}", "reference": f"2024/{n:04}", "paperType": "Beschlussvorlage",
            "date": "2024-01-05", "modified": MODIFIED}


def page(items, next_url=None):
    links = {"next": next_url} if next_url else {}
    return {"data": items, "pagination": {}, "links": links}


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def json(self, obj):
        body = json.dumps(obj).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        path, query = url.path, parse_qs(url.query)
        mode = state["mode"]
        try:
            if path.startswith("/mode/"):
                state["mode"] = path[len("/mode/"):]
                self.json({"mode": state["mode"]})
            elif path == "/system":
                self.json({"id": f"{base}/system", "type": T + "System",
                           "oparlVersion": "https://schema.oparl.org/1.1/", "body": f"{base}/bodies"})
            elif path == "/bodies":
                self.json(page([{
                    "id": f"{base}/bodies/1", "type": T + "Body", "name": "Gemeinde Feindlich",
                    "system": f"{base}/system", "organization": f"{base}/orgs",
                    "meeting": f"{base}/meetings", "paper": f"{base}/papers",
                    "modified": MODIFIED}]))
            elif path == "/orgs":
                self.json(page([org()]))
            elif path == "/orgs/1":
                self.json(org())
            elif path == "/meetings":
                n = int(query.get("page", ["1"])[0])
                if mode == "endless":
                    self.json(page([meeting(n)], f"{base}/meetings?page={n + 1}"))
                elif mode == "loop":
                    self.json(page([meeting(n)], f"{base}/meetings?page={2 if n == 1 else 1}"))
                else:
                    self.json(page([meeting(1)]))
            elif path == "/papers":
                if mode == "huge":
                    # HTTP/1.0 without Content-Length: the answer ends when
                    # the connection closes, i.e. only after 2 GB
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(b'{"data":[')
                    chunk = b" " * 65536
                    for _ in range((2 << 30) // len(chunk)):
                        self.wfile.write(chunk)
                elif mode == "slow":
                    body = json.dumps(page([paper(1)])).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    for b in body:
                        self.wfile.write(bytes([b]))
                        self.wfile.flush()
                        time.sleep(0.5)
                else:
                    self.json(page([paper(1)]))
            else:
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
        except (BrokenPipeError, ConnectionResetError):
            pass


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


server = Server(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
