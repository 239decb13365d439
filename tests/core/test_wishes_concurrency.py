"""The wish-list under real concurrency (issue 15, "Must hold"), PostgreSQL only: SQLite runs
one writer at a time by design (BEGIN IMMEDIATE), so nothing there can happen at once.

A cancellation and an online booking of the same time, released together by a barrier, while a
waiting wish matches it: the wish gets the time, the booking a clear "just taken", never both.
Two processes serving one location's queue at once never offer one time or one wish twice.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, time, timedelta

import pytest
from django.db import connection, connections

from amtstermin.core import booking
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import HOLDING, Appointment, Channel, Status, Wish, WishOffer
from amtstermin.core.wishes import matching, rounds, store
from tests.conftest import berlin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers: PostgreSQL (SQLite runs one writer at a time)",
    ),
]

NOW = berlin(2026, 12, 4, 15, 0)
WEEK = [date(2026, 12, 7) + timedelta(days=n) for n in range(5)]  # Monday to Friday


def at_nine(day: date):
    return berlin(day.year, day.month, day.day, 9, 0)


def phone_booking(office, start) -> Appointment:
    with booking.without_mail():
        return booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=start,
            contact=booking.Contact("Max Muster", f"max{start:%d%H%M}@example.org"),
            channel=Channel.PHONE,
            now=NOW,
        ).appointment


def waiting_wish(office, mailbox: str, day: date, *, until=time(9, 15)) -> Wish:
    """A verified wish for one Personalausweis (15 minutes) on `day` between 09:00 and `until`."""
    left = store.leave(
        items=[Item(office.id_card)],
        wanted=store.Wanted(
            locations=[office.location],
            latest_date=day,
            weekdays=1 << day.weekday(),
            earliest_time=time(9, 0),
            latest_time=until,
        ),
        wisher=store.Wisher("Erika Mustermann", mailbox),
        now=NOW,
    )
    return store.verify(wish=left.wish, now=NOW)


def together(*works):
    """Run each callable in a thread of its own, released at once; their outcomes in order."""
    barrier = threading.Barrier(len(works))

    def run(work):
        try:
            barrier.wait()
            return work()
        except SlotTaken:
            return "just taken"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(works)) as pool:
        return [future.result(timeout=30) for future in [pool.submit(run, w) for w in works]]


def test_a_cancelled_time_goes_to_the_waiting_wish_and_online_hears_just_taken(office):
    for number, day in enumerate(WEEK):
        taken = phone_booking(office, at_nine(day))
        wish = waiting_wish(office, f"erika{number}@example.org", day)
        assert wish.status == Wish.Status.WAITING  # the only fitting time is booked

        def cancel_and_serve(taken=taken):
            with booking.without_mail():
                booking.cancel(appointment=taken, now=NOW, channel=Channel.PHONE)
            return rounds.tend(now=NOW)["offers_made"]

        def book_online(day=day, number=number):
            return booking.book(
                location=office.location,
                items=[Item(office.id_card)],
                start=at_nine(day),
                contact=booking.Contact("Bot", f"bot{number}@example.org"),
                channel=Channel.ONLINE,
                now=NOW,
            )

        served, online = together(cancel_and_serve, book_online)
        assert (served, online) == (1, "just taken")
        offer = WishOffer.objects.get(wish=wish)
        assert offer.state == WishOffer.State.OPEN
        assert offer.appointment.start == at_nine(day)
        assert offer.appointment.status == Status.RESERVED
        holding = Appointment.objects.filter(status__in=HOLDING, start=at_nine(day))
        assert list(holding) == [offer.appointment]  # never booked twice


def test_two_processes_serving_one_queue_never_offer_a_time_or_a_wish_twice(office):
    monday = WEEK[0]
    starts = [at_nine(monday) + timedelta(minutes=15 * n) for n in range(4)]
    taken = [phone_booking(office, start) for start in starts]
    wishes = [
        waiting_wish(office, f"w{n}@example.org", monday, until=time(10, 0)) for n in range(6)
    ]
    assert not WishOffer.objects.exists()
    with booking.without_mail():
        for appointment in taken:
            booking.cancel(appointment=appointment, now=NOW, channel=Channel.PHONE)

    made = together(*[lambda: matching.serve(office.location, now=NOW)] * 3)

    open_offers = list(
        WishOffer.objects.filter(state=WishOffer.State.OPEN).select_related("appointment")
    )
    assert sum(made) == len(open_offers) == WishOffer.objects.count()
    per_wish = Counter(offer.wish_id for offer in open_offers)
    assert max(per_wish.values()) == 1
    per_start = Counter(offer.appointment.start for offer in open_offers)
    assert max(per_start.values()) == 1  # one clerk: a start held twice would overlap
    assert {offer.appointment.start for offer in open_offers} <= set(starts)
    held = Appointment.objects.filter(status__in=HOLDING).order_by("start")
    assert all(a.end <= b.start for a, b in zip(held, held[1:], strict=False))
    # Whatever a lost race left over, the minute job serves: the four oldest get the four times.
    rounds.tend(now=NOW)
    offered = {
        offer.wish_id: offer.appointment.start
        for offer in WishOffer.objects.filter(state=WishOffer.State.OPEN)
    }
    assert set(offered) == {wish.pk for wish in wishes[:4]}
    assert sorted(offered.values()) == starts
