"""A booking and an absence for the same time, at the same moment: one of them sees the other."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
from django.db import connections

from amtstermin.core import booking, rosters
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Appointment, Status
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("threads")]

NOW = berlin(2026, 12, 4, 15, 0)
WORKDAYS = [0, 1, 2, 3, 4, 7, 8, 9]  # after Monday 7 December: two weeks of the clerk's roster


def race(office, morning: datetime, round_: int) -> set[int]:
    """Book 09:00 and record 08:00–12:00 as sick leave at once; the appointments it listed."""
    barrier = threading.Barrier(2)

    def book():
        try:
            barrier.wait()
            with booking.without_mail():
                booking.book(
                    location=office.location,
                    items=[Item(office.id_card)],
                    start=morning + timedelta(hours=1),
                    contact=booking.Contact(name="Erika", email=f"e{round_}@example.org"),
                    channel="online",
                    now=NOW,
                )
        except SlotTaken:
            pass
        finally:
            connections.close_all()

    def away():
        try:
            barrier.wait()
            return rosters.add_absence(
                staff=office.clerk,
                start=morning,
                end=morning + timedelta(hours=4),
                reason=Absence.Reason.SICKNESS,
                now=NOW,
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(2) as pool:
        booked, outcome = pool.submit(book), pool.submit(away)
        booked.result()
        return {appointment.pk for appointment in outcome.result().affected}


def test_a_booking_never_slips_into_an_absence_saved_at_the_same_moment(office):
    for round_, offset in enumerate(WORKDAYS):
        morning = berlin(2026, 12, 7, 8, 0) + timedelta(days=offset)

        affected = race(office, morning, round_)

        inside = Appointment.objects.filter(
            staff=office.clerk,
            status=Status.BOOKED,
            start__lt=morning + timedelta(hours=4),
            end__gt=morning,
        ).values_list("pk", flat=True)
        # Either the booking was refused, or the absence saw it and asked for a new time.
        assert set(inside) <= affected, f"round {round_}: booked inside a sick leave, unlisted"
