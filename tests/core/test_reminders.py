"""The reminder mail: when it is due, what the citizen reads, and that only the current version's
reminder goes out."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Location, SentMessage, Status
from amtstermin.core.notifications import mail
from amtstermin.core.notifications.events import MailEvent
from amtstermin.core.notifications.reminders import reminder_due
from amtstermin.core.notifications.tasks import send_appointment_mail
from tests.conftest import BERLIN, berlin
from tests.core.test_mail_content import (  # noqa: F401  (site: an autouse fixture)
    MONDAY_0930,
    NOW,
    SITE,
    book,
    html_of,
    site,
    subject_of,
    text_of,
    token_in,
)
from tests.core.test_outbox import READY, SUCCESSFUL, run_worker

DAY_BEFORE = MONDAY_0930 - timedelta(hours=24)


def appointment(*, start=MONDAY_0930, reminder_hours=24, email="erika@example.org", **fields):
    """An unsaved appointment: reminder_due() reads no database."""
    location = Location(reminder_hours=reminder_hours)
    fields = {"status": Status.BOOKED, **fields}
    return Appointment(location=location, start=start, email=email, **fields)


def remind(booked_appointment, *, now=DAY_BEFORE, sequence=0) -> bool:
    """What the reminder task does when it runs at `now` (the task itself reads the clock)."""
    return mail.deliver(
        appointment_id=booked_appointment.pk, event=MailEvent.REMINDER, now=now, sequence=sequence
    )


def test_reminder_is_due_a_day_before_by_default():
    assert reminder_due(appointment(), now=NOW) == berlin(2026, 12, 6, 9, 30)


def test_reminder_follows_the_locations_lead_time():
    assert reminder_due(appointment(reminder_hours=2), now=NOW) == berlin(2026, 12, 7, 7, 30)


def test_no_reminder_when_the_location_turned_them_off():
    assert reminder_due(appointment(reminder_hours=0), now=NOW) is None


def test_no_reminder_without_an_email_address():
    assert reminder_due(appointment(email=""), now=NOW) is None


def test_no_reminder_for_an_unconfirmed_hold():
    assert reminder_due(appointment(status=Status.RESERVED), now=NOW) is None


def test_no_reminder_when_the_booked_mail_went_out_less_than_two_hours_before_it():
    booked_late = MONDAY_0930 - timedelta(hours=25, minutes=59)
    booked_in_time = MONDAY_0930 - timedelta(hours=26)

    assert reminder_due(appointment(), now=booked_late) is None
    assert reminder_due(appointment(), now=booked_in_time) == DAY_BEFORE
    assert reminder_due(appointment(), now=MONDAY_0930 - timedelta(hours=3)) is None


def test_citizen_gets_reminder_a_day_before_with_the_facts_and_a_cancel_link(office, smtp_server):
    booked = book(office)
    assert len(smtp_server.messages) == 1  # the immediate backend cannot defer: no reminder now

    assert remind(booked.appointment)

    _booked, reminder = smtp_server.messages
    assert reminder["To"] == "erika@example.org"
    assert subject_of(reminder) == (
        "Erinnerung an Ihren Termin: Montag, 7. Dezember 2026, 09:30 Uhr"
    )
    assert reminder["Message-ID"] == (
        f"<{booked.appointment.reference}.reminder.0@termine.musterstadt.de>"
    )
    for body in (text_of(reminder), html_of(reminder)):
        assert "Guten Tag Erika Mustermann," in body
        assert "Ihr Termin ist morgen, Montag, 7. Dezember 2026, 09:30 Uhr." in body
        assert "Bürgerbüro Mitte" in body and "Markt 1, 12345 Musterstadt" in body
        assert booked.appointment.reference in body and booked.appointment.waiting_number in body
        assert "2 × Code Ihres digitalen Passbilds — oder Foto vor Ort, 6 €" in body
        assert "92,00 €" in body
        assert "Bitte kommen Sie um 09:25 Uhr, nicht früher" in body
        assert "Falls Sie nicht kommen können, sagen Sie den Termin bitte ab" in body
    text = text_of(reminder)
    token = token_in(text, "/termin/verwalten/")
    assert f"{SITE}/termin/verwalten/{token}/absagen/" in text
    assert f'href="{SITE}/termin/verwalten/{token}/absagen/"' in html_of(reminder)
    assert booking.find_by_token(token) == booked.appointment
    assert reminder.get_content_type() == "multipart/alternative"  # no .ics: see mail.py


def test_reminder_two_days_ahead_names_the_date_not_tomorrow(office, smtp_server):
    booked = book(office)

    assert remind(booked.appointment, now=MONDAY_0930 - timedelta(hours=48))

    text = text_of(smtp_server.messages[-1])
    assert "Ihr Termin ist am Montag, 7. Dezember 2026, 09:30 Uhr." in text
    assert "morgen" not in text


def test_reminder_sent_on_the_day_says_today(office, smtp_server):
    booked = book(office)

    assert remind(booked.appointment, now=MONDAY_0930 - timedelta(hours=2))

    assert "Ihr Termin ist heute um 09:30 Uhr." in text_of(smtp_server.messages[-1])


def test_citizen_who_booked_in_english_gets_english_reminder(office, smtp_server):
    booked = book(office, language="en")

    remind(booked.appointment)

    reminder = smtp_server.messages[-1]
    when = "Monday, 7 December 2026 at 9:30 AM"
    assert subject_of(reminder) == f"Reminder of your appointment: {when}"
    assert "Your appointment is tomorrow, Monday, 7 December 2026 at 9:30 AM" in text_of(reminder)
    assert "If you cannot come, please cancel the appointment" in text_of(reminder)


def test_retried_reminder_is_sent_once(office, smtp_server):
    booked = book(office)

    assert remind(booked.appointment)
    assert not remind(booked.appointment, now=DAY_BEFORE + timedelta(minutes=1))

    assert len(smtp_server.messages) == 2
    assert SentMessage.objects.filter(message_id__contains=".reminder.0@").count() == 1


def test_old_reminder_of_a_moved_appointment_does_nothing(office, smtp_server):
    booked = book(office)
    booking.reschedule(
        appointment=booked.appointment,
        start=berlin(2026, 12, 8, 10, 0),
        now=NOW,
        channel=Channel.ONLINE,
    )

    send_appointment_mail.call(
        appointment_id=booked.appointment.pk, event=MailEvent.REMINDER, sequence=0
    )
    assert len(smtp_server.messages) == 2  # booked and moved, no reminder

    assert remind(booked.appointment, now=berlin(2026, 12, 7, 10, 0), sequence=1)
    reminder = smtp_server.messages[-1]
    assert reminder["Message-ID"].startswith(f"<{booked.appointment.reference}.reminder.1@")
    assert "Ihr Termin ist morgen, Dienstag, 8. Dezember 2026, 10:00 Uhr." in text_of(reminder)


def test_reminder_of_a_cancelled_appointment_does_nothing(office, smtp_server):
    booked = book(office)
    booking.cancel(appointment=booked.appointment, now=NOW, channel=Channel.ONLINE)

    assert not remind(booked.appointment, sequence=0)
    assert not remind(booked.appointment, sequence=1)  # cancelling raised the sequence

    assert [subject_of(message)[:22] for message in smtp_server.messages] == [
        "Ihr Termin ist gebucht",
        "Ihr Termin wurde abges",
    ]


def test_reminder_held_up_until_the_appointment_began_is_dropped(office, smtp_server):
    booked = book(office)

    assert not remind(booked.appointment, now=MONDAY_0930)

    assert len(smtp_server.messages) == 1


def bookable_monday(location: Location) -> datetime:
    """Monday 09:30 two to three weeks after the real today, not a public holiday: the worker
    reads the real clock, and a reminder for an appointment that has begun is dropped."""
    day = timezone.localdate() + timedelta(days=14)
    day += timedelta(days=-day.weekday() % 7)
    while location.holidays_between(day, day):
        day += timedelta(days=7)
    return datetime.combine(day, time(9, 30), tzinfo=BERLIN)


def book_for_real(office, start, **options) -> booking.Booked:
    return booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=start,
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=timezone.now(),
        **options,
    )


def reminder_tasks(sequence: int) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(
            args_kwargs__kwargs__event=MailEvent.REMINDER,
            args_kwargs__kwargs__sequence=sequence,
        )
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("db_tasks")
def test_booking_puts_a_reminder_for_a_day_before_in_the_outbox(office, smtp_server):
    start = bookable_monday(office.location)
    appointment = book_for_real(office, start).appointment

    [reminder] = reminder_tasks(0)
    assert reminder.status == READY
    assert reminder.run_after == start - timedelta(hours=24)
    assert reminder.args_kwargs["kwargs"]["appointment_id"] == appointment.pk

    run_worker()

    [booked] = smtp_server.messages  # the reminder waits for its time
    assert subject_of(booked).startswith("Ihr Termin ist gebucht")
    assert DBTaskResult.objects.get(pk=reminder.pk).status == READY


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("db_tasks")
def test_worker_sends_only_the_reminder_of_the_moved_appointment(office, smtp_server):
    start = bookable_monday(office.location)
    appointment = book_for_real(office, start).appointment
    moved = start + timedelta(hours=1)
    booking.reschedule(
        appointment=appointment, start=moved, now=timezone.now(), channel=Channel.ONLINE
    )
    [old] = reminder_tasks(0)
    [new] = reminder_tasks(1)
    assert new.run_after == moved - timedelta(hours=24)

    DBTaskResult.objects.filter(pk__in=[old.pk, new.pk]).update(run_after=timezone.now())
    run_worker()

    reminders = [m for m in smtp_server.messages if subject_of(m).startswith("Erinnerung")]
    [reminder] = reminders
    assert reminder["Message-ID"].startswith(f"<{appointment.reference}.reminder.1@")
    assert "10:30 Uhr" in text_of(reminder)
    assert DBTaskResult.objects.get(pk=old.pk).status == SUCCESSFUL  # did nothing, no error


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("db_tasks")
def test_confirming_a_hold_puts_its_reminder_in_the_outbox(office, smtp_server):
    start = bookable_monday(office.location)
    held = book_for_real(office, start, require_confirmation=True).appointment
    assert reminder_tasks(0) == []  # a hold may never be confirmed

    booking.confirm(appointment=held, now=timezone.now())

    [reminder] = reminder_tasks(0)
    assert reminder.run_after == start - timedelta(hours=24)
