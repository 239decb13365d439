"""Late answers, as the state machine (test_wishes_state_machine.py) met them: an offer whose
hold lapsed before the minute job noticed can still be declined and its wish cancelled; an
offer whose time has begun can no longer be accepted."""

from datetime import timedelta

import pytest

from amtstermin.core.models import Status, Wish, WishOffer
from amtstermin.core.wishes import offers, rounds, store
from amtstermin.core.wishes.errors import OfferGone
from tests.conftest import berlin
from tests.core.test_wishes import verified_wish

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def lapsed_unnoticed(office, clock) -> Wish:
    wish = verified_wish(office)
    clock.now = wish.offers.get().appointment.hold_expires_at + timedelta(minutes=1)
    return wish


def test_cancelling_a_wish_whose_offer_lapsed_unnoticed(office, clock):
    wish = lapsed_unnoticed(office, clock)
    store.cancel(wish=wish, now=clock.now)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CANCELLED
    offer = wish.offers.get()
    assert offer.state == WishOffer.State.WITHDRAWN
    rounds.tend(now=clock.now)
    offer.appointment.refresh_from_db()
    assert offer.appointment.status == Status.EXPIRED


def test_declining_an_offer_that_lapsed_unnoticed_passes_the_wish_on(office, clock):
    wish = lapsed_unnoticed(office, clock)
    first = wish.offers.get()
    offers.decline(offer=first, now=clock.now)
    first.refresh_from_db()
    assert first.state == WishOffer.State.DECLINED
    wish.refresh_from_db()
    assert wish.status == Wish.Status.OFFERED  # the next start now; never the nine again
    following = wish.offers.get(state=WishOffer.State.OPEN).appointment.start
    assert following == first.appointment.start + timedelta(minutes=office.location.slot_minutes)
    rounds.tend(now=clock.now)
    first.appointment.refresh_from_db()
    assert first.appointment.status == Status.EXPIRED


def test_an_offer_cannot_be_accepted_once_its_time_has_begun(office, clock):
    clock.now = berlin(2026, 12, 7, 8, 30)  # Monday: the nine is offered, held until 10:30
    wish = verified_wish(office)
    offer = wish.offers.get()
    assert offer.appointment.hold_expires_at > offer.appointment.start
    clock.now = offer.appointment.start + timedelta(minutes=10)
    with pytest.raises(OfferGone):
        offers.accept(offer=offer, now=clock.now)
    offer.appointment.refresh_from_db()
    assert offer.appointment.status == Status.RESERVED  # not booked in the past
