"""A misbehaving OParl server for the import tests: the System answers,
its body list always fails with 500, /schleife redirects to itself.

    python3 bad_server.py PORT"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port = int(sys.argv[1])
base = f"http://127.0.0.1:{port}"


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/system":
            body = json.dumps({
                "id": f"{base}/system",
                "type": "https://schema.oparl.org/1.1/System",
                "oparlVersion": "https://schema.oparl.org/1.1/",
                "body": f"{base}/bodies",
            }).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/schleife":
            self.send_response(302)
            self.send_header("Location", "/schleife")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self.send_response(500)
            self.send_header("Content-Length", "0")
            self.end_headers()


server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
print("ready", flush=True)
server.serve_forever()
