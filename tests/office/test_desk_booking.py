"""Booking by phone or at the desk: free times including kept-back ones, email optional, the
facts to read out, a taken time (409) and bad input (422), and only within the clerk's scope."""

import re
import time
from datetime import date
from datetime import time as clock

import pytest
from django.test import Client
from django.urls import reverse

from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel
from amtstermin.core.scheduling import availability
from amtstermin.office.desk_booking import keys
from tests import factories
from tests.conftest import berlin
from tests.office.conftest import NOW
from tests.office.logins import log_in_verified, user_for
from tests.office.test_dayplan_page import book, clerk_of_another_department

MONDAY = date(2026, 12, 7)
MONDAY_9 = "2026-12-07T09:00:00+01:00"
CONTACT = {
    "channel": "phone",
    "name": "Erika Mustermann",
    "phone": "02381 123456",
    "language": "de",
}


@pytest.fixture(autouse=True)
def _monday_morning(clock):
    """The clock stands at NOW."""


@pytest.fixture
def signed_in(client, colleague):
    log_in_verified(client, user_for(colleague))
    return client


@pytest.fixture
def neighbour(office):
    return clerk_of_another_department(office)


@pytest.fixture
def kept_back(office):
    """Monday to Friday 13–15 the clerk takes only phone and desk bookings."""
    factories.roster(
        office.clerk, office.location, start=clock(13), end=clock(15), online_bookable=False
    )


def form_url(office) -> str:
    return reverse("office:desk_book", kwargs={"location_id": office.location.pk})


def wanted(office, day: date = MONDAY, id_cards: int = 1) -> dict:
    return {f"service-{office.id_card.pk}": id_cards, "tag": day.isoformat()}


def time_values(response) -> list[str]:
    return re.findall(r'name="start" value="[^"]*T(\d\d:\d\d)', response.content.decode())


def issued_key(client, office) -> str:
    """The idempotency key of a freshly opened form, as the browser sends it back."""
    page = client.get(form_url(office), wanted(office)).content.decode()
    return re.search(r'name="key" value="([^"]+)"', page).group(1)


def booking(client, office, **changes) -> dict:
    """The form as sent for Monday 09:00, with `changes`."""
    data = {**wanted(office), **CONTACT, "start": MONDAY_9, "key": issued_key(client, office)}
    return {**data, **changes}


def test_clerk_sees_the_free_times_of_the_chosen_services_and_day(signed_in, office):
    response = signed_in.get(form_url(office), wanted(office))

    assert response.status_code == 200
    body = response.content.decode()
    assert "2. Uhrzeit am Montag, 7. Dezember 2026" in body
    assert time_values(response)[:3] == ["08:00", "08:05", "08:10"]
    assert time_values(response)[-1] == "11:45"  # 15 minutes before the roster ends


def test_kept_back_time_is_offered_by_phone_but_not_online(signed_in, office, kept_back):
    online = availability.compute(
        office.location, [Item(office.id_card)], now=NOW, channel=Channel.ONLINE
    )
    assert all(start.astimezone(office.location.zone).hour < 12 for start in online.starts(MONDAY))

    response = signed_in.post(
        form_url(office), booking(signed_in, office, start="2026-12-07T13:00:00+01:00")
    )

    appointment = Appointment.objects.get()
    assert response.status_code == 302
    assert appointment.start == berlin(2026, 12, 7, 13, 0) and appointment.channel == Channel.PHONE


def test_kept_back_times_are_listed_on_the_form(signed_in, office, kept_back):
    assert "13:00" in time_values(signed_in.get(form_url(office), wanted(office)))


def test_clerk_books_by_phone_without_email_and_reads_out_the_facts(signed_in, office):
    response = signed_in.post(form_url(office), booking(signed_in, office), follow=True)

    appointment = Appointment.objects.get()
    assert appointment.email == "" and appointment.phone == "02381 123456"
    assert response.redirect_chain[-1][0] == reverse(
        "office:desk_booked",
        kwargs={"location_id": office.location.pk, "reference": appointment.reference},
    )
    body = response.content.decode()
    for fact in (
        "Termin gebucht",
        "Vorgangsnummer",
        appointment.reference,
        "Wartenummer",
        appointment.waiting_number,
        "Montag, 7. Dezember 2026",
        "09:00",
        "Bürgerbüro Mitte",
        "Markt 1",
        "1 × Personalausweis",
        "1 × bisheriger Personalausweis",
        "46,00 €",
        "Bitte kommen Sie um 08:55",
        "Keine E-Mail-Adresse",
    ):
        assert fact in body, fact


def test_desk_booking_with_email_says_where_the_confirmation_goes(signed_in, office):
    data = booking(signed_in, office, channel="desk", email="erika@example.org")

    response = signed_in.post(form_url(office), data, follow=True)

    appointment = Appointment.objects.get()
    assert appointment.channel == Channel.DESK and appointment.email == "erika@example.org"
    assert "Die Bestätigung geht an erika@example.org." in response.content.decode()


def test_a_double_submit_books_once(signed_in, office):
    data = booking(signed_in, office)

    first = signed_in.post(form_url(office), data)
    second = signed_in.post(form_url(office), data)

    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Appointment.objects.count() == 1


def test_a_taken_time_shows_the_nearest_alternatives(signed_in, office):
    book(office, name="Max Schneller", hour=9)

    response = signed_in.post(form_url(office), booking(signed_in, office))

    assert response.status_code == 409
    body = response.content.decode()
    assert "<title>Fehler:" in body and "Diese Uhrzeit wurde gerade vergeben" in body
    assert time_values(response) == ["08:40", "08:45", "09:15"]
    assert Appointment.objects.count() == 1
    assert 'value="Erika Mustermann"' in body  # what was typed stays


@pytest.mark.parametrize(
    ("changes", "message", "field_id"),
    [
        ({"name": "  "}, "Geben Sie den vollständigen Namen ein.", "id_name"),
        ({"email": "erika@"}, "Geben Sie eine E-Mail-Adresse im richtigen Format ein", "id_email"),
        ({"phone": "ruf mich an"}, "Geben Sie eine Telefonnummer nur mit Ziffern ein", "id_phone"),
        ({"start": ""}, "Wählen Sie eine Uhrzeit.", "id_start"),
        ({"start": "9 Uhr"}, "Wählen Sie eine Uhrzeit.", "id_start"),
        ({"channel": "online"}, "Wählen Sie Telefon oder Schalter.", "id_channel"),
    ],
)
def test_bad_input_is_refused_with_a_summary_and_nothing_is_booked(
    signed_in, office, changes, message, field_id
):
    response = signed_in.post(form_url(office), booking(signed_in, office, **changes))

    assert response.status_code == 422
    body = response.content.decode()
    assert "<title>Fehler:" in body and message in body
    assert f'href="#{field_id}"' in body
    assert not Appointment.objects.exists()


def test_no_service_is_refused(signed_in, office):
    response = signed_in.get(form_url(office), wanted(office, id_cards=0))

    assert response.status_code == 422
    assert "Wählen Sie mindestens eine Dienstleistung" in response.content.decode()


def test_a_time_before_now_is_refused(signed_in, office):
    data = booking(signed_in, office, start="2026-12-07T06:00:00+01:00")

    response = signed_in.post(form_url(office), data)

    assert response.status_code in (409, 422)
    assert not Appointment.objects.exists()


def test_a_key_this_session_was_not_given_is_refused(signed_in, office):
    data = booking(signed_in, office, key="desk-made-up")

    response = signed_in.post(form_url(office), data)

    assert response.status_code == 422
    assert "Dieses Formular ist abgelaufen" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_key_given_to_another_login_is_refused(signed_in, office):
    member = factories.staff(department_=office.id_card.department, name="Jonas Weber")
    member.locations.set([office.location])
    other = Client()
    log_in_verified(other, user_for(member, username="jweber"))
    data = booking(other, office)  # a valid key, but signed for the other clerk

    response = signed_in.post(form_url(office), data)

    assert response.status_code == 422
    assert "Dieses Formular ist abgelaufen" in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_key_older_than_a_working_day_is_refused(signed_in, office, monkeypatch):
    data = booking(signed_in, office)
    issued = time.time()
    monkeypatch.setattr(keys.time, "time", lambda: issued + keys.LIFETIME_SECONDS + 60)

    response = signed_in.post(form_url(office), data)

    assert response.status_code == 422
    assert not Appointment.objects.exists()


def test_a_key_survives_a_parallel_request_that_rewrote_the_session(signed_in, office):
    """The page's htmx request and a plain submit may save the session at once; one write is
    lost. The key on the page the clerk sees must still be good."""
    before = dict(signed_in.session.items())
    data = booking(signed_in, office)
    session = signed_in.session  # the other request saves what it read before this one
    session.clear()
    session.update(before)
    session.save()

    response = signed_in.post(form_url(office), data)

    assert response.status_code == 302
    assert Appointment.objects.count() == 1


def test_a_day_without_free_time_points_to_the_next_free_days(signed_in, office):
    response = signed_in.get(form_url(office), wanted(office, day=date(2026, 12, 12)))

    body = response.content.decode()
    assert "An diesem Tag ist keine Zeit frei." in body
    assert f"service-{office.id_card.pk}=1&amp;tag=2026-12-14" in body


def test_clerk_books_only_their_departments_services(client, office, neighbour):
    log_in_verified(client, user_for(neighbour))

    body = client.get(form_url(office)).content.decode()

    assert "Eheschließung" in body and "Personalausweis" not in body
    data = {**wanted(office), **CONTACT, "start": MONDAY_9}
    assert client.post(form_url(office), data).status_code == 422


def test_clerk_of_another_department_cannot_open_the_facts(client, office, citizen, neighbour):
    log_in_verified(client, user_for(neighbour))
    url = reverse(
        "office:desk_booked",
        kwargs={"location_id": office.location.pk, "reference": citizen.reference},
    )

    response = client.get(url)

    assert response.status_code == 404
    assert citizen.name not in response.content.decode()


def test_clerk_at_another_location_cannot_book_there(client, office, stranger):
    log_in_verified(client, user_for(stranger))

    assert client.get(form_url(office), wanted(office)).status_code == 404
    assert client.post(form_url(office), {**wanted(office), **CONTACT}).status_code == 404
