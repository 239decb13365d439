"""A location's published release time: the horizon's last day opens online at that moment,
the wish-list sees it WISHES_AHEAD before, and the start page says when."""

from datetime import date, time, timedelta

import pytest

from amtstermin.core import booking
from amtstermin.core.errors import OutsideHorizon
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Wish
from amtstermin.core.scheduling import availability
from amtstermin.core.wishes import rounds, store
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

MONDAY_EARLY = berlin(2026, 12, 7, 7, 0)
RELEASED_DAY = date(2026, 12, 7) + timedelta(days=42)  # Monday 18 January 2027


@pytest.fixture
def released_at_half_past_seven(office):
    office.location.release_time = time(7, 30)
    office.location.horizon_days = 42
    office.location.save()
    return office


def last_day(office, at, **options):
    return availability.window(office.location, channel=Channel.ONLINE, now=at, **options).last


def test_the_last_day_opens_online_at_the_release_time(released_at_half_past_seven):
    office = released_at_half_past_seven
    assert last_day(office, MONDAY_EARLY) == RELEASED_DAY - timedelta(days=1)
    assert last_day(office, berlin(2026, 12, 7, 7, 29)) == RELEASED_DAY - timedelta(days=1)
    assert last_day(office, berlin(2026, 12, 7, 7, 30)) == RELEASED_DAY
    # The wish-list sees it ten minutes ahead; the office always sees the whole horizon.
    assert last_day(office, berlin(2026, 12, 7, 7, 20), for_wishes=True) == RELEASED_DAY
    phone = availability.window(office.location, channel=Channel.PHONE, now=MONDAY_EARLY)
    assert phone.last == RELEASED_DAY


def test_the_wish_list_is_served_before_the_day_opens_online(released_at_half_past_seven, clock):
    office = released_at_half_past_seven
    clock.now = MONDAY_EARLY
    left = store.leave(
        items=[Item(office.id_card)],
        wanted=store.Wanted(locations=[office.location], latest_date=RELEASED_DAY),
        wisher=store.Wisher("Erika Mustermann", "erika@example.org"),
        now=clock.now,
    )
    # Every day up to the released one is free here, so give the wish only that day.
    Wish.objects.filter(pk=left.wish.pk).update(weekdays=0b0000001)
    earlier_mondays = [RELEASED_DAY - timedelta(weeks=n) for n in range(1, 7)]
    with booking.without_mail():
        for monday in earlier_mondays:
            for hour in range(8, 12):
                for minute in range(0, 60, 15):
                    booking.book(
                        location=office.location,
                        items=[Item(office.id_card)],
                        start=berlin(monday.year, monday.month, monday.day, hour, minute),
                        contact=booking.Contact("Belegt", ""),
                        channel=Channel.PHONE,
                        now=clock.now,
                    )
    store.verify(wish=left.wish, now=clock.now)
    assert not left.wish.offers.exists()  # nothing before the release
    clock.now = berlin(2026, 12, 7, 7, 21)
    rounds.tend(now=clock.now)
    (offer,) = left.wish.offers.all()
    assert office.location.local_date(offer.appointment.start) == RELEASED_DAY
    # Online, the day is still closed.
    with pytest.raises(OutsideHorizon):
        booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=berlin(2027, 1, 18, 11, 0),
            contact=booking.Contact("Schnell", "schnell@example.org"),
            channel=Channel.ONLINE,
            now=clock.now,
        )


def test_the_start_page_publishes_the_release_time(client, released_at_half_past_seven):
    page = client.get("/").content.decode()
    published = "Neue Termine werden täglich um 07:30 Uhr freigeschaltet, für den Tag in 42 Tagen."
    assert published in page
