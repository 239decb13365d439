"""What the calendar offers, rule by rule."""

from datetime import UTC, date, time, timedelta

import pytest

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Channel, Closure
from amtstermin.core.scheduling import availability, versions
from tests import factories
from tests.conftest import berlin
from tests.fixtures.transactions import as_committed

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)
NOW = berlin(2026, 12, 4, 15, 0)  # the Friday before


def starts(office, day, items=None, *, now=NOW, channel=Channel.ONLINE):
    items = items or [Item(office.id_card)]
    found = availability.compute(office.location, items, now=now, channel=channel)
    return [
        start.astimezone(berlin(2026, 1, 1).tzinfo).strftime("%H:%M") for start in found.starts(day)
    ]


def test_a_15_minute_service_is_offered_every_5_minutes_inside_the_roster(office):
    offered = starts(office, MONDAY)
    assert offered[0] == "08:00" and offered[-1] == "11:45"
    assert len(offered) == 46


def test_quantities_lengthen_the_appointment(office):
    # 2 × 15 (+10) + Anmeldung 15 = 40 minutes: the last start is 11:20.
    items = [Item(office.id_card, 2), Item(office.registration, 1)]
    assert starts(office, MONDAY, items)[-1] == "11:20"


def test_nobody_is_offered_without_every_skill(office):
    other = factories.service(department=office.id_card.department, locations=[office.location])
    assert starts(office, MONDAY, [Item(office.id_card), Item(other)]) == []


def test_an_absence_hides_the_clerks_time(office):
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 7, 9, 0), end=berlin(2026, 12, 7, 10, 0)
    )
    offered = starts(office, MONDAY)
    assert "08:45" in offered and "08:50" not in offered and "09:55" not in offered
    assert "10:00" in offered


def test_an_absence_that_began_before_the_calendar_hides_time_until_its_end(office):
    # From the week before the calendar's first day to 09:07: the time up to 09:10 is taken
    # (the units are counted from the calendar's first midnight, this one's before it).
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 11, 30, 8, 0), end=berlin(2026, 12, 7, 9, 7)
    )
    assert starts(office, MONDAY)[0] == "09:10"
    assert (
        availability.compute(office.location, [Item(office.id_card)], now=NOW).count(
            date(2026, 12, 4)
        )
        == 0
    )


def test_a_closure_closes_the_location(office):
    Closure.objects.create(
        location=office.location,
        start=berlin(2026, 12, 7, 0, 0),
        end=berlin(2026, 12, 8, 0, 0),
        reason="Betriebsausflug",
    )
    assert starts(office, MONDAY) == []


def test_public_holidays_of_the_state_are_closed(office):
    now = berlin(2026, 12, 20, 12, 0)
    christmas = availability.compute(office.location, [Item(office.id_card)], now=now)
    assert christmas.count(date(2026, 12, 25)) == 0
    assert christmas.count(date(2026, 12, 24)) > 0  # not a public holiday in NRW


def test_kept_back_blocks_are_offered_to_staff_but_not_online(office):
    factories.roster(
        office.clerk,
        office.location,
        weekdays=[0],
        start=time(14),
        end=time(16),
        online_bookable=False,
    )
    assert "14:00" not in starts(office, MONDAY)
    assert "14:00" in starts(office, MONDAY, channel=Channel.PHONE)


def test_minimum_notice_applies_online_only(office):
    office.location.min_notice_minutes = 120
    office.location.save()
    now = berlin(2026, 12, 7, 8, 2)
    assert starts(office, MONDAY, now=now)[0] == "10:05"
    assert starts(office, MONDAY, now=now, channel=Channel.PHONE)[0] == "08:05"


def test_nothing_beyond_the_horizon(office):
    found = availability.compute(office.location, [Item(office.id_card)], now=NOW)
    assert found.days()[-1] <= date(2026, 12, 4) + timedelta(days=42)
    assert found.days()[-1] >= date(2027, 1, 12)


def test_validity_dates_of_a_roster_are_respected(office):
    office.clerk.roster.update(valid_until=date(2026, 12, 7))
    found = availability.compute(office.location, [Item(office.id_card)], now=NOW)
    assert found.days() == [MONDAY]  # Friday afternoon has no roster left


def test_first_day_is_the_first_with_a_free_start(office):
    found = availability.compute(
        office.location, [Item(office.id_card)], now=berlin(2026, 12, 5, 9)
    )
    assert found.first_day() == MONDAY


@pytest.mark.parametrize(
    ("sunday", "first_hours"),
    [
        # Spring forward: 02:00 does not exist; 01:00–05:00 wall clock is three real hours.
        (date(2026, 3, 29), ["01:00", "01:15", "01:30", "01:45", "03:00", "03:15"]),
        # Fall back: 02:00–03:00 happens twice; 01:00–05:00 wall clock is five real hours.
        (date(2026, 10, 25), ["01:00", "01:15", "01:30", "01:45", "02:00", "02:15"]),
    ],
)
def test_dst_sundays_offer_real_time(db, sunday, first_hours):
    where = factories.location(slot_minutes=15)
    service = factories.service(locations=[where], duration_minutes=15, additional_minutes=0)
    clerk = factories.staff(skills=[service])
    factories.roster(clerk, where, weekdays=[6], start=time(1), end=time(5))
    now = berlin(sunday.year, sunday.month, sunday.day - 2, 12, 0)
    found = availability.compute(where, [Item(service)], now=now)
    offered = found.starts(sunday)
    local = [start.astimezone(berlin(2026, 1, 1).tzinfo).strftime("%H:%M") for start in offered]
    assert local[:6] == first_hours
    real_hours = (offered[-1] - offered[0] + timedelta(minutes=15)).total_seconds() / 3600
    assert real_hours == (3 if sunday.month == 3 else 5)
    assert all(start.tzinfo is UTC for start in offered)


def test_the_cached_calendar_equals_the_computed_one_and_forgets_a_booked_time(office):
    items = [Item(office.id_card, 2), Item(office.registration)]
    fresh = availability.compute(office.location, items, now=NOW)
    cached = availability.compute(office.location, items, now=NOW, cached=True)
    assert cached.masks == fresh.masks
    before = versions.bookings(office.location.pk)
    start = berlin(2026, 12, 7, 9, 0)
    with as_committed():
        booking.book(
            location=office.location,
            items=items,
            start=start,
            contact=booking.Contact(name="Erika", email="erika@example.org"),
            channel=Channel.ONLINE,
            now=NOW,
        )
        # Before the commit, a calendar computed afresh would still show the time as free
        # to other requests: it must not be stored under a version that looks current.
        assert versions.bookings(office.location.pk) == before
    assert versions.bookings(office.location.pk) != before
    again = availability.compute(office.location, items, now=NOW, cached=True)
    assert start not in again.starts(MONDAY)
    assert again.masks == availability.compute(office.location, items, now=NOW).masks


def test_the_cached_calendar_applies_the_notice_afresh(office):
    items = [Item(office.id_card)]
    early = availability.compute(office.location, items, now=berlin(2026, 12, 7, 7, 0), cached=True)
    assert min(early.starts(MONDAY)) == berlin(2026, 12, 7, 8, 0)
    later = berlin(2026, 12, 7, 10, 0)  # same day and version: the same cache entry
    found = availability.compute(office.location, items, now=later, cached=True)
    assert min(found.starts(MONDAY)) == later
