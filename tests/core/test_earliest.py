"""The earliest free time at each location: always the calendar's first free start, found fast."""

import random
from datetime import date, time, timedelta

import pytest

from amtstermin.core import booking, rosters
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Channel
from amtstermin.core.scheduling import availability, earliest
from tests import factories
from tests.conftest import berlin
from tests.fixtures.transactions import as_committed

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday afternoon, after the clerks went home
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


def first_in_calendar(location, items, *, now, channel=Channel.ONLINE):
    """What the calendar offers first: the reference the fast search must agree with."""
    found = availability.compute(location, items, now=now, channel=channel)
    day = found.first_day()
    return found.starts(day)[0] if day else None


def book(location, items, start, *, now=NOW, channel=Channel.PHONE, **options):
    with as_committed():
        return booking.book(
            location=location,
            items=items,
            start=start,
            contact=booking.Contact(name="Max Muster", email="max@example.org"),
            channel=channel,
            now=now,
            **options,
        )


@pytest.fixture
def county(office):
    """Mitte (the office), Nord (its Monday morning booked until 10:00) and Süd (Tuesdays only)."""
    north = factories.location(name="Bürgerbüro Nord")
    south = factories.location(name="Bürgerbüro Süd")
    office.id_card.locations.add(north, south)
    factories.roster(factories.staff(skills=[office.id_card]), north)
    factories.roster(factories.staff(skills=[office.id_card]), south, weekdays=[1])
    for hour in (8, 9):
        for minute in (0, 15, 30, 45):
            book(north, [Item(office.id_card)], berlin(2026, 12, 7, hour, minute))
    return [office.location, north, south]


def test_each_location_gets_the_first_free_start_of_its_calendar(office, county):
    items = [Item(office.id_card)]
    book(office.location, items, berlin(2026, 12, 7, 8, 0))
    mitte, north, south = county

    found = earliest.everywhere(county, items, now=NOW)

    assert [answer.location for answer in found] == county
    assert [answer.start for answer in found] == [
        berlin(2026, 12, 7, 8, 15),
        berlin(2026, 12, 7, 10, 0),
        berlin(2026, 12, 8, 8, 0),
    ]
    assert earliest.soonest(found).location == mitte
    for now in (NOW, berlin(2026, 12, 5, 9), berlin(2026, 12, 7, 7), berlin(2026, 12, 7, 11, 50)):
        for channel in (Channel.ONLINE, Channel.PHONE):
            answers = earliest.everywhere(county, items, now=now, channel=channel)
            for place, answer in zip(county, answers, strict=True):
                assert answer.start == first_in_calendar(place, items, now=now, channel=channel)


def test_the_search_reads_a_few_queries_per_location_not_the_horizon(
    office, county, django_assert_max_num_queries
):
    # One look at the rosters of all three; then one day each (three reads), Süd's Tuesday too.
    with django_assert_max_num_queries(1 + 3 * 3):
        found = earliest.everywhere(county, [Item(office.id_card)], now=NOW)
    assert all(answer.start for answer in found)


def test_a_location_with_nothing_free_has_no_earliest_and_the_others_win(office, county):
    items = [Item(office.id_card)]
    booked_out = factories.location(name="Bürgerbüro West")
    office.id_card.locations.add(booked_out)
    clerk = factories.staff(skills=[office.id_card])
    # One half hour on one Monday, taken: nothing left within the horizon.
    factories.roster(
        clerk, booked_out, weekdays=[0], end=time(8, 30), valid_from=MONDAY, valid_until=MONDAY
    )
    book(booked_out, [Item(office.id_card, 2)], berlin(2026, 12, 7, 8, 0))
    unrostered = factories.location(name="Bürgerbüro Ost")  # offers it, nobody works there
    office.id_card.locations.add(unrostered)

    found = earliest.everywhere([booked_out, unrostered, *county], items, now=NOW)

    assert found[0].start is None and found[1].start is None
    assert found[0].last == date(2026, 12, 4) + timedelta(days=42)
    assert found[0].horizon_weeks == 6
    assert earliest.soonest(found).location == office.location
    assert earliest.soonest(found[:2]) is None


def test_an_absence_and_a_fully_booked_day_move_the_earliest_to_the_next_working_day(office):
    items = [Item(office.id_card)]
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 7, 8, 0), end=berlin(2026, 12, 7, 11, 0)
    )
    for minute in range(0, 60, 15):
        book(office.location, items, berlin(2026, 12, 7, 11, minute))

    found = earliest.at(office.location, items, now=NOW)

    assert (
        found.start
        == berlin(2026, 12, 8, 8, 0)
        == first_in_calendar(office.location, items, now=NOW)
    )
    assert found.day == TUESDAY


def test_minimum_notice_moves_the_earliest_start_online_only(office):
    items = [Item(office.id_card)]
    office.location.min_notice_minutes = 120
    office.location.save()
    now = berlin(2026, 12, 7, 8, 2)

    assert earliest.at(office.location, items, now=now).start == berlin(2026, 12, 7, 10, 5)
    phone = earliest.at(office.location, items, now=now, channel=Channel.PHONE)
    assert phone.start == berlin(2026, 12, 7, 8, 5)
    # Past 10:00 the notice reaches beyond the roster's end: the next working day.
    late = berlin(2026, 12, 7, 10, 1)
    assert earliest.at(office.location, items, now=late).start == berlin(2026, 12, 8, 8, 0)
    assert first_in_calendar(office.location, items, now=late) == berlin(2026, 12, 8, 8, 0)


def test_nothing_beyond_the_horizon_counts(office):
    items = [Item(office.id_card)]
    horizon_end = date(2026, 12, 4) + timedelta(days=office.location.horizon_days)
    office.clerk.roster.update(valid_from=horizon_end + timedelta(days=1))

    assert earliest.at(office.location, items, now=NOW).start is None
    assert first_in_calendar(office.location, items, now=NOW) is None

    office.location.horizon_days = 45
    office.location.save()
    found = earliest.at(office.location, items, now=NOW)
    assert found.start == first_in_calendar(office.location, items, now=NOW)
    assert found.day == horizon_end + timedelta(days=3)  # the Monday after
    assert found.horizon_weeks is None


def test_online_sees_no_kept_back_block_and_a_cancelled_time_only_after_its_release(office):
    items = [Item(office.id_card)]
    office.clerk.roster.filter(weekday=0).update(online_bookable=False)
    assert earliest.at(office.location, items, now=NOW).start == berlin(2026, 12, 8, 8, 0)
    assert earliest.at(office.location, items, now=NOW, channel=Channel.PHONE).start == berlin(
        2026, 12, 7, 8, 0
    )

    office.clerk.roster.update(online_bookable=True)
    office.location.rerelease_minutes = 60
    office.location.save()
    taken = book(office.location, items, berlin(2026, 12, 7, 8, 0)).appointment
    with as_committed():
        booking.cancel(appointment=taken, now=NOW, channel=Channel.PHONE)
    assert earliest.at(office.location, items, now=NOW).start == berlin(2026, 12, 7, 8, 15)
    assert earliest.at(office.location, items, now=NOW, channel=Channel.PHONE).start == berlin(
        2026, 12, 7, 8, 0
    )
    released = NOW + timedelta(minutes=61)
    assert earliest.at(office.location, items, now=released).start == berlin(2026, 12, 7, 8, 0)


def test_an_expired_hold_gives_its_time_back(office):
    items = [Item(office.id_card)]
    book(
        office.location,
        items,
        berlin(2026, 12, 7, 8, 0),
        channel=Channel.ONLINE,
        require_confirmation=True,
    )
    held = earliest.at(office.location, items, now=NOW)
    assert held.start == berlin(2026, 12, 7, 8, 15)

    later = NOW + timedelta(days=1)  # long after the hold's lifetime
    assert earliest.at(office.location, items, now=later).start == berlin(2026, 12, 7, 8, 0)
    assert first_in_calendar(office.location, items, now=later) == berlin(2026, 12, 7, 8, 0)


def test_the_cached_search_forgets_a_booked_time_and_applies_the_notice_afresh(office, county):
    items = [Item(office.id_card)]
    assert earliest.at(office.location, items, now=NOW, cached=True).start == berlin(2026, 12, 7, 8)

    book(office.location, items, berlin(2026, 12, 7, 8, 0), channel=Channel.ONLINE)

    found = earliest.everywhere(county, items, now=NOW, cached=True)
    assert [answer.start for answer in found] == [
        answer.start for answer in earliest.everywhere(county, items, now=NOW)
    ]
    assert found[0].start == berlin(2026, 12, 7, 8, 15)
    # Same day, same version: the stored search, with the notice of the later moment.
    morning = berlin(2026, 12, 7, 9, 2)
    assert earliest.at(office.location, items, now=morning, cached=True).start == berlin(
        2026, 12, 7, 9, 5
    )
    # Past the last start of the day the stored days run out and the search goes on.
    evening = berlin(2026, 12, 7, 11, 50)
    assert earliest.at(office.location, items, now=evening, cached=True).start == berlin(
        2026, 12, 8, 8, 0
    )


def test_the_cached_search_sees_a_committed_absence_at_once(office):
    """A roster change moves the location's bookings counter after its commit, as a booking
    does: the stored search is not served past it."""
    items = [Item(office.id_card)]
    assert earliest.at(office.location, items, now=NOW, cached=True).start == berlin(2026, 12, 7, 8)

    with as_committed():
        rosters.add_absence(
            staff=office.clerk,
            start=berlin(2026, 12, 7, 0, 0),
            end=berlin(2026, 12, 8, 0, 0),
            reason=Absence.Reason.SICKNESS,
            now=NOW,
        )

    assert earliest.at(office.location, items, now=NOW, cached=True).start == berlin(2026, 12, 8, 8)


def test_random_bookings_never_make_the_search_disagree_with_the_calendar(office, county):
    rng = random.Random(13)
    for _ in range(60):
        place = rng.choice(county)
        day = MONDAY + timedelta(days=rng.randrange(10))
        start = berlin(day.year, day.month, day.day, 8, 0) + timedelta(
            minutes=5 * rng.randrange(45)
        )
        try:
            book(place, [Item(office.id_card, rng.choice([1, 2, 3]))], start)
        except SlotTaken:
            pass
    for hours in range(0, 24 * 12, 7):
        now = NOW + timedelta(hours=hours)
        for length in (1, 3):
            request = [Item(office.id_card, length)]
            for place, answer in zip(
                county, earliest.everywhere(county, request, now=now), strict=True
            ):
                assert answer.start == first_in_calendar(place, request, now=now), (place, now)
