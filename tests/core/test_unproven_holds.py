"""Holds without the proof of work (JavaScript off, or a script) take only a small share of a day.

A long Monday with one clerk, 08:00–18:00 (120 units of 5 minutes), and a 15-minute service:
each such hold counts twice its 3 units, the day allows a tenth of 120 = 12, one network a third
of that (beyond its first hold).
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import time, timedelta

import pytest
from django.db import connections, transaction

from amtstermin.core import booking, limits, retention
from amtstermin.core.errors import TooManyUnproven
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, AppointmentEvent, Channel, Location, Status
from tests import factories
from tests.conftest import berlin
from tests.core.test_concurrency import guard_off

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday
MONDAY = berlin(2026, 12, 7, 8, 0)
A, B, C = (f"network-{name}" for name in "abc")  # what limits.client_network returns: HMACs


@pytest.fixture
def long_day(db):
    where = factories.location(name="Bürgerbüro Süd", phone="02381 17-0")
    service = factories.service(name="Personalausweis", duration_minutes=15, locations=[where])
    clerk = factories.staff(skills=[service])
    factories.roster(clerk, where, weekdays=[0], start=time(8), end=time(18))
    return type("LongDay", (), {"location": where, "service": service})


def hold(day, start, network, *, email=None, now=NOW, proven=False):
    number = next(_numbers)
    return booking.book(
        location=day.location,
        items=[Item(day.service)],
        start=start,
        contact=booking.Contact("Someone", email or f"someone{number}@example.org"),
        channel=Channel.ONLINE,
        now=now,
        unproven_network=None if proven else network,
    ).appointment


_numbers = iter(range(10**6))


def at(minutes, days=0):
    return MONDAY + timedelta(minutes=minutes, days=days)


def written():
    return (
        Appointment.objects.count(),
        AppointmentEvent.objects.count(),
        list(Location.objects.values_list("version", flat=True)),
    )


def test_one_network_gets_its_first_hold_and_another_network_still_books(long_day):
    first = hold(long_day, at(0), A)
    assert first.status == Status.RESERVED
    assert first.hold_expires_at == NOW + timedelta(minutes=15)  # not the location's 30
    assert first.unproven_network == A

    before = written()
    with pytest.raises(TooManyUnproven):  # 6 + 6 > a third of 12
        hold(long_day, at(60), A)
    assert written() == before  # the time stays free

    assert hold(long_day, at(60), B).status == Status.RESERVED  # 6 + 6 = 12: the day's share
    with pytest.raises(TooManyUnproven) as refused:
        hold(long_day, at(120), C)
    assert str(refused.value.message) == (
        "Zurzeit können wir für Buchungen ohne die automatische Prüfung gegen Bots keine "
        "weiteren Zeiten freihalten. Bitte versuchen Sie es später noch einmal, schalten Sie "
        "JavaScript ein, um sofort zu buchen, oder rufen Sie uns an: 02381 17-0."
    )
    # With the proof of work nothing of this applies; another day has its own share.
    assert hold(long_day, at(120), C, proven=True).status == Status.BOOKED
    assert hold(long_day, at(0, days=7), C).status == Status.RESERVED


def test_the_first_hold_of_a_day_passes_even_where_it_is_more_than_the_share(office):
    """Four hours, one clerk: a tenth is 4.8 units, less than one 15-minute hold counts."""
    small = type("Small", (), {"location": office.location, "service": office.id_card})
    assert hold(small, berlin(2026, 12, 7, 9, 0), A).status == Status.RESERVED
    with pytest.raises(TooManyUnproven) as refused:
        hold(small, berlin(2026, 12, 7, 10, 0), B)
    assert str(refused.value.message).endswith("oder rufen Sie uns an.")  # no phone number


def test_a_larger_share_of_staff_means_more_holds(long_day):
    other = factories.staff(skills=[long_day.service])
    factories.roster(other, long_day.location, weekdays=[0], start=time(8), end=time(18))
    # 240 units: a share of 24, a third of it 8 per network.
    for network, minutes in ((A, 0), (B, 30), (C, 60), ("network-d", 90)):
        hold(long_day, at(minutes), network)
    with pytest.raises(TooManyUnproven):
        hold(long_day, at(120), "network-e")


def test_a_clerk_who_cannot_serve_the_service_adds_no_share(long_day):
    stranger = factories.staff(skills=[factories.service(locations=[long_day.location])])
    factories.roster(stranger, long_day.location, weekdays=[0], start=time(8), end=time(18))
    hold(long_day, at(0), A)
    hold(long_day, at(30), B)
    with pytest.raises(TooManyUnproven):
        hold(long_day, at(60), C)


def confirmed(day):
    booking.confirm(appointment=hold(day, at(0), A), now=NOW)


def cancelled(day):
    booking.cancel(appointment=hold(day, at(0), A), now=NOW, channel=Channel.ONLINE)


def lapsed(day):
    hold(day, at(0), A, now=NOW - timedelta(minutes=16))


def expired(day):
    hold(day, at(0), A, now=NOW - timedelta(minutes=16))
    booking.expire_holds(now=NOW)


@pytest.mark.parametrize("make", [confirmed, cancelled, lapsed, expired], ids=lambda f: f.__name__)
def test_only_live_unconfirmed_holds_count(long_day, make):
    make(long_day)
    hold(long_day, at(60), A)  # counted, A's second would be refused (6 + 6 > 4)


@pytest.mark.parametrize("make", [confirmed, cancelled, expired], ids=lambda f: f.__name__)
def test_the_network_is_forgotten_when_the_hold_ends(long_day, make):
    make(long_day)
    assert list(Appointment.objects.values_list("unproven_network", flat=True)) == [""]


def test_holds_cannot_be_gathered_on_one_day_by_moving_them(long_day):
    hold(long_day, at(0), A)
    hold(long_day, at(30), B)
    elsewhere = hold(long_day, at(0, days=7), C)  # the next Monday: C's first hold there
    with pytest.raises(TooManyUnproven):
        booking.reschedule(appointment=elsewhere, start=at(60), now=NOW, channel=Channel.ONLINE)
    # Within its own day it may move: it does not count against itself.
    booking.reschedule(appointment=elsewhere, start=at(60, days=7), now=NOW, channel=Channel.ONLINE)


@pytest.mark.django_db(transaction=True)  # no test transaction around it: autocommit
def test_the_caps_refuse_to_run_outside_a_transaction(long_day):
    with pytest.raises(transaction.TransactionManagementError):
        limits.check_unproven_hold(
            long_day.location, day=MONDAY.date(), network=A, units=3, staff_free={}, now=NOW
        )


# Many networks at once: real threads released together (see test_limits.py) --------------------

THREADS = 12


def race(day):
    barrier = threading.Barrier(THREADS)

    def attempt(number):
        try:
            barrier.wait()
            hold(day, at(30 * number), f"network-{number}")
            return "held"
        except TooManyUnproven:
            return "refused"
        except Exception as error:  # counted: the guarded test demands there are none
            return f"error: {type(error).__name__}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(attempt, range(THREADS)))


@pytest.mark.django_db(transaction=True)
def test_holds_from_many_networks_at_once_take_only_the_share(long_day):
    assert race(long_day) == Counter({"held": 2, "refused": THREADS - 2})


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_the_share_is_overrun(long_day):
    """Proves the test above can fail: without the location's lock (PostgreSQL) or BEGIN
    IMMEDIATE (SQLite), concurrent holds each count the others' absence, or fail."""
    with guard_off():
        for _round in range(3):
            outcomes = race(long_day)
            over = Appointment.objects.count() > 2
            errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("error"))
            if over or errors:
                break
            Appointment.objects.all().delete()
    assert over or errors, outcomes


def test_the_purge_forgets_the_network_of_a_hold_that_lapsed_unnoticed(long_day):
    lapsed(long_day)  # never marked expired: no booking touched its time, no task ran
    retention.purge(now=MONDAY + timedelta(days=60))
    assert list(Appointment.objects.values_list("unproven_network", flat=True)) == [""]
