"""A clerk finds any appointment of their scope (any day), reads its facts and history, moves it
on the calendar, cancels it with a reason the citizen is mailed, corrects the contact details
and sends the confirmation again; every change in the history with the clerk's name."""

from datetime import date

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, AppointmentEvent, Channel, Status
from tests import factories
from tests.conftest import berlin
from tests.office.conftest import NOW
from tests.office.logins import log_in_verified, user_for
from tests.office.test_dayplan_page import clerk_of_another_department

WEDNESDAY = date(2026, 12, 9)


@pytest.fixture(autouse=True)
def _monday_morning(clock):
    """The clock stands at NOW (Monday 7 December 2026, 07:00)."""


@pytest.fixture
def signed_in(client, colleague):
    log_in_verified(client, user_for(colleague))
    return client


def book(office, name: str, day: date = WEDNESDAY, hour: int = 10, **contact) -> Appointment:
    contact = {"email": "max@example.org", "phone": "0171 5550123", **contact}
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(day.year, day.month, day.day, hour, 0),
        contact=booking.Contact(name=name, **contact),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment


def search(client, **query):
    return client.get(reverse("office:appointments"), query)


def page(appointment: Appointment, name: str = "appointment") -> str:
    return reverse(f"office:{name}", kwargs={"reference": appointment.reference})


def history(client, appointment: Appointment) -> list[str]:
    body = client.get(page(appointment)).content.decode()
    entries = body.split('<ol class="amt-history">')[1].split("</ol>")[0]
    lines = entries.split("<li>")[1:]
    return [" ".join(line.split("</time>")[-1].split("</li>")[0].split()) for line in lines]


def test_clerk_finds_an_appointment_on_another_day_by_name_reference_email_and_phone(
    signed_in, office, citizen
):
    max_ = book(office, "Max Beispiel")

    for text in ("beispiel", max_.reference.lower(), "max@example", "5550123"):
        response = search(signed_in, q=text)
        assertContains(response, "1 Termin gefunden")
        assertContains(response, "Max Beispiel")
        assertContains(response, "Mi, 09.12.2026 10:00")
        assertNotContains(response, "Erika Mustermann")


def test_clerk_finds_every_appointment_of_a_day(signed_in, office, citizen):
    book(office, "Max Beispiel")

    response = search(signed_in, tag="2026-12-07")

    assertContains(response, "1 Termin gefunden")
    assertContains(response, "Erika Mustermann")
    assertNotContains(response, "Max Beispiel")


def test_search_shows_nothing_of_another_department(client, office, citizen):
    neighbour = clerk_of_another_department(office)
    log_in_verified(client, user_for(neighbour))

    response = search(client, q="Erika")

    assertContains(response, "0 Termine gefunden")
    assertNotContains(response, "Erika Mustermann")
    assert client.get(page(citizen)).status_code == 404


def test_search_with_a_broken_day_says_so(signed_in, citizen):
    response = search(signed_in, q="Erika", tag="7.12.")
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "Geben Sie den Tag als Datum ein", status_code=422)


@pytest.mark.parametrize("rows", [1, 3])
def test_search_list_costs_the_same_queries_for_one_and_three_rows(
    signed_in, office, rows, django_assert_num_queries
):
    for hour in range(8, 8 + rows):
        book(office, f"Max Beispiel {hour}", hour=hour)
    # session, user, second factor, staff member, the list (its scope as subqueries), services
    with django_assert_num_queries(6):
        response = search(signed_in, q="Beispiel")
    assertContains(response, f"{rows} Termin")


def test_page_shows_facts_and_who_booked(signed_in, citizen):
    response = signed_in.get(page(citizen))

    assertContains(response, "Termin von Erika Mustermann")
    assertContains(response, citizen.reference)
    assertContains(response, "Montag, 7. Dezember 2026")
    assertContains(response, "Personalausweis")
    assert history(signed_in, citizen) == ["— Gebucht (Telefon)"]


def test_clerk_moves_an_appointment_through_the_calendar(signed_in, office, citizen, mailoutbox):
    calendar = signed_in.get(page(citizen, "appointment_move"))
    # The first free day is today: its own time at 09:00 is not offered, 08:00 is.
    assertContains(calendar, "Erster freier Tag: Montag, 7. Dezember 2026")
    assertContains(calendar, "Dezember 2026")
    times = signed_in.get(page(citizen, "appointment_move"), {"tag": "2026-12-07"})
    assertContains(times, "08:00")
    assertNotContains(times, 'value="2026-12-07T09:00:00+01:00"')
    mailoutbox.clear()

    response = signed_in.post(
        page(citizen, "appointment_move"),
        {"tag": "2026-12-09", "start": "2026-12-09T11:00:00+01:00"},
        follow=True,
    )

    assertContains(response, "Der Termin wurde verschoben.")
    assertContains(response, "Mittwoch, 9. Dezember 2026")
    assert history(signed_in, citizen)[-1] == (
        "— Verschoben von 07.12.2026 09:00 auf 09.12.2026 11:00 (Sabine Kowalski)"
    )
    [mail] = mailoutbox
    assert "verschoben" in mail.subject


def test_a_taken_time_offers_alternatives(signed_in, office, citizen):
    book(office, "Max Beispiel", hour=11)

    response = signed_in.post(
        page(citizen, "appointment_move"),
        {"tag": "2026-12-09", "start": "2026-12-09T11:00:00+01:00"},
    )

    assertContains(response, "Fehler:", status_code=409)
    assertContains(response, "11:15", status_code=409)
    citizen.refresh_from_db()
    assert citizen.start == berlin(2026, 12, 7, 9, 0)


def test_clerk_cancels_with_a_reason_the_citizen_reads(signed_in, citizen, smtp_server):
    response = signed_in.post(
        page(citizen, "appointment_cancel"),
        {"reason": "Die Sachbearbeiterin ist leider erkrankt."},
        follow=True,
    )

    assertContains(response, "Der Termin wurde abgesagt.")
    assertContains(response, "Abgesagt")
    assertNotContains(response, "Kontaktdaten bearbeiten")  # nothing left to change
    assert history(signed_in, citizen)[-1] == (
        "— Abgesagt, Grund: Die Sachbearbeiterin ist leider erkrankt. (Sabine Kowalski)"
    )
    [mail] = smtp_server.messages
    assert mail["To"] == "erika@example.org"
    text = mail.get_body(preferencelist=("plain",)).get_content()
    assert "Grund: Die Sachbearbeiterin ist leider erkrankt." in text


def test_cancel_without_a_reason_is_refused(signed_in, citizen, mailoutbox):
    mailoutbox.clear()
    response = signed_in.post(page(citizen, "appointment_cancel"), {"reason": "   "})

    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "Bitte geben Sie den Grund an", status_code=422)
    citizen.refresh_from_db()
    assert citizen.status == Status.BOOKED
    assert mailoutbox == []


def test_clerk_corrects_the_phone_number(signed_in, citizen):
    form = signed_in.get(page(citizen, "appointment_contact"))
    assertContains(form, 'value="Erika Mustermann"')

    response = signed_in.post(
        page(citizen, "appointment_contact"),
        {
            "name": "Erika Mustermann",
            "phone": "0171 5550199",
            "email": citizen.email,
            "language": "de",
        },
        follow=True,
    )

    assertContains(response, "Die Kontaktdaten wurden gespeichert.")
    assertContains(response, "0171 5550199")
    assert history(signed_in, citizen)[-1] == "— Kontaktdaten geändert: Telefon (Sabine Kowalski)"


def test_a_broken_email_address_is_refused(signed_in, citizen):
    response = signed_in.post(
        page(citizen, "appointment_contact"),
        {"name": "Erika Mustermann", "email": "erika@", "language": "de"},
    )
    assertContains(response, "Fehler:", status_code=422)
    citizen.refresh_from_db()
    assert citizen.email == "erika@example.org"


def test_clerk_sends_the_confirmation_again(signed_in, citizen, mailoutbox):
    mailoutbox.clear()

    for _twice in range(2):
        response = signed_in.post(page(citizen, "appointment_resend"), follow=True)
        assertContains(response, "Die Bestätigung wurde erneut an erika@example.org gesendet.")

    assert [mail.to for mail in mailoutbox] == [["erika@example.org"]] * 2
    assert "gebucht" in mailoutbox[0].subject
    assert history(signed_in, citizen)[-1] == "— Bestätigung erneut gesendet (Sabine Kowalski)"


def test_no_confirmation_without_an_address(signed_in, office, mailoutbox):
    max_ = book(office, "Max Beispiel", email="")
    mailoutbox.clear()

    response = signed_in.post(page(max_, "appointment_resend"), follow=True)

    assertContains(response, "keine E-Mail-Adresse hinterlegt")
    assert mailoutbox == []
    assert not AppointmentEvent.objects.filter(
        appointment=max_, kind=AppointmentEvent.Kind.MAIL_RESENT
    ).exists()


def test_an_appointment_with_another_departments_service_is_not_changed(
    signed_in, office, mailoutbox
):
    """Seeing one of its services is not owning it: the Standesamt's half stays untouched."""
    marriage = factories.service(name="Eheschließung anmelden", locations=[office.location])
    office.clerk.skills.add(marriage)
    shared = booking.book(
        location=office.location,
        items=[Item(office.id_card), Item(marriage)],
        start=berlin(2026, 12, 9, 10, 0),
        contact=booking.Contact(name="Max Beispiel", email="max@example.org"),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment
    mailoutbox.clear()

    assertNotContains(signed_in.get(page(shared)), "Kontaktdaten bearbeiten")
    posts = {
        "appointment_cancel": {"reason": "Krank"},
        "appointment_move": {"start": "2026-12-09T11:00:00+01:00"},
        "appointment_contact": {"name": "Max Anders", "language": "de"},
        "appointment_resend": {},
    }
    for name, data in posts.items():
        assert signed_in.post(page(shared, name), data).status_code == 403, name

    shared.refresh_from_db()
    assert (shared.status, shared.start, shared.name) == (
        Status.BOOKED,
        berlin(2026, 12, 9, 10, 0),
        "Max Beispiel",
    )
    assert mailoutbox == []
