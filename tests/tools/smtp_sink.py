"""A real SMTP server (aiosmtpd) on loopback for the mail tests: every
message is written to DIR/<n>.eml. Prints "ready" when listening.
Usage: smtp_sink.py PORT DIR"""
import os
import sys
import time

from aiosmtpd.controller import Controller

port, folder = int(sys.argv[1]), sys.argv[2]
os.makedirs(folder, exist_ok=True)


class Sink:
    count = 0

    async def handle_DATA(self, server, session, envelope):
        Sink.count += 1
        path = os.path.join(folder, f"{time.time_ns()}-{Sink.count}.eml")
        with open(path + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(path + ".tmp", path)
        return "250 Message accepted for delivery"


controller = Controller(Sink(), hostname="127.0.0.1", port=port)
controller.start()
print("ready", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    controller.stop()
