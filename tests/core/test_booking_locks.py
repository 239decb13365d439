"""Who waits for whom (ADR 0006): bookings of one location pass each other, roster changes wait.

A transaction in another thread holds the location's lock as a booking in flight (shared) or a
roster change in flight (exclusive) would, and the test shows what the other side does
meanwhile. PostgreSQL only: SQLite runs one writer at a time by design (BEGIN IMMEDIATE).
"""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection, connections, transaction

from amtstermin.core import booking, limits, rosters
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Appointment
from amtstermin.core.scheduling import locks
from tests.conftest import berlin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("threads"),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="advisory locks: PostgreSQL"),
]

NOW = berlin(2026, 12, 4, 15, 0)
MONDAY_9 = berlin(2026, 12, 7, 9, 0)
WAIT = 5.0  # seconds: far longer than a booking takes


def holding(take):
    """Run `take()` in a transaction of another thread and keep it open until released."""
    taken, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                take()
                taken.set()
                release.wait(30)
        finally:
            connections.close_all()

    pool = ThreadPoolExecutor(1)
    future = pool.submit(hold)
    assert taken.wait(WAIT)
    return release, future, pool


def book(office, start, mailbox):
    with booking.without_mail():
        return booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=start,
            contact=booking.Contact(name="Erika", email=mailbox),
            channel="online",
            now=NOW,
        )


def in_thread(work):
    """Start `work` in a thread of its own; its future."""
    pool = ThreadPoolExecutor(1)

    def run():
        try:
            return work()
        finally:
            connections.close_all()

    return pool.submit(run)


def test_a_booking_does_not_wait_for_another_booking_in_flight(office):
    release, held, _pool = holding(lambda: locks.share(office.location.pk))
    try:
        other = in_thread(lambda: book(office, MONDAY_9, "a@example.org"))
        other.result(timeout=WAIT)  # a TimeoutError here: it queued behind the first
    finally:
        release.set()
        held.result()
    assert Appointment.objects.count() == 1


def test_a_roster_change_waits_for_a_booking_in_flight_and_then_sees_it(office):
    release, held, _pool = holding(lambda: locks.share(office.location.pk))
    absence = in_thread(
        lambda: rosters.add_absence(
            staff=office.clerk,
            start=MONDAY_9,
            end=MONDAY_9 + timedelta(hours=1),
            reason=Absence.Reason.SICKNESS,
            now=NOW,
        )
    )
    try:
        with pytest.raises(TimeoutError):
            absence.result(timeout=1.0)  # still waiting for the booking
    finally:
        release.set()
        held.result()
    absence.result(timeout=WAIT)
    assert Absence.objects.count() == 1


def test_a_booking_waits_for_a_roster_change_in_flight(office):
    release, held, _pool = holding(lambda: locks.exclusive([office.location.pk]))
    other = in_thread(lambda: book(office, MONDAY_9, "b@example.org"))
    try:
        with pytest.raises(TimeoutError):
            other.result(timeout=1.0)
    finally:
        release.set()
        held.result()
    other.result(timeout=WAIT)
    assert Appointment.objects.count() == 1


def test_a_booking_takes_its_mailbox_before_the_location(office):
    """Both locks go in one statement (booking._book_once): PostgreSQL takes them left to
    right, so a booking waiting for a roster change already holds its mailbox, and none holds
    the location while it waits for a mailbox (no deadlock with a change queued between)."""
    release, held, _pool = holding(lambda: locks.exclusive([office.location.pk]))
    other = in_thread(lambda: book(office, MONDAY_9, "c@example.org"))
    try:
        with pytest.raises(TimeoutError):
            other.result(timeout=1.0)  # waiting for the location
        lock_id = limits.mailbox_lock(office.location, "c@example.org")[1][0]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [lock_id])
            assert cursor.fetchone() == (False,)  # the waiting booking holds its mailbox
    finally:
        release.set()
        held.result()
    other.result(timeout=WAIT)
    assert Appointment.objects.count() == 1
