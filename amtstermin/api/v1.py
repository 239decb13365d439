"""Version 1 of the API: one NinjaAPI, its error handling and its OpenAPI document."""

import logging

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from amtstermin.core.errors import BookingError, FormError, SlotTaken

from . import problems
from .refusals import TooManyRequests

logger = logging.getLogger(__name__)

DESCRIPTION = """Appointments at the town's offices, for other systems: kiosks, state portals,
registration software. Citizen operations need no key; staff operations need an API key
(`Authorization: Bearer <key>`). Errors are RFC 9457 problem details in German or English
(`Accept-Language`). Every POST takes an `Idempotency-Key` header: a repeated request with the
same key and body gets the first answer again. Times are UTC instants (ISO 8601)."""


class Api(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        """What every operation shares, said once here: problem details as
        application/problem+json, 422 wherever input is read, and on every POST the
        Idempotency-Key header with its own answers (400 for a bad key, 409 while the first
        request with that key still runs)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        problem = {"$ref": "#/components/schemas/Problem"}
        for operations in schema["paths"].values():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                if operation.get("parameters") or operation.get("requestBody"):
                    answers.setdefault(422, _answer("Unprocessable Content", problem))
                    # A NUL byte anywhere is refused before any view (bad_requests.py).
                    answers.setdefault(400, _answer("Bad Request", problem))
                if method == "post":
                    operation.setdefault("parameters", []).append(IDEMPOTENCY_KEY)
                    answers.setdefault(400, _answer("Bad Request", problem))
                    answers.setdefault(409, _answer("Conflict", problem))
                for status, answer in answers.items():
                    content = answer.get("content", {})
                    if int(status) >= 400 and "application/json" in content:
                        answer["content"] = {problems.MEDIA_TYPE: content["application/json"]}
        return schema


IDEMPOTENCY_KEY = {
    "in": "header",
    "name": "Idempotency-Key",
    "required": False,
    "description": "Repeating a request with the same key and body returns the first answer.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[ -~]+$"},
}


def _answer(description: str, schema: dict) -> dict:
    return {"description": description, "content": {problems.MEDIA_TYPE: {"schema": schema}}}


api = Api(
    title="Amtstermin API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs_url=None,  # the human page is api/docs.py; Swagger UI would load a third party's script
)


def _problem(request, kind, status, detail, **extra) -> HttpResponse:
    with problems.override(request):
        return problems.response(kind, status, detail, **extra)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, error: ValidationError) -> HttpResponse:
    errors = [
        {
            "field": ".".join(str(part) for part in entry.get("loc", ())),
            "message": str(entry.get("msg", ""))[:300],
        }
        for entry in error.errors[:20]
    ]
    return _problem(
        request, "invalid-input", 422, _("Some values are missing or invalid."), errors=errors
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _problem(
        request,
        "unauthenticated",
        401,
        _("This operation needs a valid API key."),
        headers={"WWW-Authenticate": 'Bearer realm="amtstermin"'},
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 400:
        return _problem(request, "bad-request", 400, _("The request body is not valid JSON."))
    return _problem(request, "error", error.status_code, _("This request cannot be processed."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _problem(request, "not-found", 404, _("Nothing was found at this address."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return _problem(request, "forbidden", 403, _("This API key may not do this."))


@api.exception_handler(SlotTaken)
def taken(request: HttpRequest, error: SlotTaken) -> HttpResponse:
    return _problem(
        request,
        "slot-taken",
        409,
        error.message,
        alternatives=[start.isoformat() for start in error.alternatives],
    )


@api.exception_handler(BookingError)
def refused(request: HttpRequest, error: BookingError) -> HttpResponse:
    return _problem(request, _kind(error), 422, error.message)


@api.exception_handler(FormError)
def form_refused(request: HttpRequest, error: FormError) -> HttpResponse:
    return _problem(request, _kind(error), 422, error.message)


@api.exception_handler(Exception)
def crashed(request: HttpRequest, error: Exception) -> HttpResponse:
    """A bug: logged with its traceback, answered as a problem (never a page of HTML)."""
    logger.exception("API error", exc_info=error)
    return _problem(request, "internal-error", 500, _("Something went wrong on our side."))


def _kind(error: Exception) -> str:
    """The error class as a problem type: SlotTaken → "slot-taken"."""
    name = type(error).__name__
    return "".join(f"-{c.lower()}" if c.isupper() else c for c in name).lstrip("-")


@api.exception_handler(TooManyRequests)
def too_many(request: HttpRequest, error: TooManyRequests) -> HttpResponse:
    return _problem(
        request,
        "too-many-requests",
        429,
        error.message,
        headers={"Retry-After": str(error.retry_after)},
    )


# Routers last: each module's operations join this API in the order of the documentation.
from . import (  # noqa: E402
    appointments,
    availability,
    captcha,
    catalogue,
    online_requests,
    staff,
    wishes,
)

for module in (catalogue, availability, captcha, appointments, wishes, online_requests, staff):
    api.add_router("", module.router)
