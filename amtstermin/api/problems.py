"""RFC 9457 problem details: every error the API answers, in German or English.

`detail` speaks the request's language (Accept-Language; German unless English is asked for),
`type` is a stable URI a client can switch on, `errors` lists what was wrong with the input.
"""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from ninja import Schema

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "https://amtstermin.de/probleme/"
LANGUAGES = ("de", "en")
# Said by the project's middleware (bad_requests.py, admission.py) to API clients.
UNREADABLE = _("This request cannot be read.")
BUSY = _("Too many requests at once. Please try again in a moment.")


class FieldError(Schema):
    field: str
    message: str


class Problem(Schema):
    type: str
    title: str
    status: int
    detail: str
    errors: list[FieldError] = []
    # The nearest free starts when a time was taken (409), UTC.
    alternatives: list[str] = []


def language(request: HttpRequest) -> str:
    """German or English by Accept-Language: problem details exist in these two only."""
    asked = translation.get_language_from_request(request) or "de"
    return "en" if asked.startswith("en") else "de"


def override(request: HttpRequest):
    """Render what follows in the request's problem language."""
    return translation.override(language(request))


def response(
    kind: str,
    status: int,
    detail: Any,
    *,
    title: str = "",
    errors: list[dict] | None = None,
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> HttpResponse:
    """A problem response; `detail` may be a lazy translation (rendered in the active language)."""
    body = {
        "type": TYPE_BASE + kind,
        "title": title or kind.replace("-", " "),
        "status": status,
        "detail": str(detail),
        "errors": errors or [],
        **extra,
    }
    answer = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=MEDIA_TYPE
    )
    answer["Content-Language"] = translation.get_language() or "de"
    for name, value in (headers or {}).items():
        answer[name] = value
    return answer
