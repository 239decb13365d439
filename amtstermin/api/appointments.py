"""Reserve, confirm, read, reschedule and cancel an appointment: the wizard's steps as calls.

The link key answers for the appointment as the citizen's link does: whoever holds it may read,
move and cancel. Only a key that was emailed confirms a hold (the double opt-in).
"""

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema
from ninja import Status as Answer
from pydantic import Field

from amtstermin.core import booking, limits
from amtstermin.core import captcha as core_captcha
from amtstermin.core.models import Appointment, Channel, Status
from amtstermin.core.summary import summarize

from . import captcha, fields, idempotency, requested
from .problems import Problem
from .refusals import NoConsent, TooManyRequests, UnknownLanguage

router = Router(tags=["appointments"])

LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class ItemIn(Schema):
    service: fields.Id
    quantity: fields.Quantity = 1


class ReserveIn(Schema):
    location: fields.Id
    items: list[ItemIn] = Field(min_length=1, max_length=requested.MOST_ITEMS)
    start: fields.Instant
    name: fields.text(120, shortest=1)  # type: ignore[valid-type]
    email: fields.text(254, shortest=3)  # type: ignore[valid-type]
    phone: fields.text(40) = ""  # type: ignore[valid-type]
    language: fields.text(8) = "de"  # type: ignore[valid-type]
    # The citizen agreed to the privacy notice (what is stored, for how long).
    consent: bool
    # A solved ALTCHA challenge (GET /captcha/challenge). Without it the time is only held until
    # the link emailed to the citizen is followed, and for a short while.
    altcha: fields.text(core_captcha.MAX_PAYLOAD_LENGTH) | None = None  # type: ignore[valid-type]
    # Or the proof from POST /captcha/verify; a write API key needs neither.
    proof: fields.text(500) | None = None  # type: ignore[valid-type]


class MoveIn(Schema):
    start: fields.Instant


class BookedItemOut(Schema):
    service: int
    name: str
    leika_key: str | None
    quantity: int


class BringOut(Schema):
    name: str
    note: str
    count: int


class Links(Schema):
    manage: str  # the citizen's page: read, reschedule, cancel
    calendar: str  # an .ics file of the appointment


class AppointmentOut(Schema):
    reference: str
    # reserved (held until confirmed), booked, checked_in, called, done, cancelled, expired,
    # no_show
    status: str
    location: int
    start: str
    end: str
    duration_minutes: int
    waiting_number: str
    hold_expires_at: str | None
    items: list[BookedItemOut]
    documents: list[BringOut]
    fee: str  # EUR, decimal string
    links: Links


class ReservedOut(AppointmentOut):
    # The link key: keep it, it is the only way to this appointment. Shown once.
    key: str


def appointment_out(request: HttpRequest, appointment: Appointment, key: str) -> dict:
    summary = summarize(appointment, now=timezone.now())
    return {
        "reference": summary.reference,
        "status": summary.status,
        "location": appointment.location_id,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "duration_minutes": summary.duration_minutes,
        "waiting_number": summary.waiting_number,
        "hold_expires_at": (
            appointment.hold_expires_at.isoformat()
            if summary.status == Status.RESERVED and appointment.hold_expires_at
            else None
        ),
        "items": [
            {
                "service": item.service.pk,
                "name": item.service.name,
                "leika_key": item.service.leika_key or None,
                "quantity": item.quantity,
            }
            for item in summary.items
        ],
        "documents": [
            {"name": document.name, "note": document.note, "count": document.count}
            for document in summary.documents
        ],
        "fee": str(summary.total_fee),
        "links": {
            "manage": request.build_absolute_uri(
                reverse("citizen:appointment", kwargs={"token": key})
            ),
            "calendar": request.build_absolute_uri(
                reverse("citizen:calendar", kwargs={"token": key})
            ),
        },
    }


def _throttled(request: HttpRequest, now) -> None:
    if not limits.allow_post(limits.BOOKING, limits.client_address(request), now=now):
        raise TooManyRequests(limits.BOOKING.window_seconds)


def _found(key: str, *, mailed: bool = False) -> Appointment:
    appointment = booking.find_by_token(key, mailed=mailed)
    if appointment is None:
        raise Http404
    return appointment


@router.post(
    "/appointments",
    response={201: ReservedOut, 409: Problem, 422: Problem, 429: Problem},
    summary="Reserve (book) a time",
)
def reserve(request, body: ReserveIn):
    now = timezone.now()
    if not body.consent:
        raise NoConsent()
    if body.language not in LANGUAGE_CODES:
        raise UnknownLanguage()
    (location,) = requested.locations([body.location])
    wanted = [(item.service, item.quantity) for item in body.items]
    items = requested.items(wanted)
    _throttled(request, now)
    proven = captcha.proven(request, altcha=body.altcha, proof=body.proof)
    digest = idempotency.digest_of(request)
    booked = booking.book(
        location=location,
        items=items,
        start=body.start,
        contact=booking.Contact(body.name, body.email, body.phone, body.language),
        channel=Channel.ONLINE,
        now=now,
        idempotency_key=f"api:{digest[:60]}" if digest else None,
        unproven_network=None if proven else limits.client_network(request),
    )
    return Answer(
        201, {**appointment_out(request, booked.appointment, booked.token), "key": booked.token}
    )


@router.get(
    "/appointments/{key}",
    response={200: AppointmentOut, 404: Problem},
    summary="Read an appointment by its link key",
)
def read(request, key: str):
    return appointment_out(request, _found(key), key)


@router.post(
    "/appointments/{key}/confirm",
    response={200: AppointmentOut, 404: Problem, 422: Problem},
    summary="Confirm a held appointment with the key from its email",
)
def confirm(request, key: str):
    appointment = booking.confirm(appointment=_found(key, mailed=True), now=timezone.now())
    return appointment_out(request, appointment, key)


@router.post(
    "/appointments/{key}/reschedule",
    response={200: AppointmentOut, 404: Problem, 409: Problem, 422: Problem, 429: Problem},
    summary="Move an appointment to another free start",
)
def reschedule(request, key: str, body: MoveIn):
    now = timezone.now()
    appointment = _found(key)
    _throttled(request, now)
    moved = booking.reschedule(
        appointment=appointment, start=body.start, now=now, channel=Channel.ONLINE
    )
    return appointment_out(request, moved, key)


@router.post(
    "/appointments/{key}/cancel",
    response={200: AppointmentOut, 404: Problem, 422: Problem},
    summary="Cancel an appointment",
)
def cancel(request, key: str):
    cancelled = booking.cancel(appointment=_found(key), now=timezone.now(), channel=Channel.ONLINE)
    return appointment_out(request, cancelled, key)
