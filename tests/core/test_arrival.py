"""The arrival advice ("Bitte kommen Sie um …") never names a time before the doors open."""

from datetime import time

import pytest
from django.utils import timezone

from amtstermin.core import booking, summary
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, OpeningHours
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday; the office's clerk works Mon–Fri 08–12

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def advice_for(office, start) -> str:
    made = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=timezone.now(),
    )
    return summary.summarize(made.appointment, now=timezone.now()).arrival_advice


def test_the_first_appointment_of_the_day_is_told_the_opening_time(office):
    OpeningHours.objects.create(location=office.location, weekday=0, opens=time(8), closes=time(12))

    advice = advice_for(office, berlin(2026, 12, 7, 8, 0))

    assert advice.startswith("Bitte kommen Sie um 08:00 Uhr, nicht früher")


def test_without_opening_hours_the_roster_start_counts(office):
    assert advice_for(office, berlin(2026, 12, 7, 8, 0)).startswith("Bitte kommen Sie um 08:00")


def test_later_appointments_and_earlier_doors_keep_five_minutes_ahead(office):
    OpeningHours.objects.create(
        location=office.location, weekday=0, opens=time(7, 30), closes=time(12)
    )

    assert advice_for(office, berlin(2026, 12, 7, 8, 0)).startswith("Bitte kommen Sie um 07:55")
    assert advice_for(office, berlin(2026, 12, 7, 9, 30)).startswith("Bitte kommen Sie um 09:25")


def test_an_afternoon_opening_counts_for_its_own_span(office):
    office.clerk.roster.filter(weekday=0).update(start_time=time(14), end_time=time(18))
    OpeningHours.objects.create(location=office.location, weekday=0, opens=time(8), closes=time(12))
    OpeningHours.objects.create(
        location=office.location, weekday=0, opens=time(14), closes=time(18)
    )

    assert advice_for(office, berlin(2026, 12, 7, 14, 0)).startswith("Bitte kommen Sie um 14:00")
