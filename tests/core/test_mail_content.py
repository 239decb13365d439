"""What the citizen reads in appointment mails, delivered through a real SMTP server on loopback."""

import re
from datetime import timedelta

import pytest
from icalendar import Calendar

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import AccessToken, Channel, Document, SentMessage
from amtstermin.core.notifications import ics
from amtstermin.core.notifications.events import MailEvent
from amtstermin.core.notifications.tasks import send_appointment_mail
from tests.conftest import berlin

SITE = "https://termine.musterstadt.de"
NOW = berlin(2026, 12, 1, 8, 0)
MONDAY_0930 = berlin(2026, 12, 7, 9, 30)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


def book(office, *, name="Erika Mustermann", language="de", start=MONDAY_0930, **options):
    """Two people apply for ID cards and register their move: the example of the issue."""
    Document.objects.filter(name="Code Ihres digitalen Passbilds").update(
        note="oder Foto vor Ort, 6 €"
    )
    return booking.book(
        location=office.location,
        items=[Item(office.id_card, 2), Item(office.registration, 1)],
        start=start,
        contact=booking.Contact(name=name, email="erika@example.org", language=language),
        channel=Channel.ONLINE,
        now=NOW,
        **options,
    )


def subject_of(message) -> str:
    # Django folds a non-ASCII subject right after "Subject:"; Python's parser keeps that fold as
    # a leading space, which mail clients drop.
    return str(message["Subject"]).strip()


def text_of(message) -> str:
    # Lines travel with CRLF, as SMTP requires; compare them as lines.
    return message.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")


def html_of(message) -> str:
    return message.get_body(preferencelist=("html",)).get_content().replace("\r\n", "\n")


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert part.get_filename() == "termin.ics"
    return Calendar.from_ical(part.get_content())


def token_in(text: str, path: str) -> str:
    match = re.search(re.escape(SITE + path) + r"([A-Za-z0-9_-]+)/", text)
    assert match, f"no {path} link in the mail"
    return match.group(1)


def test_citizen_gets_booked_mail_in_german_with_everything_for_the_visit(office, smtp_server):
    booked = book(office)

    [mail] = smtp_server.messages
    appointment = booked.appointment
    assert mail["To"] == "erika@example.org"
    assert mail.get_content_type() == "multipart/mixed"
    assert subject_of(mail) == "Ihr Termin ist gebucht: Montag, 7. Dezember 2026, 09:30 Uhr"
    assert mail["Message-ID"] == f"<{appointment.reference}.booked.0@termine.musterstadt.de>"
    for body in (text_of(mail), html_of(mail)):
        assert "Guten Tag Erika Mustermann," in body
        assert "Montag, 7. Dezember 2026, 09:30 Uhr" in body
        assert "Bürgerbüro Mitte" in body and "Markt 1, 12345 Musterstadt" in body
        assert "Vorgangsnummer" in body and appointment.reference in body
        assert "Wartenummer" in body and appointment.waiting_number in body
        assert "ca. 40 Min." in body
        assert "2 × bisheriger Personalausweis" in body
        assert "2 × Code Ihres digitalen Passbilds — oder Foto vor Ort, 6 €" in body
        assert "1 × Wohnungsgeberbestätigung" in body
        assert "92,00 €" in body
        assert "Bitte kommen Sie um 09:25 Uhr, nicht früher" in body
    text = text_of(mail)
    assert "Dienstleistungen: 2 × Personalausweis, 1 × Anmeldung" in text
    assert text.count("bisheriger Personalausweis") == 1  # merged, not listed per service
    token = token_in(text, "/termin/verwalten/")
    assert booking.find_by_token(token) == appointment
    assert f'href="{SITE}/termin/verwalten/{token}/"' in html_of(mail)
    assert AccessToken.objects.filter(appointment=appointment).count() == 2  # booking's and mail's


def test_booked_mail_html_is_an_accessible_document(office, smtp_server):
    book(office)

    [mail] = smtp_server.messages
    html = html_of(mail)
    assert '<html lang="de" dir="ltr">' in html
    assert "<title>Ihr Termin ist gebucht: Montag, 7. Dezember 2026, 09:30 Uhr</title>" in html
    assert html.count("<h1") == 1
    assert "<h2" in html and "<dl>" in html and "<li>2 × bisheriger Personalausweis</li>" in html
    assert "<img" not in html and "<script" not in html


def test_booked_mail_carries_a_calendar_entry_in_berlin_time(office, smtp_server):
    booked = book(office)

    [mail] = smtp_server.messages
    calendar = calendar_of(mail)
    [event] = calendar.events
    assert calendar["METHOD"] == "PUBLISH"
    assert [zone.tz_name for zone in calendar.timezones] == ["Europe/Berlin"]
    assert event.start == MONDAY_0930 and event.start.tzinfo.key == "Europe/Berlin"
    assert event.end == MONDAY_0930 + timedelta(minutes=40)
    assert event.uid == f"{booked.appointment.reference}@termine.musterstadt.de"
    assert event.sequence == 0
    assert event["SUMMARY"] == "Termin: Personalausweis (2), Anmeldung"
    assert event["LOCATION"] == "Bürgerbüro Mitte, Markt 1, 12345 Musterstadt"
    assert event["STATUS"] == "CONFIRMED"
    assert "DTSTART;TZID=Europe/Berlin:20261207T093000" in calendar.to_ical().decode()


def test_rescheduled_mail_replaces_the_calendar_entry(office, smtp_server):
    booked = book(office)

    booking.reschedule(
        appointment=booked.appointment,
        start=berlin(2026, 12, 8, 10, 0),
        now=NOW,
        channel=Channel.ONLINE,
    )

    first, moved = smtp_server.messages
    assert subject_of(moved) == "Ihr Termin wurde verschoben: Dienstag, 8. Dezember 2026, 10:00 Uhr"
    assert moved["Message-ID"] != first["Message-ID"]
    assert "Dienstag, 8. Dezember 2026, 10:00 Uhr" in text_of(moved)
    [before] = calendar_of(first).events
    [after] = calendar_of(moved).events
    assert after.uid == before.uid
    assert after.sequence > before.sequence
    assert after.start == berlin(2026, 12, 8, 10, 0)
    token = token_in(text_of(moved), "/termin/verwalten/")
    assert booking.find_by_token(token) == booked.appointment


def test_cancelled_mail_withdraws_the_calendar_entry(office, smtp_server):
    booked = book(office)

    booking.cancel(appointment=booked.appointment, now=NOW, channel=Channel.ONLINE)

    first, cancelled = smtp_server.messages
    text = text_of(cancelled)
    assert subject_of(cancelled).startswith("Ihr Termin wurde abgesagt: Montag, 7. Dezember 2026")
    assert "Ihr Termin am Montag, 7. Dezember 2026, 09:30 Uhr wurde abgesagt." in text
    assert booked.appointment.reference in text
    assert f"{SITE}/termin/\n" in text
    assert "/termin/verwalten/" not in text  # nothing left to manage
    calendar = calendar_of(cancelled)
    [event] = calendar.events
    assert calendar["METHOD"] == "CANCEL"
    assert event["STATUS"] == "CANCELLED"
    assert event.uid == calendar_of(first).events[0].uid
    assert event.sequence > calendar_of(first).events[0].sequence  # RFC 5546: outranks it


def test_reserved_hold_gets_confirm_link_and_hold_time_but_no_calendar(office, smtp_server):
    held = book(office, require_confirmation=True)

    [mail] = smtp_server.messages
    text = text_of(mail)
    assert mail.get_content_type() == "multipart/alternative"
    assert list(mail.iter_attachments()) == []
    assert subject_of(mail).startswith("Bitte bestätigen Sie Ihren Termin: Montag")
    assert "Sie haben einen Termin reserviert." in text
    assert "bis 08:30 Uhr" in text  # the location holds unconfirmed bookings for 30 minutes
    token = token_in(text, "/termin/bestaetigen/")
    assert booking.find_by_token(token) == held.appointment
    assert "/termin/verwalten/" not in text

    booking.confirm(appointment=held.appointment, now=NOW + timedelta(minutes=5))

    _request, booked = smtp_server.messages
    assert subject_of(booked).startswith("Ihr Termin ist gebucht")
    assert calendar_of(booked)["METHOD"] == "PUBLISH"


def test_reserved_hold_moved_before_confirmation_still_gets_the_confirm_link(office, smtp_server):
    held = book(office, require_confirmation=True)

    booking.reschedule(
        appointment=held.appointment,
        start=berlin(2026, 12, 8, 10, 0),
        now=NOW + timedelta(minutes=5),
        channel=Channel.ONLINE,
    )

    _request, moved = smtp_server.messages
    text = text_of(moved)
    assert subject_of(moved).startswith("Ihr Termin wurde verschoben: Dienstag")
    assert "bis 08:30 Uhr" in text
    token = token_in(text, "/termin/bestaetigen/")
    assert booking.find_by_token(token) == held.appointment
    assert "/termin/verwalten/" not in text
    assert calendar_of(moved).events[0]["STATUS"] == "TENTATIVE"


def test_citizen_who_booked_in_english_gets_english_mail(office, smtp_server):
    book(office, language="en")

    [mail] = smtp_server.messages
    text = text_of(mail)
    assert subject_of(mail) == "Your appointment is booked: Monday, 7 December 2026 at 9:30 AM"
    assert '<html lang="en" dir="ltr">' in html_of(mail)
    assert "Hello Erika Mustermann," in text
    assert "Reference number" in text and "Waiting number" in text
    assert "Please come at 9:25 AM, not earlier" in text
    assert "92.00 €" in text
    assert calendar_of(mail).events[0]["SUMMARY"] == "Appointment: Personalausweis (2), Anmeldung"


def test_text_part_is_not_html_escaped(office, smtp_server):
    book(office, name="Erika O'Neill & Max")

    [mail] = smtp_server.messages
    assert "Guten Tag Erika O'Neill & Max," in text_of(mail)
    assert "Erika O&#x27;Neill &amp; Max" in html_of(mail)


def test_mail_is_composed_and_sent_in_few_queries(office, smtp_server, django_assert_num_queries):
    booked = book(office)
    SentMessage.objects.all().delete()

    # appointment with location, items with services, documents, opening time (arrival
    # advice), sent before?, token, record
    with django_assert_num_queries(7):
        send_appointment_mail.call(appointment_id=booked.appointment.pk, event=MailEvent.BOOKED)

    assert len(smtp_server.messages) == 2


def test_phone_booking_without_email_gets_no_mail(office, smtp_server):
    booked = booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=MONDAY_0930,
        contact=booking.Contact(name="Erika Mustermann", phone="0123 456"),
        channel=Channel.PHONE,
        now=NOW,
    )

    send_appointment_mail.call(appointment_id=booked.appointment.pk, event=MailEvent.BOOKED)

    assert smtp_server.messages == []
    assert not SentMessage.objects.exists()


def test_calendar_entry_in_summer_time_carries_the_summer_offset(office, smtp_server):
    appointment = book(office).appointment
    appointment.start, appointment.end = berlin(2027, 7, 5, 9, 30), berlin(2027, 7, 5, 10, 10)
    items = [Item(office.id_card, 2)]

    calendar = Calendar.from_ical(ics.appointment_calendar(appointment, items=items, now=NOW))

    [event] = calendar.events
    assert event.start == berlin(2027, 7, 5, 9, 30)
    assert event.start.tzinfo.key == "Europe/Berlin"
    assert event.start.utcoffset() == timedelta(hours=2)
    [zone] = calendar.timezones
    assert zone.to_tz().utcoffset(berlin(2027, 7, 5, 9, 30).replace(tzinfo=None)) == timedelta(
        hours=2
    )


def test_mail_comes_from_the_location_under_the_sites_own_address(office, smtp_server, settings):
    settings.DEFAULT_FROM_EMAIL = "Bürgerbüro <termine@musterstadt.de>"
    office.location.name = "Standesamt Musterstadt"
    office.location.email = "standesamt@musterstadt.de"
    office.location.save()
    book(office)

    [mail] = smtp_server.messages
    [sender] = mail["From"].addresses
    assert (sender.display_name, sender.addr_spec) == (
        "Standesamt Musterstadt",
        "termine@musterstadt.de",
    )
    assert mail["Reply-To"] == "standesamt@musterstadt.de"
