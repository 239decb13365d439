"""Calendar feeds (core/calendar_feed.py): a clerk's own appointments, names only where asked
for and in scope, nothing once revoked, the token kept only as its digest."""

import hashlib
from datetime import UTC, timedelta

import pytest
from icalendar import Calendar

from amtstermin.core import booking, calendar_feed, visits
from amtstermin.core.items import Item
from amtstermin.core.models import CalendarFeed, Channel, Counter
from amtstermin.core.notifications import ics
from tests import factories
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday
MONDAY_NINE = berlin(2026, 12, 7, 9, 0)


def book(office, *items, start=MONDAY_NINE, now=NOW, name="Erika Mustermann", **contact):
    return booking.book(
        location=office.location,
        items=list(items) or [Item(office.id_card)],
        start=start,
        contact=booking.Contact(name, "erika@example.org", "02381 123456", **contact),
        channel=Channel.PHONE,
        now=now,
    ).appointment


def events(feed: CalendarFeed, now=NOW) -> list:
    return Calendar.from_ical(calendar_feed.calendar(feed, now=now)).events


@pytest.fixture
def clerk(office):
    """The Bürgerbüro's clerk, working there (their scope covers its appointments)."""
    office.clerk.name = "Sabine Kowalski"
    office.clerk.save()
    office.clerk.locations.set([office.location])
    return office.clerk


def test_feed_lists_the_clerks_appointment_with_services_reference_and_place(office, clerk):
    appointment = book(office, Item(office.id_card, 2), Item(office.registration))
    feed = calendar_feed.create(clerk, include_names=False, now=NOW).feed

    [event] = events(feed)

    assert event.uid == ics.uid(appointment)
    assert event["SUMMARY"] == f"Personalausweis (2), Anmeldung – {appointment.reference}"
    assert event.start == appointment.start and event["DTSTART"].to_ical().endswith(b"Z")
    assert event.end == appointment.end.astimezone(UTC)
    assert event.sequence == appointment.sequence
    assert event["LOCATION"] == "Bürgerbüro Mitte, Markt 1, 12345 Musterstadt"
    assert appointment.waiting_number in event["DESCRIPTION"]
    assert str(event["STATUS"]) == "CONFIRMED"
    assert str(event["CLASS"]) == "PRIVATE"


def test_feed_never_carries_email_or_phone(office, clerk):
    book(office)
    feed = calendar_feed.create(clerk, include_names=True, now=NOW).feed
    body = calendar_feed.calendar(feed, now=NOW).decode()
    assert "Erika Mustermann" in body  # names asked for and in scope: the one personal datum
    assert "erika@example.org" not in body and "02381" not in body


def test_feed_shows_no_names_unless_asked_for(office, clerk):
    book(office)
    feed = calendar_feed.create(clerk, include_names=False, now=NOW).feed
    assert "Erika" not in calendar_feed.calendar(feed, now=NOW).decode()


def test_feed_shows_names_once_switched_on(office, clerk):
    appointment = book(office)
    calendar_feed.create(clerk, include_names=False, now=NOW)
    assert calendar_feed.show_names(clerk, include_names=True)
    [event] = events(calendar_feed.open_feed(clerk))
    assert event["SUMMARY"] == f"Erika Mustermann: Personalausweis – {appointment.reference}"


def test_feed_shows_no_names_outside_the_clerks_locations(office, clerk):
    book(office)
    clerk.locations.clear()  # rostered there, but the office gives them no scope there
    feed = calendar_feed.create(clerk, include_names=True, now=NOW).feed
    [event] = events(feed)
    assert "Erika" not in event["SUMMARY"]


def test_feed_shows_no_names_for_another_departments_service(office, clerk):
    """The clerk serves a service of another department: they see the time, not the citizen."""
    foreign = factories.service(name="Fischereischein", locations=[office.location])
    clerk.skills.add(foreign)
    appointment = book(office, Item(foreign))
    feed = calendar_feed.create(clerk, include_names=True, now=NOW).feed
    [event] = events(feed)
    assert event["SUMMARY"] == f"Fischereischein – {appointment.reference}"


def test_feed_leaves_out_cancelled_lapsed_old_and_far_appointments(office, clerk):
    kept = book(office)
    cancelled = book(office, start=MONDAY_NINE + timedelta(minutes=30))
    booking.cancel(appointment=cancelled, now=NOW, channel=Channel.PHONE)
    hold = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=MONDAY_NINE + timedelta(hours=1),
        contact=booking.Contact("Max Halter", "max@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
        require_confirmation=True,
    ).appointment
    monday_before = berlin(2026, 11, 30, 9, 0)  # within the week back: still shown
    recent = book(office, start=monday_before, now=monday_before - timedelta(days=1))
    friday_before = berlin(2026, 11, 27, 11, 0)  # 7 days and 4 hours back
    old = book(office, start=friday_before, now=friday_before - timedelta(days=1))
    beyond = book(office, start=berlin(2026, 12, 15, 9, 0))
    office.location.horizon_days = 10  # shrunk after that booking
    office.location.save()

    shown = {event.uid for event in events(calendar_feed.open_feed(clerk) or _feed(clerk))}
    assert shown == {ics.uid(kept), ics.uid(hold), ics.uid(recent)}
    assert {ics.uid(cancelled), ics.uid(old), ics.uid(beyond)}.isdisjoint(shown)
    lapsed = hold.hold_expires_at + timedelta(seconds=1)
    assert ics.uid(hold) not in {event.uid for event in events(_feed(clerk), now=lapsed)}


def test_unconfirmed_hold_is_tentative(office, clerk):
    booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=MONDAY_NINE,
        contact=booking.Contact("Max Halter", "max@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
        require_confirmation=True,
    )
    [event] = events(_feed(clerk))
    assert str(event["STATUS"]) == "TENTATIVE"


def test_feed_names_the_counter_once_the_citizen_is_called(office, clerk, clock):
    appointment = book(office)
    counter = Counter.objects.create(location=office.location, name="3")
    arrived = MONDAY_NINE - timedelta(minutes=5)
    visits.check_in(appointment, now=arrived)
    assert visits.call_next(clerk, counter, now=arrived) is not None
    [event] = events(_feed(clerk), now=arrived)
    assert event["LOCATION"].endswith(", Schalter 3")


def test_feed_lists_only_the_clerks_own_appointments(office, clerk):
    colleague = factories.staff(skills=[office.id_card], department_=office.id_card.department)
    factories.roster(colleague, office.location)
    mine = book(office)
    theirs = book(office)  # the same time: only the colleague is free
    assert {mine.staff_id, theirs.staff_id} == {clerk.pk, colleague.pk}
    if mine.staff_id != clerk.pk:
        mine, theirs = theirs, mine
    assert [event.uid for event in events(_feed(clerk))] == [ics.uid(mine)]
    assert [event.uid for event in events(_feed(colleague))] == [ics.uid(theirs)]


def test_calendar_has_refresh_hints_and_a_name(office, clerk):
    calendar = Calendar.from_ical(calendar_feed.calendar(_feed(clerk), now=NOW))
    assert calendar["METHOD"] == "PUBLISH"
    assert calendar["X-WR-CALNAME"] == "Musterstadt: Sabine Kowalski"
    assert calendar.refresh_interval == timedelta(minutes=15)
    assert calendar["X-PUBLISHED-TTL"].to_ical() == b"PT15M"


def test_token_is_stored_only_as_its_digest(office, clerk):
    created = calendar_feed.create(clerk, include_names=False, now=NOW)
    assert len(created.token) >= 22  # ≥ 128 bits in URL-safe base64
    row = CalendarFeed.objects.values().get()
    assert row["digest"] == hashlib.sha256(created.token.encode()).hexdigest()
    assert created.token not in str(row)
    assert calendar_feed.find(created.token, now=NOW) == created.feed


def test_a_new_feed_revokes_the_old_one(office, clerk):
    first = calendar_feed.create(clerk, include_names=False, now=NOW)
    second = calendar_feed.create(clerk, include_names=True, now=NOW)
    assert calendar_feed.find(first.token, now=NOW) is None
    assert calendar_feed.find(second.token, now=NOW) == second.feed
    assert CalendarFeed.objects.filter(staff=clerk, revoked_at__isnull=True).get() == second.feed


def test_revoked_feed_opens_nothing(office, clerk):
    created = calendar_feed.create(clerk, include_names=False, now=NOW)
    assert calendar_feed.revoke(clerk, now=NOW)
    assert calendar_feed.find(created.token, now=NOW) is None
    assert calendar_feed.open_feed(clerk) is None
    assert not calendar_feed.revoke(clerk, now=NOW)  # nothing left to revoke
    assert not calendar_feed.show_names(clerk, include_names=True)


def test_feed_of_an_inactive_staff_member_opens_nothing(office, clerk):
    created = calendar_feed.create(clerk, include_names=False, now=NOW)
    clerk.active = False
    clerk.save()
    assert calendar_feed.find(created.token, now=NOW) is None


@pytest.mark.parametrize(
    "token", ["", "x", "a" * 65, "a" * 5000, "ab/cd" * 5, "ä" * 32, "\x00" * 32]
)
def test_malformed_tokens_open_nothing(office, token):
    assert calendar_feed.find(token, now=NOW) is None


def test_last_use_is_written_at_most_every_five_minutes(office, clerk):
    created = calendar_feed.create(clerk, include_names=False, now=NOW)
    calendar_feed.find(created.token, now=NOW)
    calendar_feed.find(created.token, now=NOW + timedelta(minutes=4))
    assert CalendarFeed.objects.get().last_used_at == NOW
    calendar_feed.find(created.token, now=NOW + timedelta(minutes=5))
    assert CalendarFeed.objects.get().last_used_at == NOW + timedelta(minutes=5)


@pytest.mark.parametrize("count", [1, 3])
def test_calendar_costs_the_same_queries_for_one_or_three_appointments(
    office, clerk, count, django_assert_num_queries
):
    for hour in range(count):
        book(
            office,
            Item(office.id_card),
            Item(office.registration),
            start=MONDAY_NINE.replace(hour=8 + hour),
        )
    feed = _feed(clerk, names=True)
    # The appointments, their items, the scope for names.
    with django_assert_num_queries(3):
        assert len(events(feed)) == count


def _feed(staff, *, names=False) -> CalendarFeed:
    return calendar_feed.create(staff, include_names=names, now=NOW).feed
