"""Urgent wishes placed directly by a team lead: a free time is booked for the wish (by phone,
with its contact) and the wish is fulfilled, ahead of the queue. Urgency is the citizen's
claim with a reason; the office decides."""

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .. import booking
from ..errors import NotChangeable
from ..items import Item
from ..models import Appointment, Channel, Location, StaffMember, Wish, WishOffer
from . import desk, offers

PLACERS = (StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR)


def place(
    *, wish: Wish, location: Location, start: datetime, actor: StaffMember, now: datetime
) -> Appointment:
    """Book `start` at `location` for the urgent `wish` and mark it fulfilled; an open offer is
    accepted if it is that very time, else withdrawn afterwards (its time goes to the next
    wish). Raises PermissionDenied for a clerk, a wish that is not urgent or one outside the
    actor's scope; NotChangeable once the wish is closed; SlotTaken (with alternatives) if the
    time is no longer free."""
    wish = Wish.objects.get(pk=wish.pk)
    if actor.role not in PLACERS or not wish.urgent or not desk.may_act(actor, wish, location):
        raise PermissionDenied
    if wish.status not in desk.OPEN:
        raise NotChangeable()
    held = wish.offers.filter(state=WishOffer.State.OPEN).select_related("appointment").first()
    if held and held.appointment.location_id == location.pk and held.appointment.start == start:
        appointment = offers.accept(offer=held, now=now)
        _note(wish, actor, appointment)
        return appointment
    items = [Item(row.service, row.quantity) for row in wish.items.select_related("service")]
    appointment = booking.book(
        location=location,
        items=items,
        start=start,
        contact=booking.Contact(wish.name, wish.email, wish.phone, wish.language),
        channel=Channel.PHONE,
        now=now,
    ).appointment
    with transaction.atomic():
        fulfilled = Wish.objects.filter(pk=wish.pk, status__in=desk.OPEN).update(
            status=Wish.Status.FULFILLED,
            closed_at=now,
            placed_by=actor,
            placed_appointment=appointment,
        )
    if not fulfilled:
        # Cancelled (or served) while the time was booked: the booking goes again.
        booking.cancel(appointment=appointment, now=now, channel=Channel.PHONE)
        raise NotChangeable()
    if held is not None:
        offers.withdraw(held, now=now)
    return appointment


def _note(wish: Wish, actor: StaffMember, appointment: Appointment) -> None:
    Wish.objects.filter(pk=wish.pk).update(placed_by=actor, placed_appointment=appointment)
