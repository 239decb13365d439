"""Idempotency-Key on every POST of the API: a repeated request gets the first answer again.

The answer is kept in the shared cache for a day, keyed by a digest of the key, the path, the
caller's credentials and the body: the same key with another body is another request, and one
caller can never read another's answer by guessing a key. While the first request runs, a
repeat gets 409 instead of running twice. The booking itself also carries the digest
(booking.book's idempotency_key), so a lost cache entry still books once.
"""

import hashlib
import json

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from . import problems

PREFIX = "/api/"
HEADER = "Idempotency-Key"
LONGEST_KEY = 255
KEPT_SECONDS = 24 * 60 * 60
RUNNING_SECONDS = 60


def digest_of(request: HttpRequest) -> str | None:
    """The request's idempotency digest (set by the middleware), or None without a key."""
    return getattr(request, "idempotency_digest", None)


def middleware(get_response):
    def handle(request: HttpRequest) -> HttpResponse:
        key = request.headers.get(HEADER)
        if request.method != "POST" or key is None or not request.path.startswith(PREFIX):
            return get_response(request)
        if not key or len(key) > LONGEST_KEY or not key.isascii() or not key.isprintable():
            with problems.override(request):
                return problems.response(
                    "invalid-idempotency-key",
                    400,
                    _("The Idempotency-Key header must be 1 to 255 printable ASCII characters."),
                )
        parts = (key, request.path, request.headers.get("Authorization", ""))
        seed = hashlib.sha256("\n".join(parts).encode())
        seed.update(request.body)
        request.idempotency_digest = seed.hexdigest()  # type: ignore[attr-defined]
        stored, running = f"idem:{seed.hexdigest()}", f"idem-run:{seed.hexdigest()}"
        if (kept := cache.get(stored)) is not None:
            return _replayed(kept)
        if not cache.add(running, True, timeout=RUNNING_SECONDS):
            with problems.override(request):
                return problems.response(
                    "request-in-progress",
                    409,
                    _("A request with this Idempotency-Key is still being processed."),
                    headers={"Retry-After": "1"},
                )
        try:
            response = get_response(request)
            if response.status_code < 500 and not response.streaming:
                cache.set(stored, _kept(response), timeout=KEPT_SECONDS)
            return response
        finally:
            cache.delete(running)

    return handle


def _kept(response: HttpResponse) -> str:
    return json.dumps(
        {
            "status": response.status_code,
            "type": response.get("Content-Type", ""),
            "body": response.content.decode(),
        }
    )


def _replayed(kept: str) -> HttpResponse:
    data = json.loads(kept)
    response = HttpResponse(data["body"], status=data["status"], content_type=data["type"])
    response["Idempotent-Replayed"] = "true"
    return response
