"""The wish-list's core: a wish joins the queue once its mailbox is proven; freed time goes to
the oldest matching wish as a held offer; accept books it, decline and lapse pass it on.

The `office` fixture opens Monday to Friday 08–12; the clock stands on Friday 4 December 2026,
15:00 in Berlin. The wishes below ask for Monday 7 December between 09:00 and 09:30 (one
Personalausweis takes 15 minutes), so exactly the starts 09:00 and 09:15 fit.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.core import mail

from amtstermin.core import booking
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Status, Wish, WishOffer
from amtstermin.core.scheduling import availability
from amtstermin.core.wishes import matching, offers, rounds, store
from amtstermin.core.wishes.errors import AlreadyWishing, OfferGone
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

MONDAY = date(2026, 12, 7)
NINE = berlin(2026, 12, 7, 9, 0)
QUARTER_PAST = berlin(2026, 12, 7, 9, 15)


def wanted(office, **changes) -> store.Wanted:
    return store.Wanted(
        **{
            "locations": [office.location],
            "latest_date": MONDAY,
            "weekdays": 0b0000001,
            "earliest_time": time(9, 0),
            "latest_time": time(9, 30),
            **changes,
        }
    )


def mailed_token(kind: str) -> str:
    """The key in the last mail's link to the wish page of `kind` ("bestaetigen", "angebot")."""
    body = mail.outbox[-1].body
    return re.search(rf"/termin/wunsch/([^/\s]+)/{kind}/", body).group(1)


def verified_wish(office, email="erika@example.org", **changes) -> Wish:
    left = store.leave(
        items=[Item(office.id_card)],
        wanted=wanted(office, **changes),
        wisher=store.Wisher("Erika Mustermann", email),
        now=berlin(2026, 12, 4, 15, 0),
    )
    token = mailed_token("bestaetigen")
    assert store.find_by_token(token, mailed=True) == left.wish
    assert store.find_by_token(left.token, mailed=True) is None  # the browser's key proves nothing
    return store.verify(wish=left.wish, now=left.wish.created_at)


def take_the_nine_and_quarter_past(office) -> list[Appointment]:
    return [
        booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=start,
            contact=booking.Contact(f"Bürger {start:%H%M}", f"b{start:%H%M}@example.org"),
            channel=Channel.PHONE,
            now=berlin(2026, 12, 4, 15, 0),
        ).appointment
        for start in (NINE, QUARTER_PAST)
    ]


def test_a_wish_counts_once_its_mailbox_is_proven_and_gets_the_first_fitting_time(office):
    left = store.leave(
        items=[Item(office.id_card)],
        wanted=wanted(office),
        wisher=store.Wisher("Erika Mustermann", "erika@example.org"),
        now=berlin(2026, 12, 4, 15, 0),
    )
    assert left.wish.status == Wish.Status.UNVERIFIED
    assert matching.serve(office.location, now=berlin(2026, 12, 4, 15, 0)) == 0  # no place yet
    token = mailed_token("bestaetigen")
    wish = store.verify(wish=store.find_by_token(token, mailed=True), now=left.wish.created_at)
    # Verifying serves at once: the first start that fits is held and offered.
    wish.refresh_from_db()
    assert wish.status == Wish.Status.OFFERED
    (offer,) = wish.offers.all()
    assert offer.appointment.start == NINE
    assert offer.appointment.status == Status.RESERVED
    assert offer.appointment.hold_expires_at == left.wish.created_at + timedelta(minutes=120)
    assert "09:00" in mail.outbox[-1].body and "/angebot/" in mail.outbox[-1].body
    # Held for the wish: nobody online is shown it.
    online = availability.compute(office.location, [Item(office.id_card)], now=wish.created_at)
    assert NINE not in online.starts(MONDAY)


def test_the_oldest_matching_wish_is_served_first_and_a_decline_passes_the_time_on(office):
    taken = take_the_nine_and_quarter_past(office)
    first = verified_wish(office, "first@example.org")
    second = verified_wish(office, "second@example.org")
    assert not WishOffer.objects.exists()  # nothing free in their window
    with booking.without_mail():
        booking.cancel(appointment=taken[0], now=first.created_at, channel=Channel.PHONE)
    rounds.tend(now=first.created_at)
    (offer,) = WishOffer.objects.all()
    assert offer.wish == first and offer.appointment.start == NINE
    offers.decline(offer=offer, now=first.created_at)
    # The time goes to the next wish at once; the first keeps its place, never offered it again.
    (passed,) = WishOffer.objects.filter(state=WishOffer.State.OPEN)
    assert passed.wish == second and passed.appointment.start == NINE
    first.refresh_from_db()
    assert first.status == Wish.Status.WAITING


def test_accepting_books_the_time_with_reference_and_waiting_number(office):
    wish = verified_wish(office)
    offer = wish.offers.get()
    appointment = offers.accept(offer=offer, now=wish.created_at)
    assert appointment.status == Status.BOOKED
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED
    booked_mail = mail.outbox[-1]
    assert appointment.reference in booked_mail.body
    assert appointment.waiting_number in booked_mail.body
    assert offers.accept(offer=offer, now=wish.created_at) == appointment  # twice is harmless
    with pytest.raises(OfferGone):
        offers.decline(offer=offer, now=wish.created_at)


def test_an_unanswered_offer_lapses_and_the_time_passes_on(office, clock):
    first = verified_wish(office, "first@example.org")
    held = first.offers.get().appointment
    clock.now = held.hold_expires_at - timedelta(minutes=30)
    second = verified_wish(office, "second@example.org")
    # The second got the quarter past (the nine is held for the first).
    assert second.offers.get().appointment.start == QUARTER_PAST
    clock.now = held.hold_expires_at + timedelta(minutes=1)
    rounds.tend(now=clock.now)
    lapsed = first.offers.get(state=WishOffer.State.LAPSED)
    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    # The first waits again, but is never offered the nine it let lapse; the next wish is.
    first.refresh_from_db()
    assert first.status == Wish.Status.WAITING
    assert not first.offers.filter(state=WishOffer.State.OPEN).exists()
    third = verified_wish(office, "third@example.org")
    assert third.offers.get().appointment.start == NINE
    with pytest.raises(OfferGone):
        offers.accept(offer=lapsed, now=clock.now)


def test_a_second_lapse_ends_the_wish(office, clock):
    wish = verified_wish(office)
    for _round in range(2):
        clock.now = wish.offers.get(state=WishOffer.State.OPEN).appointment.hold_expires_at
        clock.now += timedelta(minutes=1)
        rounds.tend(now=clock.now)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.EXPIRED
    assert wish.offers.filter(state=WishOffer.State.LAPSED).count() == 2


def test_a_cancelled_time_goes_to_the_wish_before_anyone_online(office):
    taken = take_the_nine_and_quarter_past(office)
    wish = verified_wish(office)
    now = wish.created_at
    with booking.without_mail():
        booking.cancel(appointment=taken[0], now=now, channel=Channel.PHONE)
    # Online, the cancelled time is held back for the re-release delay: "just taken".
    with pytest.raises(SlotTaken):
        booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=NINE,
            contact=booking.Contact("Bot", "bot@example.org"),
            channel=Channel.ONLINE,
            now=now,
        )
    rounds.tend(now=now)
    assert wish.offers.get().appointment.start == NINE


def test_one_open_wish_per_mailbox_and_service_set(office):
    verified_wish(office, "erika@example.org")
    with pytest.raises(AlreadyWishing):
        store.leave(
            items=[Item(office.id_card)],
            wanted=wanted(office),
            # the same mailbox as the limits count it (case, plus-addressing)
            wisher=store.Wisher("Erika", "Erika+zwei@Example.org"),
            now=berlin(2026, 12, 4, 15, 0),
        )
    other = store.leave(
        items=[Item(office.registration)],
        wanted=wanted(office),
        wisher=store.Wisher("Erika", "erika@example.org"),
        now=berlin(2026, 12, 4, 15, 0),
    )
    assert other.wish.status == Wish.Status.UNVERIFIED


def test_a_wish_expires_after_its_latest_day_and_a_cancelled_wish_gives_its_hold_back(
    office, clock
):
    take_the_nine_and_quarter_past(office)
    waiting = verified_wish(office, "wait@example.org")
    clock.now = berlin(2026, 12, 8, 0, 30)
    rounds.tend(now=clock.now)
    waiting.refresh_from_db()
    assert waiting.status == Wish.Status.EXPIRED


def test_cancelling_a_wish_with_an_open_offer_frees_the_time(office):
    wish = verified_wish(office)
    held = wish.offers.get().appointment
    store.cancel(wish=wish, now=wish.created_at)
    held.refresh_from_db()
    assert held.status == Status.CANCELLED
    assert wish.offers.get().state == WishOffer.State.WITHDRAWN
