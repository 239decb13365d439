"""Serve the wish-list: free time goes to the oldest waiting wish it fits, held as an offer."""

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Prefetch

from .. import booking
from ..errors import SlotTaken
from ..items import Item, units_needed
from ..models import Channel, Location, Wish, WishOffer
from ..notifications.events import WISH_OFFER as OFFER
from ..notifications.tasks import send_wish_mail
from ..scheduling import availability


def serve(location: Location, *, now: datetime) -> int:
    """Offer free starts at `location` to its waiting wishes, oldest first; returns how many
    offers were made. Safe to run in several processes at once: an offer is a hold, which the
    booking guards allow once, and a wish holds one open offer at most."""
    made = 0
    no_fit: set[tuple] = set()  # offers only take time away: a wish that fits nothing now
    waiting = (
        Wish.objects.filter(status=Wish.Status.WAITING, locations=location)
        .order_by("verified_at", "pk")
        .prefetch_related(
            "items__service",
            # The times each was offered here before, in the same round trips, not one a wish.
            Prefetch(
                "offers",
                queryset=WishOffer.objects.filter(appointment__location=location)
                .only("wish_id", "appointment__start")
                .select_related("appointment"),
                to_attr="offered_here",
            ),
        )
    )
    for wish in waiting:
        items = [Item(row.service, row.quantity) for row in wish.items.all()]
        # Never offered again: the times this wish was offered here before (declined, lapsed).
        before = frozenset(past.appointment.start for past in wish.offered_here)
        alike = (
            before,
            wish.services_key,
            tuple(item.quantity for item in items),
            wish.weekdays,
            wish.earliest_time,
            wish.latest_time,
            wish.latest_date,
        )
        if alike in no_fit:
            continue
        start = earliest(location, wish, items, now=now, before=before)
        if start is None:
            no_fit.add(alike)
        elif offer(wish, location, items, start, now=now):
            made += 1
    return made


def earliest(
    location: Location, wish: Wish, items: list[Item], *, now: datetime, before=frozenset()
):
    """The first free start at `location` that the wish accepts: its weekdays, its day-times
    (the whole appointment inside them), on or before its latest day; never one of `before`
    (offered to it already). None if there is none."""
    found = availability.compute(
        location,
        items,
        now=now,
        channel=Channel.ONLINE,
        last=wish.latest_date,
        for_wishes=True,
    )
    length = units_needed(items, location) * location.slot_minutes
    for day in found.days():
        if not wish.weekdays >> day.weekday() & 1:
            continue
        for start in found.starts(day):
            local = start.astimezone(location.zone)
            end = (local + timedelta(minutes=length)).time()
            if wish.earliest_time and local.time() < wish.earliest_time:
                continue
            if wish.latest_time and end > wish.latest_time:
                break
            if start not in before:
                return start
    return None


def offer(wish: Wish, location: Location, items: list[Item], start, *, now: datetime) -> bool:
    """Hold `start` for `wish` and mail the offer; False if the wish or the time was taken
    meanwhile (another process served it)."""
    with transaction.atomic():
        locked = Wish.objects.select_for_update().filter(pk=wish.pk, status=Wish.Status.WAITING)
        current = locked.first()
        if current is None:
            return False
        wish = current
        try:
            appointment = booking.hold_for_wish(
                location=location,
                items=items,
                start=start,
                contact=booking.Contact(wish.name, wish.email, wish.phone, wish.language),
                now=now,
            )
        except SlotTaken:
            return False
        made = WishOffer.objects.create(wish=wish, appointment=appointment, created_at=now)
        wish.status = Wish.Status.OFFERED
        wish.save(update_fields=["status"])
        send_wish_mail.enqueue(wish_id=wish.pk, event=OFFER, offer_id=made.pk)
    return True
