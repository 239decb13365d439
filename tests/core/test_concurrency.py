"""Real threads released together by a barrier, against the real database of the run.

Each guarded test has a twin that first switches the guard off and shows the race is real
(as pretix does), so the guarded test cannot pass by luck or by accidental serialisation.
"""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from unittest import mock

import pytest
from django.db import connection, connections

from amtstermin.core import booking, limits
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import HOLDING, Appointment, Channel
from tests.conftest import berlin
from tests.fixtures.transactions import deferred_sqlite_transactions

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("threads")]

GUARD_MIGRATION = import_module("amtstermin.core.migrations.0002_no_overbooking_on_postgresql")
# Forty at once: with the other tests' connections this stays below PostgreSQL's 100, also while
# the backends of an earlier race are still closing.
THREADS = 40
NOW = berlin(2026, 12, 4, 15, 0)
MONDAY_9 = berlin(2026, 12, 7, 9, 0)


def race(office, starts):
    """Book `starts[i]` from thread i, all released at once; returns outcome counts."""
    barrier = threading.Barrier(len(starts))

    def attempt(number):
        try:
            barrier.wait()
            booking.book(
                location=office.location,
                items=[Item(office.id_card)],
                start=starts[number],
                contact=booking.Contact(name=f"Citizen {number}", email=f"c{number}@example.org"),
                channel=Channel.ONLINE,
                now=NOW,
            )
            return "booked"
        except SlotTaken:
            return "taken"
        except Exception as error:  # counted: the guarded tests demand there are none
            return f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(len(starts)) as pool:
        return Counter(pool.map(attempt, range(len(starts))))


def overlaps(appointments):
    ordered = sorted(appointments, key=lambda a: a.start)
    return [(a, b) for a, b in zip(ordered, ordered[1:], strict=False) if b.start < a.end]


@contextmanager
def guard_off():
    """PostgreSQL without its exclusion constraint; SQLite without BEGIN IMMEDIATE. Either way
    without the lock that keeps holds without the proof of work apart (limits.py)."""
    with mock.patch.object(limits, "unproven_day_lock", lambda *args: None):
        with _database_guard_off():
            yield


@contextmanager
def _database_guard_off():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE core_appointment DROP CONSTRAINT appointment_staff_no_overlap"
            )
        try:
            yield
        finally:
            Appointment.objects.all().delete()
            with connection.cursor() as cursor:
                cursor.execute(GUARD_MIGRATION.CREATE)
    else:
        with deferred_sqlite_transactions():
            yield


def test_forty_citizens_racing_for_one_time_get_it_exactly_once(office):
    outcomes = race(office, [MONDAY_9] * THREADS)
    assert outcomes == Counter({"booked": 1, "taken": THREADS - 1})
    assert Appointment.objects.filter(status__in=HOLDING).count() == 1


def test_forty_overlapping_starts_for_one_clerk_never_overlap(office):
    starts = [MONDAY_9 + timedelta(minutes=5 * (n % 12)) for n in range(THREADS)]
    outcomes = race(office, starts)
    assert set(outcomes) <= {"booked", "taken"}, outcomes
    booked = list(Appointment.objects.filter(status__in=HOLDING))
    assert len(booked) == outcomes["booked"] >= 1
    assert overlaps(booked) == []


def test_without_the_guard_the_race_is_real(office):
    """Proves the tests above can fail: unguarded, concurrent bookings collide."""
    with guard_off():
        for _round in range(3):  # a race is a race: give it three chances to show itself
            outcomes = race(office, [MONDAY_9] * THREADS)
            doubled = Appointment.objects.filter(status__in=HOLDING).count() > 1
            errors = sum(
                count for outcome, count in outcomes.items() if outcome.startswith("error")
            )
            if doubled or errors:
                break
            Appointment.objects.all().delete()
    # PostgreSQL double-books; SQLite without IMMEDIATE fails writers with "database is locked".
    assert doubled or errors, outcomes
