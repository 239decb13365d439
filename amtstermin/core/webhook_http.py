"""Signing and sending one webhook request (Standard Webhooks, https://www.standardwebhooks.com).

The receiver checks `webhook-signature`:
    "v1," + base64(HMAC-SHA256(key, "{id}.{timestamp}.{body}"))
where key is the base64-decoded secret after "whsec_", id is `webhook-id` and timestamp is
`webhook-timestamp` (Unix seconds; receivers refuse old ones, which stops replays).

Plain http.client: no redirects are followed (a 3xx counts as a failure, so a moved receiver
is noticed in the delivery log instead of the body going somewhere unchecked), and the waiting
is bounded: 5 seconds to connect, about 10 in all.
"""

import base64
import hashlib
import hmac
import http.client
import ssl
import time
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError

from .models.webhooks import validate_webhook_url

CONNECT_TIMEOUT = 5.0
TOTAL_TIMEOUT = 10.0
USER_AGENT = "Amtstermin-Webhooks/1"
# A receiver's answer is not read beyond this: only its status counts.
ANSWER_BYTES = 4096


class SendFailed(Exception):
    """The request did not get an HTTP answer (refused, timed out, TLS, bad address)."""


def sign(secret: str, event_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` header value for `body`; `secret` is base64 without "whsec_"."""
    signed = f"{event_id}.{timestamp}.".encode() + body
    mac = hmac.new(base64.b64decode(secret), signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode("ascii")


def headers(secret: str, event_id: str, timestamp: int, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": event_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": sign(secret, event_id, timestamp, body),
    }


def post(url: str, *, body: bytes, headers: dict[str, str]) -> int:
    """POST `body` to `url`; returns the HTTP status. Raises SendFailed without an answer."""
    try:
        # Again at sending: the address was checked when saved, but the setting may differ now.
        validate_webhook_url(url)
    except ValidationError as error:
        raise SendFailed(f"address not allowed: {error.messages[0]}") from None
    parts = urlsplit(url)
    connection: http.client.HTTPConnection
    if parts.scheme == "https":
        connection = http.client.HTTPSConnection(
            parts.hostname or "",
            parts.port,
            timeout=CONNECT_TIMEOUT,
            context=ssl.create_default_context(),
        )
    else:
        connection = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=CONNECT_TIMEOUT
        )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    deadline = time.monotonic() + TOTAL_TIMEOUT
    try:
        connection.connect()
        _bound(connection, deadline)
        connection.request("POST", path, body=body, headers=headers)
        _bound(connection, deadline)
        response = connection.getresponse()
        _bound(connection, deadline)
        response.read(ANSWER_BYTES)
        return response.status
    except (OSError, http.client.HTTPException, ValueError) as error:
        raise SendFailed(_describe(error)) from None
    finally:
        connection.close()


def _bound(connection: http.client.HTTPConnection, deadline: float) -> None:
    """Let the next step wait only for what is left of the total time."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError(f"no answer within {TOTAL_TIMEOUT:.0f} seconds")
    if connection.sock is not None:
        connection.sock.settimeout(left)


def _describe(error: Exception) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:300]
