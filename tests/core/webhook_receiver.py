"""A real webhook receiver on loopback, and a signature check written from the spec's text.

The check does not use amtstermin's code: it is what a receiving system would write from the
Standard Webhooks specification, so a test that passes proves a stranger's receiver accepts us.
"""

import base64
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TOLERANCE_SECONDS = 300  # the spec's suggestion against replays


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    status: int  # what the receiver answered

    @property
    def event(self) -> dict:
        return json.loads(self.body)

    @property
    def id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """Records every POST. Answers the statuses in `answers` in turn, then 200 for good.

    While `stall` is set to an unset threading.Event, each answer waits for it: the sender is
    caught in the middle of its request.
    """

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.stall: threading.Event | None = None
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server API)
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with receiver._lock:
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    receiver.received.append(
                        Received(
                            self.path,
                            {name.lower(): value for name, value in self.headers.items()},
                            body,
                            status,
                        )
                    )
                if receiver.stall is not None:
                    receiver.stall.wait()
                try:
                    self.send_response(status)
                    if 300 <= status < 400:
                        self.send_header("Location", f"{receiver.url}/elsewhere")
                    self.send_header("Content-Length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender is gone (a killed worker): the answer reaches nobody

            def log_message(self, format, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def accepted(self) -> list[Received]:
        """The requests answered with 2xx."""
        return [request for request in self.received if 200 <= request.status < 300]


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    thread = threading.Thread(target=receiver.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.server.shutdown()
        receiver.server.server_close()
        thread.join()


def signature_valid(secret: str, headers: dict[str, str], body: bytes, *, now: int) -> bool:
    """The spec's check: the secret after "whsec_" is base64; the signed content is
    "{webhook-id}.{webhook-timestamp}.{body}"; HMAC-SHA256, base64; the header lists
    space-separated "v1,<signature>" entries; timestamps far from now are refused."""
    key = base64.b64decode(secret.removeprefix("whsec_"))
    message_id = headers["webhook-id"]
    timestamp = headers["webhook-timestamp"]
    if abs(now - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    content = message_id.encode() + b"." + timestamp.encode() + b"." + body
    expected = base64.b64encode(hmac.new(key, content, hashlib.sha256).digest())
    return any(
        hmac.compare_digest(expected, entry.split(",", 1)[1].encode())
        for entry in headers["webhook-signature"].split(" ")
        if entry.startswith("v1,")
    )
