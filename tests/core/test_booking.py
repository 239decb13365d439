"""The booking core: every writer, every way it can refuse, and that a refusal writes nothing."""

from datetime import timedelta

import pytest

from amtstermin.core import booking, numbers
from amtstermin.core.errors import (
    HoldExpired,
    InvalidContact,
    InvalidStart,
    NoItems,
    NotChangeable,
    NotOffered,
    OutsideHorizon,
    SlotTaken,
    TooManyUnits,
    TooShortNotice,
)
from amtstermin.core.items import Item, documents_to_bring, total_fee
from amtstermin.core.models import (
    Absence,
    AccessToken,
    Appointment,
    AppointmentEvent,
    Channel,
    Service,
    Status,
    WaitingNumberCounter,
)
from amtstermin.core.scheduling import availability
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)
MONDAY_9 = berlin(2026, 12, 7, 9, 0)
ERIKA = booking.Contact(name="Erika Mustermann", email="erika@example.org")


def book(office, start=MONDAY_9, items=None, contact=ERIKA, channel=Channel.ONLINE, **kwargs):
    items = items if items is not None else [Item(office.id_card, 2), Item(office.registration)]
    return booking.book(
        location=office.location,
        items=items,
        start=start,
        contact=contact,
        channel=channel,
        now=kwargs.pop("now", NOW),
        **kwargs,
    )


def test_citizen_books_two_id_cards_and_a_registration(office):
    booked = book(office)
    appointment = booked.appointment
    assert appointment.status == Status.BOOKED
    assert appointment.staff == office.clerk
    assert appointment.end - appointment.start == timedelta(minutes=40)  # (15 + 10) + 15
    assert numbers.parse_reference(appointment.reference) == appointment.reference
    assert appointment.waiting_number == "A-001"
    assert [(i.service.name, i.quantity) for i in appointment.items.all()] == [
        ("Personalausweis", 2),
        ("Anmeldung", 1),
    ]
    assert booking.find_by_token(booked.token) == appointment
    assert booked.token not in AccessToken.objects.values_list("digest", flat=True)
    assert list(appointment.events.values_list("kind", flat=True)) == ["booked"]


def test_documents_merge_by_maximum_and_fees_add_up(office):
    items = [Item(office.id_card, 2), Item(office.registration)]
    assert [(d.count, d.name) for d in documents_to_bring(items)] == [
        (2, "bisheriger Personalausweis"),
        (2, "Code Ihres digitalen Passbilds"),
        (1, "Wohnungsgeberbestätigung"),
    ]
    assert str(total_fee(items)) == "92.00"


def test_waiting_numbers_count_up_per_day_and_start_again_the_next_day(office):
    first = book(office).appointment
    second = book(office, start=MONDAY_9 + timedelta(hours=1)).appointment
    # Another citizen: one address may hold only two online appointments (core/limits.py).
    max_contact = booking.Contact(name="Max", email="max@example.org")
    tuesday = book(office, start=MONDAY_9 + timedelta(days=1), contact=max_contact).appointment
    assert (first.waiting_number, second.waiting_number, tuesday.waiting_number) == (
        "A-001",
        "A-002",
        "A-001",
    )


def test_past_999_a_waiting_number_grows_a_digit_as_python_writes_it(office):
    """PostgreSQL draws the number in SQL (numbers.create_with_waiting_number); SQLite in
    Python: both write it as f"{prefix}-{number:03d}", and the stored row says the same."""
    WaitingNumberCounter.objects.create(location=office.location, day=MONDAY_9.date(), last=998)
    nine_hundred_ninety_nine = book(office).appointment
    thousand = book(office, start=MONDAY_9 + timedelta(hours=1)).appointment
    assert (nine_hundred_ninety_nine.waiting_number, thousand.waiting_number) == ("A-999", "A-1000")
    assert Appointment.objects.get(pk=thousand.pk).waiting_number == "A-1000"


def test_location_asking_for_confirmation_holds_the_time_until_confirmed(office):
    office.location.requires_email_confirmation = True
    office.location.save()
    appointment = book(office).appointment
    assert appointment.status == Status.RESERVED
    assert appointment.hold_expires_at == NOW + timedelta(minutes=30)
    with pytest.raises(SlotTaken):
        book(office, contact=booking.Contact(name="Max", email="max@example.org"))
    confirmed = booking.confirm(appointment=appointment, now=NOW + timedelta(minutes=10))
    assert confirmed.status == Status.BOOKED and confirmed.hold_expires_at is None
    assert booking.confirm(appointment=appointment, now=NOW).status == Status.BOOKED  # twice: fine


def test_an_absence_from_the_evening_before_takes_the_booked_day_s_morning(office):
    # The booking reads its own day only; the absence began before that day's midnight.
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 6, 18, 0), end=berlin(2026, 12, 7, 9, 7)
    )
    with pytest.raises(SlotTaken):
        book(office, start=MONDAY_9)
    assert book(office, start=berlin(2026, 12, 7, 9, 10)).appointment.status == Status.BOOKED


def test_no_proof_of_work_means_a_hold_even_where_the_location_does_not_ask(office):
    appointment = book(office, require_confirmation=True).appointment
    assert appointment.status == Status.RESERVED


def test_staff_bookings_are_never_held(office):
    office.location.requires_email_confirmation = True
    office.location.save()
    appointment = book(
        office, channel=Channel.PHONE, contact=booking.Contact(name="Max")
    ).appointment
    assert appointment.status == Status.BOOKED and appointment.email == ""


def test_an_expired_hold_frees_the_time_and_cannot_be_confirmed(office):
    appointment = book(office, require_confirmation=True).appointment
    later = NOW + timedelta(minutes=31)
    other = book(office, now=later, contact=booking.Contact(name="Max", email="m@example.org"))
    assert other.appointment.start == appointment.start
    appointment.refresh_from_db()
    assert appointment.status == Status.EXPIRED
    with pytest.raises(HoldExpired):
        booking.confirm(appointment=appointment, now=later)


def test_expire_holds_expires_only_stale_holds(office):
    stale = book(office, require_confirmation=True).appointment
    fresh = book(
        office,
        start=MONDAY_9 + timedelta(hours=1),
        require_confirmation=True,
        now=NOW + timedelta(minutes=20),
    ).appointment
    assert booking.expire_holds(now=NOW + timedelta(minutes=31)) == 1
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert (stale.status, fresh.status) == (Status.EXPIRED, Status.RESERVED)


def test_cancel_frees_the_time_for_staff_at_once_and_online_after_the_delay(office):
    appointment = book(office).appointment
    booking.cancel(appointment=appointment, now=NOW, channel=Channel.ONLINE)
    items = [Item(office.id_card, 2), Item(office.registration)]
    day = MONDAY_9.date()
    online = availability.compute(office.location, items, now=NOW)
    assert MONDAY_9 not in online.starts(day)
    phone = availability.compute(office.location, items, now=NOW, channel=Channel.PHONE)
    assert MONDAY_9 in phone.starts(day)
    later = availability.compute(office.location, items, now=NOW + timedelta(minutes=16))
    assert MONDAY_9 in later.starts(day)
    again = booking.cancel(appointment=appointment, now=NOW, channel=Channel.ONLINE)
    assert again.status == Status.CANCELLED  # twice: harmless
    assert list(again.events.values_list("kind", flat=True)) == ["booked", "cancelled"]


def test_reschedule_moves_in_one_step_and_keeps_the_reference(office):
    booked = book(office).appointment
    moved = booking.reschedule(
        appointment=booked, start=MONDAY_9 + timedelta(minutes=20), now=NOW, channel=Channel.ONLINE
    )
    assert moved.reference == booked.reference and moved.sequence == 1
    assert moved.start == MONDAY_9 + timedelta(minutes=20)  # overlaps its own old time: allowed
    assert Appointment.objects.count() == 1
    event = moved.events.get(kind=AppointmentEvent.Kind.RESCHEDULED)
    assert event.detail["from"].startswith("2026-12-07T08:00")


def test_reschedule_into_a_taken_time_keeps_the_old_one(office):
    first = book(office).appointment
    book(
        office,
        start=MONDAY_9 + timedelta(hours=1),
        contact=booking.Contact(name="M", email="m@example.org"),
    )
    with pytest.raises(SlotTaken) as taken:
        booking.reschedule(
            appointment=first, start=MONDAY_9 + timedelta(hours=1), now=NOW, channel=Channel.ONLINE
        )
    first.refresh_from_db()
    assert first.start == MONDAY_9 and first.sequence == 0
    assert taken.value.alternatives


def test_a_taken_time_offers_the_nearest_alternatives(office):
    book(office)
    with pytest.raises(SlotTaken) as taken:
        book(office, contact=booking.Contact(name="Max", email="max@example.org"))
    alternatives = taken.value.alternatives
    assert len(alternatives) == 3
    assert all(abs(start - MONDAY_9) <= timedelta(hours=3) for start in alternatives)
    assert MONDAY_9 not in alternatives


def test_a_double_submit_books_once(office):
    first = book(office, idempotency_key="k-1")
    second = book(office, idempotency_key="k-1")
    assert first.appointment == second.appointment and first.token != second.token
    assert Appointment.objects.count() == 1


def test_no_show_only_after_the_start(office):
    appointment = book(office).appointment
    with pytest.raises(NotChangeable):
        booking.mark_no_show(appointment=appointment, now=NOW)
    marked = booking.mark_no_show(appointment=appointment, now=MONDAY_9 + timedelta(minutes=30))
    assert marked.status == Status.NO_SHOW
    with pytest.raises(NotChangeable):
        booking.cancel(appointment=marked, now=MONDAY_9, channel=Channel.ONLINE)


def test_the_least_versatile_clerk_gets_the_booking(office):
    specialist = factories.staff(skills=[office.id_card])
    factories.roster(specialist, office.location)
    assert book(office, items=[Item(office.id_card)]).appointment.staff == specialist
    assert book(office, items=[Item(office.registration)]).appointment.staff == office.clerk


def test_unknown_or_empty_tokens_open_nothing(office):
    book(office)
    assert booking.find_by_token("nope") is None
    assert booking.find_by_token("") is None
    assert booking.find_by_token("x" * 500) is None


def _nothing_written():
    return not Appointment.objects.exists() and not AccessToken.objects.exists()


@pytest.mark.parametrize(
    ("change", "error"),
    [
        (lambda o: {"items": []}, NoItems),
        (lambda o: {"items": [Item(o.id_card, 4)]}, TooManyUnits),
        (lambda o: {"items": [Item(o.id_card, 0)]}, TooManyUnits),
        (lambda o: {"items": [Item(o.id_card), Item(o.id_card)]}, NotOffered),
        (lambda o: {"items": [Item(factories.service())]}, NotOffered),
        (
            lambda o: {
                "items": [
                    Item(
                        factories.service(locations=[o.location], mode=Service.Mode.ONLINE_REQUEST)
                    )
                ]
            },
            NotOffered,
        ),
        (lambda o: {"start": MONDAY_9 + timedelta(minutes=2)}, InvalidStart),
        (lambda o: {"start": MONDAY_9.replace(tzinfo=None)}, InvalidStart),
        (lambda o: {"start": NOW - timedelta(days=1)}, OutsideHorizon),
        (lambda o: {"start": MONDAY_9 + timedelta(days=50)}, OutsideHorizon),
        (lambda o: {"now": MONDAY_9 - timedelta(minutes=5)}, TooShortNotice),
        (lambda o: {"contact": booking.Contact(name="", email="e@example.org")}, InvalidContact),
        (
            lambda o: {"contact": booking.Contact(name="Erika", email="not-an-email")},
            InvalidContact,
        ),
        (lambda o: {"contact": booking.Contact(name="Erika")}, InvalidContact),
        (
            lambda o: {"contact": booking.Contact(name="E", email="e@example.org", language="xx")},
            InvalidContact,
        ),
        (lambda o: {"start": berlin(2026, 12, 7, 14, 0)}, SlotTaken),
    ],
    ids=[
        "no items",
        "above maximum",
        "zero",
        "same service twice",
        "not offered here",
        "online-only service",
        "off the grid",
        "naive datetime",
        "in the past",
        "beyond horizon",
        "too short notice",
        "no name",
        "bad email",
        "online without email",
        "unknown language",
        "outside roster",
    ],
)
def test_bad_input_raises_a_typed_error_and_writes_nothing(office, change, error):
    office.location.min_notice_minutes = 60
    office.location.save()
    with pytest.raises(error) as raised:
        book(office, **change(office))
    assert str(raised.value.message)
    assert _nothing_written()


def test_numbers_parse_what_people_type():
    reference = numbers.new_reference()
    assert numbers.parse_reference(reference.lower().replace("-", " ")) == reference
    assert numbers.parse_reference(reference.replace("0", "O")) == reference
    broken = reference[:-1] + ("0" if reference[-1] != "0" else "1")
    assert numbers.parse_reference(broken) is None
    assert numbers.parse_reference("") is None
    assert len({numbers.new_reference() for _ in range(1000)}) == 1000


def test_references_carry_a_valid_check_and_every_symbol_in_every_place():
    drawn = [numbers.new_reference() for _ in range(3000)]
    assert all(numbers.parse_reference(reference) == reference for reference in drawn)
    digits = [reference.replace("-", "")[:-1] for reference in drawn]
    for place in range(numbers.REFERENCE_LENGTH):  # a miss by chance: about e^-90
        assert {number[place] for number in digits} == set(numbers.ALPHABET)


def test_without_mail_books_silently(office, mailoutbox):
    with booking.without_mail():
        book(office)
    assert mailoutbox == []
    book(office, start=MONDAY_9 + timedelta(hours=1))
    assert len(mailoutbox) == 1
