"""Answer an offer: accept (the hold becomes the booking), decline (the time passes to the
next wish); settle() notes the offers whose hold lapsed or was ended elsewhere."""

from datetime import datetime

from django.db import transaction

from .. import booking
from ..errors import BookingError, NotChangeable
from ..models import Appointment, Status, Wish, WishOffer
from .errors import OfferGone
from .tasks import serve_wishes

# A wish whose offers lapsed this often unanswered leaves the queue: its mailbox is not read,
# and each lapse kept a time from everyone for hours.
MOST_LAPSES = 2


def accept(*, offer: WishOffer, now: datetime) -> Appointment:
    """Book the offered time: the citizen's confirmation mail follows, with reference, waiting
    number and links. Accepting twice is harmless; raises OfferGone once declined or lapsed,
    or once the offered time has begun (a hold may outlast a start close at hand)."""
    offer = _current(offer)
    if offer.state == WishOffer.State.ACCEPTED:
        return offer.appointment
    if offer.state != WishOffer.State.OPEN or offer.appointment.start <= now:
        raise OfferGone()
    try:
        appointment = booking.confirm(appointment=offer.appointment, now=now)
    except BookingError:
        settle(now=now)
        raise OfferGone() from None
    _close(offer, WishOffer.State.ACCEPTED, Wish.Status.FULFILLED, now=now)
    return appointment


def decline(*, offer: WishOffer, now: datetime) -> None:
    """The time does not suit: it goes to the next wish; this wish keeps its place (and is never
    offered the same time again). Declining twice is harmless; raises OfferGone once accepted."""
    offer = _current(offer)
    if offer.state == WishOffer.State.DECLINED:
        return
    if offer.state != WishOffer.State.OPEN:
        raise OfferGone()
    _end_hold(offer.appointment, now=now)
    _close(offer, WishOffer.State.DECLINED, Wish.Status.WAITING, now=now)
    _serve_soon(offer)


def withdraw(offer: WishOffer, *, now: datetime) -> None:
    """The wish was cancelled while an offer was open: the hold ends, the time moves on."""
    _end_hold(offer.appointment, now=now)
    with transaction.atomic():
        WishOffer.objects.filter(pk=offer.pk, state=WishOffer.State.OPEN).update(
            state=WishOffer.State.WITHDRAWN, decided_at=now
        )
    _serve_soon(offer)


def settle(*, now: datetime) -> int:
    """Close the open offers whose appointment no longer holds for them: lapsed (the hold
    expired unanswered), booked (accepted, the note lost to a crash) or ended by the office.
    Returns how many; the minute job (core/upkeep.py) calls it after expire_holds."""
    booking.expire_holds(now=now)
    count = 0
    ended = WishOffer.objects.filter(state=WishOffer.State.OPEN).exclude(
        appointment__status=Status.RESERVED, appointment__hold_expires_at__gt=now
    )
    for offer in ended.select_related("appointment", "wish"):
        status = offer.appointment.status
        if status in (Status.BOOKED, Status.CHECKED_IN, Status.CALLED, Status.DONE):
            _close(offer, WishOffer.State.ACCEPTED, Wish.Status.FULFILLED, now=now)
        elif status == Status.CANCELLED:
            _close(offer, WishOffer.State.WITHDRAWN, Wish.Status.WAITING, now=now)
        else:
            lapses = offer.wish.offers.filter(state=WishOffer.State.LAPSED).count() + 1
            after = Wish.Status.EXPIRED if lapses >= MOST_LAPSES else Wish.Status.WAITING
            _close(offer, WishOffer.State.LAPSED, after, now=now)
        count += 1
    return count


def _current(offer: WishOffer) -> WishOffer:
    return WishOffer.objects.select_related("appointment", "wish").get(pk=offer.pk)


def _end_hold(appointment: Appointment, *, now: datetime) -> None:
    if appointment.status == Status.RESERVED:
        # Its mail says nothing new to the citizen, who just said no.
        with booking.without_mail():
            try:
                booking.cancel(appointment=appointment, now=now, channel=appointment.channel)
            except NotChangeable:
                pass  # the hold lapsed (or its time began) before the minute job noted it


def _close(offer: WishOffer, state: str, wish_status: str, *, now: datetime) -> None:
    """Note the offer's end and move its wish on, unless the wish was closed meanwhile."""
    with transaction.atomic():
        updated = WishOffer.objects.filter(pk=offer.pk, state=WishOffer.State.OPEN).update(
            state=state, decided_at=now
        )
        if updated:
            closing = wish_status in (Wish.Status.FULFILLED, Wish.Status.EXPIRED)
            Wish.objects.filter(pk=offer.wish_id, status=Wish.Status.OFFERED).update(
                status=wish_status, **({"closed_at": now} if closing else {})
            )


def _serve_soon(offer: WishOffer) -> None:
    serve_wishes.enqueue(location_id=offer.appointment.location_id)
