"""The core's office writes of an appointment, each way they can fail: scope, state, contact."""

import pytest
from django.core.exceptions import PermissionDenied

from amtstermin.core import booking, retention
from amtstermin.core.errors import InvalidContact, NotChangeable
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, AppointmentEvent, Channel, Status
from tests.conftest import berlin
from tests.office.conftest import NOW
from tests.office.test_dayplan_page import clerk_of_another_department

Kind = AppointmentEvent.Kind
LATER = berlin(2026, 12, 7, 9, 30)  # the appointment at 09:00 has begun


@pytest.fixture(autouse=True)
def _monday_morning(clock):
    """The clock stands at NOW."""


def kinds(appointment: Appointment) -> list[tuple[str, str | None]]:
    events = appointment.events.select_related("staff").order_by("pk")
    return [(event.kind, event.staff.name if event.staff else None) for event in events]


def test_a_clerk_of_another_department_changes_nothing(office, citizen, mailoutbox):
    neighbour = clerk_of_another_department(office)
    mailoutbox.clear()
    contact = booking.Contact(name="Paul Fremd", email="paul@example.org")
    start = berlin(2026, 12, 7, 10, 0)
    attempts = [
        lambda: booking.cancel(
            appointment=citizen, now=NOW, channel=Channel.DESK, actor=neighbour, reason="x"
        ),
        lambda: booking.reschedule(
            appointment=citizen, start=start, now=NOW, channel=Channel.DESK, actor=neighbour
        ),
        lambda: booking.change_contact(
            appointment=citizen, contact=contact, actor=neighbour, now=NOW
        ),
        lambda: booking.resend_confirmation(appointment=citizen, actor=neighbour, now=NOW),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied):
            attempt()

    citizen.refresh_from_db()
    assert (citizen.status, citizen.start, citizen.name) == (
        Status.BOOKED,
        berlin(2026, 12, 7, 9, 0),
        "Erika Mustermann",
    )
    assert kinds(citizen) == [(Kind.BOOKED, None)]
    assert mailoutbox == []


def test_every_office_write_records_the_clerk(office, citizen, colleague):
    booking.change_contact(
        appointment=citizen,
        contact=booking.Contact(name="Erika Mustermann", email=citizen.email, phone="0171 1"),
        actor=colleague,
        now=NOW,
    )
    booking.resend_confirmation(appointment=citizen, actor=colleague, now=NOW)
    booking.reschedule(
        appointment=citizen,
        start=berlin(2026, 12, 7, 10, 0),
        now=NOW,
        channel=Channel.DESK,
        actor=colleague,
    )
    booking.cancel(
        appointment=citizen, now=NOW, channel=Channel.DESK, actor=colleague, reason="Krank"
    )

    assert kinds(citizen) == [
        (Kind.BOOKED, None),
        (Kind.CONTACT_CHANGED, "Sabine Kowalski"),
        (Kind.MAIL_RESENT, "Sabine Kowalski"),
        (Kind.RESCHEDULED, "Sabine Kowalski"),
        (Kind.CANCELLED, "Sabine Kowalski"),
    ]
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.cancel_reason) == ("0171 1", "Krank")


def test_the_citizen_cancelling_records_nobody(citizen):
    booking.cancel(appointment=citizen, now=NOW, channel=Channel.ONLINE)
    assert kinds(citizen)[-1] == (Kind.CANCELLED, None)


def test_nothing_changes_once_it_has_begun(citizen, colleague, clock, mailoutbox):
    clock.now = LATER
    mailoutbox.clear()
    contact = booking.Contact(name="Erika Musterfrau", email=citizen.email)
    with pytest.raises(NotChangeable):
        booking.change_contact(appointment=citizen, contact=contact, actor=colleague, now=LATER)
    with pytest.raises(NotChangeable):
        booking.resend_confirmation(appointment=citizen, actor=colleague, now=LATER)
    assert kinds(citizen) == [(Kind.BOOKED, None)]
    assert mailoutbox == []


def test_an_online_booking_keeps_an_email_address(office, colleague):
    online = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(2026, 12, 7, 10, 0),
        contact=booking.Contact(name="Max Beispiel", email="max@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    with pytest.raises(InvalidContact):
        booking.change_contact(
            appointment=online,
            contact=booking.Contact(name="Max Beispiel", email=""),
            actor=colleague,
            now=NOW,
        )
    online.refresh_from_db()
    assert online.email == "max@example.org"


def test_the_same_contact_again_records_nothing(citizen, colleague):
    same = booking.Contact(name=citizen.name, email=citizen.email, phone=citizen.phone)
    booking.change_contact(appointment=citizen, contact=same, actor=colleague, now=NOW)
    assert kinds(citizen) == [(Kind.BOOKED, None)]


def test_a_new_address_counts_for_the_per_address_limit(citizen, colleague):
    booking.change_contact(
        appointment=citizen,
        contact=booking.Contact(name=citizen.name, email="Erika.M+amt@Example.org"),
        actor=colleague,
        now=NOW,
    )
    citizen.refresh_from_db()
    assert citizen.email_key != "erika@example.org"
    assert citizen.email_key.endswith("@example.org")


def test_a_hold_gets_the_confirm_link_again(office, colleague, mailoutbox):
    office.location.requires_email_confirmation = True
    office.location.save()
    hold = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(2026, 12, 7, 10, 0),
        contact=booking.Contact(name="Max Beispiel", email="max@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    mailoutbox.clear()

    booking.resend_confirmation(appointment=hold, actor=colleague, now=NOW)

    [mail] = mailoutbox
    assert "bestätigen" in mail.subject.lower()


def test_the_purge_removes_the_reason(citizen, colleague, clock):
    booking.cancel(
        appointment=citizen,
        now=NOW,
        channel=Channel.DESK,
        actor=colleague,
        reason="Erika ist im Krankenhaus",
    )
    later = berlin(2027, 2, 1, 3, 0)
    clock.now = later
    retention.purge(now=later)
    citizen.refresh_from_db()
    assert citizen.cancel_reason == ""
