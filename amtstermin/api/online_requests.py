"""Services done without a visit: submit a request, then follow its status by link key."""

from django.conf import settings
from django.http import Http404
from django.utils import timezone
from ninja import Router, Schema, Status

from amtstermin.core import captcha as core_captcha
from amtstermin.core import limits, online_requests
from amtstermin.core.errors import NotRequestable
from amtstermin.core.models import OnlineRequest, Service

from . import captcha, fields, requested
from .problems import Problem
from .refusals import TooManyRequests, UnknownLanguage

router = Router(tags=["online requests"])


class RequestData(Schema):
    """The form's fields; which are needed depends on the service's request_kind:
    melderegisterauskunft: first_name, last_name, date_of_birth, last_known_address, purpose,
    consent; steuer_id: date_of_birth, place_of_birth."""

    first_name: fields.text(60) | None = None  # type: ignore[valid-type]
    last_name: fields.text(60) | None = None  # type: ignore[valid-type]
    date_of_birth: fields.text(10) | None = None  # type: ignore[valid-type]
    last_known_address: fields.text(300) | None = None  # type: ignore[valid-type]
    purpose: fields.text(500) | None = None  # type: ignore[valid-type]
    place_of_birth: fields.text(120) | None = None  # type: ignore[valid-type]
    consent: bool | None = None


class RequestIn(Schema):
    service: fields.Id
    name: fields.text(120, shortest=1)  # type: ignore[valid-type]
    email: fields.text(254, shortest=3)  # type: ignore[valid-type]
    postal_address: fields.text(300, shortest=1)  # type: ignore[valid-type]
    language: fields.text(8) = "de"  # type: ignore[valid-type]
    data: RequestData
    # A solved ALTCHA challenge; without it the request waits until the emailed link is followed.
    altcha: fields.text(core_captcha.MAX_PAYLOAD_LENGTH) | None = None  # type: ignore[valid-type]
    # Or the proof from POST /captcha/verify; a write API key needs neither.
    proof: fields.text(500) | None = None  # type: ignore[valid-type]


class RequestOut(Schema):
    reference: str
    service: int
    # submitted, in_progress, answered, rejected
    status: str
    confirmed: bool  # false: waiting for the emailed link to be followed
    created_at: str
    updated_at: str


class SubmittedOut(RequestOut):
    key: str  # the link key to the status; shown once


def request_out(found: OnlineRequest) -> dict:
    return {
        "reference": found.reference,
        "service": found.service_id,
        "status": found.status,
        "confirmed": found.confirmed_at is not None,
        "created_at": found.created_at.isoformat(),
        "updated_at": found.updated_at.isoformat(),
    }


@router.post(
    "/requests",
    response={201: SubmittedOut, 422: Problem, 429: Problem},
    summary="Submit an online request (no visit needed)",
)
def submit(request, body: RequestIn):
    now = timezone.now()
    service = Service.objects.filter(pk=requested.bounded_id(body.service) or 0).first()
    if service is None:
        raise NotRequestable()
    if not limits.allow_post(limits.ONLINE_REQUEST, limits.client_address(request), now=now):
        raise TooManyRequests(limits.ONLINE_REQUEST.window_seconds)
    proven = captcha.proven(request, altcha=body.altcha, proof=body.proof)
    if body.language not in {code for code, _name in settings.LANGUAGES}:
        raise UnknownLanguage()
    submitted = online_requests.submit(
        service=service,
        kind=service.request_kind,
        requester=online_requests.Requester(
            body.name, body.email, body.postal_address, body.language
        ),
        data=body.data.dict(exclude_none=True),
        now=now,
        confirmed=proven,
    )
    return Status(201, {**request_out(submitted.request), "key": submitted.token})


@router.get(
    "/requests/{key}",
    response={200: RequestOut, 404: Problem},
    summary="The status of an online request, by its link key",
)
def status(request, key: str):
    found = online_requests.find_by_token(key)
    if found is None:
        raise Http404
    return request_out(found)
