"""The wish-list as calls: leave a wish when no time fits, prove the mailbox with the mailed
key, follow it, and answer the time it is offered (core/wishes/).

The link key answers for the wish as the citizen's link does: whoever holds it may read and
cancel the wish and answer its offer. Only a key that was emailed proves the mailbox (verify).
A wish costs the same proof of work and counts against the same rate limit as a booking: more
calls gain a bot nothing but more mailboxes to prove.
"""

from datetime import time
from typing import Annotated

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from pydantic import StringConstraints

from amtstermin.core import booking
from amtstermin.core import captcha as core_captcha
from amtstermin.core.models import Wish, WishOffer
from amtstermin.core.wishes import offers, store

from . import captcha, fields, requested
from .appointments import LANGUAGE_CODES, ItemIn, ReservedOut, _throttled, appointment_out
from .problems import Problem
from .refusals import CheckFailed, NoConsent, UnknownLanguage

router = Router(tags=["wish-list"])

Weekday = Annotated[int, Field(ge=0, le=6)]
# A local time of day at the locations, "HH:MM".
Clock = Annotated[str, StringConstraints(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")]


class WishIn(Schema):
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=requested.MOST_ITEMS)]
    # Any of these locations will do; each must offer every service.
    locations: Annotated[list[fields.Id], Field(min_length=1, max_length=requested.MOST_LOCATIONS)]
    # 0 Monday … 6 Sunday; every day if left out.
    weekdays: Annotated[list[Weekday], Field(min_length=1, max_length=7)] = [0, 1, 2, 3, 4, 5, 6]
    # The whole appointment lies between these local times.
    earliest_time: Clock | None = None
    latest_time: Clock | None = None
    latest_date: fields.Day  # the last acceptable day; the wish expires after it
    name: fields.text(120, shortest=1)  # type: ignore[valid-type]
    email: fields.text(254, shortest=3)  # type: ignore[valid-type]
    phone: fields.text(40) = ""  # type: ignore[valid-type]
    language: fields.text(8) = "de"  # type: ignore[valid-type]
    consent: bool  # the citizen agreed to the privacy notice
    # Why a time is needed soon (e.g. travel in the next 14 days): staff may place it directly.
    urgent_reason: fields.text(300) = ""  # type: ignore[valid-type]
    # A solved ALTCHA challenge (GET /captcha/challenge), or the proof from POST /captcha/verify;
    # a write API key needs neither. A wish without one is refused.
    altcha: fields.text(core_captcha.MAX_PAYLOAD_LENGTH) | None = None  # type: ignore[valid-type]
    proof: fields.text(500) | None = None  # type: ignore[valid-type]


class WishItemOut(Schema):
    service: int
    quantity: int


class WishOut(Schema):
    reference: str
    # unverified (waiting for the mailed key), waiting, offered, fulfilled, cancelled, expired
    status: str
    items: list[WishItemOut]
    locations: list[int]
    weekdays: list[int]
    earliest_time: str | None
    latest_time: str | None
    latest_date: str
    urgent: bool
    created_at: str
    verified_at: str | None


class LeftOut(WishOut):
    # The link key: keep it, it is the only way to this wish. Shown once. Verifying needs the
    # key from the email instead.
    key: str


class OfferOut(Schema):
    location: int
    start: str
    end: str
    hold_expires_at: str | None  # answer before this, or the time goes to the next wish


def wish_out(wish: Wish) -> dict:
    return {
        "reference": wish.reference,
        "status": wish.status,
        "items": [
            {"service": row.service_id, "quantity": row.quantity} for row in wish.items.all()
        ],
        "locations": sorted(location.pk for location in wish.locations.all()),
        "weekdays": [day for day in range(7) if wish.weekdays >> day & 1],
        "earliest_time": _clock(wish.earliest_time),
        "latest_time": _clock(wish.latest_time),
        "latest_date": wish.latest_date.isoformat(),
        "urgent": wish.urgent,
        "created_at": wish.created_at.isoformat(),
        "verified_at": wish.verified_at.isoformat() if wish.verified_at else None,
    }


def _clock(value: time | None) -> str | None:
    return value.strftime("%H:%M") if value else None


def _time(text: str | None) -> time | None:
    return time.fromisoformat(text) if text else None  # the schema's pattern holds


def _found(key: str, *, mailed: bool = False) -> Wish:
    wish = store.find_by_token(key, mailed=mailed)
    if wish is None:
        raise Http404
    return wish


def _open_offer(wish: Wish) -> WishOffer:
    offer = wish.offers.filter(state=WishOffer.State.OPEN).select_related("appointment").first()
    if offer is None:
        raise Http404
    return offer


def _newest_offer(wish: Wish) -> WishOffer:
    """The offer an answer is about: the open one, or the one answered last, so that answering
    twice gets the first answer again (or a clear "no longer open"), not a 404."""
    offer = wish.offers.select_related("appointment").order_by("-created_at", "-pk").first()
    if offer is None:
        raise Http404
    return offer


@router.post(
    "/wishes",
    response={201: LeftOut, 422: Problem, 429: Problem},
    summary="Leave a wish for a time when none fits",
)
def leave(request: HttpRequest, body: WishIn):
    now = timezone.now()
    if not body.consent:
        raise NoConsent()
    if body.language not in LANGUAGE_CODES:
        raise UnknownLanguage()
    locations = requested.locations(body.locations)
    items = requested.items([(item.service, item.quantity) for item in body.items])
    _throttled(request, now)
    if not captcha.proven(request, altcha=body.altcha, proof=body.proof):
        raise CheckFailed()
    left = store.leave(
        items=items,
        wanted=store.Wanted(
            locations=locations,
            latest_date=body.latest_date,
            weekdays=sum(1 << day for day in set(body.weekdays)),
            earliest_time=_time(body.earliest_time),
            latest_time=_time(body.latest_time),
        ),
        wisher=store.Wisher(body.name, body.email, body.phone, body.language),
        now=now,
        urgent_reason=body.urgent_reason,
    )
    return Status(201, {**wish_out(left.wish), "key": left.token})


@router.get(
    "/wishes/{key}",
    response={200: WishOut, 404: Problem},
    summary="Read a wish by its link key",
)
def read(request: HttpRequest, key: str):
    return wish_out(_found(key))


@router.post(
    "/wishes/{key}/verify",
    response={200: WishOut, 404: Problem, 422: Problem},
    summary="Prove the mailbox with the key from the wish's email: the wish joins the queue",
)
def verify(request: HttpRequest, key: str):
    wish = store.verify(wish=_found(key, mailed=True), now=timezone.now())
    wish.refresh_from_db()  # verifying serves the queue: an offer may have been made already
    return wish_out(wish)


@router.post(
    "/wishes/{key}/cancel",
    response={200: WishOut, 404: Problem},
    summary="Cancel a wish (an offered time is given back)",
)
def cancel(request: HttpRequest, key: str):
    return wish_out(store.cancel(wish=_found(key), now=timezone.now()))


@router.get(
    "/wishes/{key}/offer",
    response={200: OfferOut, 404: Problem},
    summary="The time held for the wish, while it is open",
)
def offer(request: HttpRequest, key: str):
    appointment = _open_offer(_found(key)).appointment
    return {
        "location": appointment.location_id,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "hold_expires_at": (
            appointment.hold_expires_at.isoformat() if appointment.hold_expires_at else None
        ),
    }


@router.post(
    "/wishes/{key}/offer/accept",
    response={200: ReservedOut, 404: Problem, 422: Problem},
    summary="Accept the offered time: it is booked (with a link key of its own)",
)
def accept(request: HttpRequest, key: str):
    now = timezone.now()
    appointment = offers.accept(offer=_newest_offer(_found(key)), now=now)
    token = booking.issue_access_token(appointment, now=now)
    return {**appointment_out(request, appointment, token), "key": token}


@router.post(
    "/wishes/{key}/offer/decline",
    response={200: WishOut, 404: Problem, 422: Problem},
    summary="Decline the offered time: the wish keeps its place for another",
)
def decline(request: HttpRequest, key: str):
    wish = _found(key)
    offers.decline(offer=_newest_offer(wish), now=timezone.now())
    wish.refresh_from_db()
    return wish_out(wish)
