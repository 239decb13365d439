"""The booking wizard step by step, as a citizen reads it (German): each step's page, each bad
input, and where a step sends the citizen when an earlier one is missing or no longer valid.

Services → (location) → day → time → contact → review → the appointment page. The clock stands
on Friday 4 December 2026, 15:00 (tests/citizen/conftest.py).
"""

import re
from datetime import datetime, time, timedelta
from html.parser import HTMLParser

import altcha
import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin.core import captcha
from amtstermin.core.models import Appointment, Channel, Service, Status
from tests import factories
from tests.citizen.conftest import (
    CONTACT,
    MONDAY,
    MONDAY_9,
    NOW,
    TUESDAY,
    book_directly,
    choose_services,
    choose_time,
    draft_of,
    forged_key,
    longer_life,
    offered,
    quantities,
    review_key,
    solved_captcha,
    tampered,
    time_step,
    walk_to_review,
)
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

SERVICES = reverse("citizen:services")
LOCATION = reverse("citizen:location")
DAY = reverse("citizen:day")
CONTACT_STEP = reverse("citizen:contact")
REVIEW = reverse("citizen:review")
TAKEN_MESSAGE = "Diese Zeit wurde leider inzwischen von jemand anderem gebucht."


def error_summary(response, message: str, field_id: str | None = None) -> None:
    """The error summary at the top of the page says `message`, linking to its field if any."""
    status = response.status_code
    assertContains(response, "<title>Fehler: ", status_code=status)
    assertContains(response, 'id="error-summary"', count=1, status_code=status)
    assertContains(response, "Es gibt ein Problem", status_code=status)
    if field_id:
        link = f'<a class="kern-link" href="#{field_id}">{message}</a>'
        assertContains(response, link, count=1, status_code=status)
        assertContains(response, f'id="{field_id}"', status_code=status)
    else:
        assertContains(response, f"<li>{message}</li>", count=1, status_code=status)


def section(response, start_marker: str, end_marker: str | None = None) -> str:
    """The page's text from `start_marker` up to `end_marker` (or the end)."""
    page = response.content.decode()
    part = page.split(start_marker, 1)[1]
    return part.split(end_marker, 1)[0] if end_marker else part


# Step 1: services


def test_services_step_asks_for_quantities_of_each_bookable_service(client, office):
    response = client.get(SERVICES)

    assertContains(response, "<title>Dienstleistungen wählen")
    assertContains(response, "<h1", count=1)
    assertContains(response, "Welche Dienstleistungen brauchen Sie?</h1>")
    assertContains(response, "Schritt 1 von 5")
    assertNotContains(response, 'class="kern-link amt-back"')  # the first step has no way back
    for service in (office.id_card, office.registration):
        field = f"id_service-{service.pk}"
        assertContains(response, f'<label class="kern-label" for="{field}">{service.name}</label>')
        assertContains(response, f'id="{field}" name="service-{service.pk}"')
    assertContains(response, 'type="number" inputmode="numeric" min="0" max="3"', count=2)
    assertContains(response, "Ihre Auswahl")
    assertContains(response, "Noch nichts ausgewählt.")


def test_citizen_chooses_quantities_and_goes_on_to_the_calendar(client, office):
    data = quantities((office.id_card, 2), (office.registration, 1))

    response = client.post(SERVICES, data)

    assertRedirects(response, DAY, fetch_redirect_response=False)
    draft = draft_of(client)
    assert draft["quantities"] == {str(office.id_card.pk): 2, str(office.registration.pk): 1}
    assert draft["location"] == office.location.pk
    assert draft["several_locations"] is False


def test_coming_back_to_the_services_shows_what_was_chosen(client, office):
    choose_services(client, office, services=[(office.id_card, 2)])

    response = client.get(SERVICES)

    assertContains(response, f'name="service-{office.id_card.pk}"')
    assertContains(response, 'max="3" step="1" value="2"')
    assertContains(response, "<li>2 × Personalausweis</li>")
    assertContains(response, "ca. 25 Min.")  # 15 for the first, 10 for the second
    assertContains(response, "92,00 €")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("4", "Sie können „Personalausweis“ höchstens 3-mal pro Termin buchen."),
        ("-1", "Die Anzahl für „Personalausweis“ darf nicht kleiner als 0 sein."),
        ("zwei", "Geben Sie für „Personalausweis“ eine ganze Zahl ein."),
        ("1.5", "Geben Sie für „Personalausweis“ eine ganze Zahl ein."),
    ],
)
def test_a_bad_quantity_is_named_at_its_field_and_nothing_is_stored(client, office, typed, message):
    data = {**quantities((office.registration, 1)), f"service-{office.id_card.pk}": typed}

    response = client.post(SERVICES, data)

    assert response.status_code == 422
    field = f"id_service-{office.id_card.pk}"
    error_summary(response, message, field)
    assertContains(response, f'<p class="kern-error" id="{field}-error">', status_code=422)
    assertContains(response, 'aria-invalid="true"', count=1, status_code=422)
    assertContains(response, f'value="{typed}"', status_code=422)  # as typed, to correct it
    assert draft_of(client) is None


def test_choosing_nothing_asks_for_at_least_one_service(client, office):
    response = client.post(SERVICES, quantities((office.id_card, 0), (office.registration, 0)))

    assert response.status_code == 422
    message = "Wählen Sie mindestens eine Dienstleistung aus: Tragen Sie dazu eine Anzahl ein."
    error_summary(response, message)
    assert draft_of(client) is None


def test_services_no_single_location_offers_are_refused_together(client, office):
    elsewhere = factories.location(name="Standesamt")
    marriage = factories.service(name="Eheschließung anmelden", locations=[elsewhere])

    response = client.post(SERVICES, quantities((office.id_card, 1), (marriage, 1)))

    assert response.status_code == 422
    error_summary(
        response,
        "Kein Standort bietet alle diese Dienstleistungen zusammen an. "
        "Bitte buchen Sie dafür getrennte Termine.",
    )
    assert draft_of(client) is None


def test_a_refused_choice_leaves_the_earlier_one_untouched(client, office):
    choose_services(client, office, services=[(office.id_card, 2)])
    before = draft_of(client)

    response = client.post(SERVICES, quantities((office.id_card, 7)))

    assert response.status_code == 422
    assert draft_of(client) == before


def test_citizen_finds_services_by_name_or_search_word(client, office):
    office.id_card.synonyms = "Perso, Ausweis"
    office.id_card.save()

    for query in ("perso", "Personalausweis", "ausweis"):
        response = client.get(SERVICES, {"q": query})

        assertContains(response, "1 Dienstleistung für „" + query + "“ gefunden.")
        assertContains(response, f'name="service-{office.id_card.pk}"')
        assertNotContains(response, f'name="service-{office.registration.pk}"')
        assertContains(response, 'value="' + query + '"')  # the search box keeps the words
        assertContains(response, f'<a class="kern-link" href="{SERVICES}">')
        assertContains(response, "Alle Dienstleistungen anzeigen")


def test_a_search_without_match_says_so(client, office):
    response = client.get(SERVICES, {"q": "Fischereischein"})

    assertContains(response, "0 Dienstleistungen für „Fischereischein“ gefunden.")
    assertContains(response, "Zu Ihrer Suche passt keine Dienstleistung mit Termin vor Ort.")


def test_choosing_from_a_search_keeps_what_was_chosen_among_the_others(client, office):
    choose_services(client, office, services=[(office.registration, 1)])

    response = client.post(f"{SERVICES}?q=Personalausweis", quantities((office.id_card, 2)))

    assertRedirects(response, DAY, fetch_redirect_response=False)
    assert draft_of(client)["quantities"] == {
        str(office.registration.pk): 1,
        str(office.id_card.pk): 2,
    }


def test_a_search_keeps_the_numbers_typed_before_it(client, office):
    # Without JavaScript: Anmeldung = 1 typed, then "Perso" searched – the search sends the form.
    office.id_card.synonyms = "Perso"
    office.id_card.save()
    typed = {**quantities((office.registration, 1), (office.id_card, 0)), "q": "Perso"}

    searched = client.post(SERVICES, {**typed, "suche": "1"})

    assertRedirects(searched, f"{SERVICES}?q=Perso", fetch_redirect_response=False)
    found = client.get(SERVICES, {"q": "Perso"})
    assertNotContains(found, f'name="service-{office.registration.pk}"')
    assertContains(found, f"<li>1 × {office.registration.name}</li>")  # still in the selection
    assertContains(found, "Zuvor gewählte Dienstleistungen bleiben in Ihrer Auswahl.")
    # Two ID cards added among the services found, then "Weiter": both services are booked.
    onward = client.post(f"{SERVICES}?q=Perso", quantities((office.id_card, 2)))
    assertRedirects(onward, DAY, fetch_redirect_response=False)
    assert draft_of(client)["quantities"] == {
        str(office.registration.pk): 1,
        str(office.id_card.pk): 2,
    }


def test_an_empty_search_shows_all_services_and_keeps_the_choice(client, office):
    response = client.post(
        f"{SERVICES}?q=Perso", {**quantities((office.id_card, 1)), "q": " ", "suche": "1"}
    )

    assertRedirects(response, SERVICES, fetch_redirect_response=False)
    assert draft_of(client)["quantities"] == {str(office.id_card.pk): 1}


def test_step_one_states_how_far_ahead_one_can_book(client, office):
    assertContains(client.get(SERVICES), "Termine können Sie bis zu 6 Wochen im Voraus buchen")
    office.location.horizon_days = 30
    office.location.save()
    assertContains(client.get(SERVICES), "Termine können Sie bis zu 30 Tage im Voraus buchen")


def test_the_fee_for_under_24s_is_shown_before_booking(client, office):
    office.id_card.fee_note = "27,60 € unter 24 Jahren"
    office.id_card.save()

    assertContains(client.get(SERVICES), "27,60 € unter 24 Jahren")
    walk_to_review(client, office)
    assertContains(client.get(REVIEW), "27,60 € unter 24 Jahren")


def test_online_forms_of_this_site_are_linked_from_step_one(client, office):
    factories.service(
        name="Melderegisterauskunft",
        slug="melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind="melderegisterauskunft",
        locations=[office.location],
    )

    online = section(client.get(SERVICES), 'id="without-visit"')

    form = reverse("citizen:request_form", kwargs={"slug": "melderegisterauskunft"})
    assert f'<a class="kern-link" href="{form}">' in online
    assert "„Melderegisterauskunft“ online beantragen" in online
    assert "bis das Online-Formular" not in online.lower()
    assert client.get(form).status_code == 200


def test_services_done_online_are_linked_and_cannot_be_booked(client, office):
    information = factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        external_url="https://service.example.org/auskunft",
        locations=[office.location],
    )
    car = factories.service(
        name="Kfz-Zulassung",
        mode=Service.Mode.EXTERNAL_LINK,
        external_url="https://kreis.example.org/kfz",
        locations=[office.location],
    )

    page = client.get(SERVICES)

    online = section(page, 'id="without-visit"')
    assert "Online erledigen – ohne Besuch" in online
    assert '<a class="kern-link" href="https://service.example.org/auskunft">' in online
    assert "„Melderegisterauskunft“ online beantragen" in online
    assert '<a class="kern-link" href="https://kreis.example.org/kfz" rel="external noopener">' in (
        online
    )
    assert "„Kfz-Zulassung“ auf der Website des Anbieters" in online
    for service in (information, car):
        assertNotContains(page, f'name="service-{service.pk}"')

    # A quantity posted for one anyway is not a choice…
    refused = client.post(SERVICES, quantities((information, 1)))
    assert refused.status_code == 422
    assert draft_of(client) is None
    # …nor part of one.
    client.post(SERVICES, quantities((office.id_card, 1), (car, 1)))
    assert draft_of(client)["quantities"] == {str(office.id_card.pk): 1}


def test_services_step_shows_no_service_that_no_location_offers(client, office):
    nowhere = factories.service(name="Angelschein", department=office.id_card.department)

    response = client.get(SERVICES)

    assertNotContains(response, "Angelschein")
    assert client.post(SERVICES, quantities((nowhere, 1))).status_code == 422


# The running total beside the services (htmx)


def test_running_total_adds_up_duration_and_fees_without_storing_anything(client, office):
    data = quantities((office.id_card, 2), (office.registration, 1))

    response = client.post(reverse("citizen:selection"), data)

    assert response.status_code == 200
    assertNotContains(response, "<html")  # a fragment for htmx to swap in
    assertContains(response, '<div id="selection" class="amt-selection" aria-live="polite">')
    assertContains(response, "<li>2 × Personalausweis</li>")
    assertContains(response, "<li>1 × Anmeldung</li>")
    assertContains(response, "ca. 40 Min.")
    assertContains(response, "92,00 €")
    assert draft_of(client) is None


@pytest.mark.parametrize("typed", ["", "zwei", "-1", "4"])
def test_running_total_leaves_out_what_is_not_a_valid_quantity(client, office, typed):
    data = {**quantities((office.registration, 1)), f"service-{office.id_card.pk}": typed}

    response = client.post(reverse("citizen:selection"), data)

    assertContains(response, "<li>1 × Anmeldung</li>")
    assertNotContains(response, "Personalausweis")
    assertContains(response, "ca. 15 Min.")
    assertContains(response, "gebührenfrei")


def test_running_total_of_nothing_says_nothing_is_chosen(client, office):
    response = client.post(reverse("citizen:selection"), quantities((office.id_card, 0)))

    assertContains(response, "Noch nichts ausgewählt.")
    assert client.get(reverse("citizen:selection")).status_code == 405


# Step 2: location, only when more than one location offers every chosen service


def test_with_one_location_the_location_step_is_left_out(client, office):
    choose_services(client, office)

    assertRedirects(client.get(LOCATION), DAY, fetch_redirect_response=False)
    day = client.get(DAY)
    assertContains(day, "Schritt 2 von 5")
    assertContains(day, f'<a class="kern-link amt-back" href="{SERVICES}">')


def test_citizen_chooses_between_locations_offering_every_service(client, office, north):
    response = client.post(SERVICES, quantities((office.id_card, 1)))

    assertRedirects(response, LOCATION, fetch_redirect_response=False)
    page = client.get(LOCATION)
    assertContains(page, "<title>Standort wählen")
    assertContains(page, "Zu welchem Standort möchten Sie kommen?</h1>")
    assert "Schritt 2 von 6" in page.content.decode(), (
        "BUG: the location step's progress line counts the way without it (Schritt 1 von 5)"
    )
    assertContains(page, f'<a class="kern-link amt-back" href="{SERVICES}">')
    assertContains(page, "Bürgerbüro Mitte, Markt 1, 12345 Musterstadt")
    assertContains(page, "Bürgerbüro Nord, Nordring 5, 12345 Musterstadt")
    assertContains(page, 'type="radio" name="location"', count=2)

    chosen = client.post(LOCATION, {"location": north.pk})

    assertRedirects(chosen, DAY, fetch_redirect_response=False)
    assert draft_of(client)["location"] == north.pk
    day = client.get(DAY)
    assertContains(day, "Schritt 3 von 6")
    assertContains(day, "· Bürgerbüro Nord")
    assertContains(day, f'<a class="kern-link amt-back" href="{LOCATION}">')


def test_the_location_step_lists_only_locations_offering_all_services(client, office, north):
    client.post(SERVICES, quantities((office.id_card, 1), (office.registration, 1)))

    # Nord offers no Anmeldung: only Mitte is left, so there is nothing to choose.
    assertRedirects(client.get(LOCATION), DAY, fetch_redirect_response=False)
    assert draft_of(client)["location"] == office.location.pk


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Wählen Sie einen Standort aus."),
        ({"location": "Nord"}, "Wählen Sie einen der angezeigten Standorte aus."),
        ("elsewhere", "Wählen Sie einen der angezeigten Standorte aus."),
    ],
)
def test_no_or_another_location_is_refused(client, office, north, data, message):
    client.post(SERVICES, quantities((office.id_card, 1)))
    if data == "elsewhere":  # a real location, but not one that offers the services
        data = {"location": factories.location(name="Standesamt").pk}

    response = client.post(LOCATION, {"csrfmiddlewaretoken": "", **data})

    assert response.status_code == 422
    assert 'id="id_location"' in response.content.decode(), (
        "BUG: the error summary links to #id_location, which no element on the page has"
    )
    error_summary(response, message, "id_location")
    assert draft_of(client)["location"] is None


def test_another_location_drops_the_time_chosen_at_the_first(client, office, north):
    client.post(SERVICES, quantities((office.id_card, 1)))
    client.post(LOCATION, {"location": office.location.pk})
    choose_time(client, MONDAY_9)

    client.post(LOCATION, {"location": north.pk})

    assert draft_of(client)["start"] is None
    assertRedirects(client.get(CONTACT_STEP), DAY, fetch_redirect_response=False)


# Step 3: day


def test_day_step_shows_the_month_with_free_days_as_links(client, office):
    choose_services(client, office)

    response = client.get(DAY)

    assertContains(response, "<title>Tag wählen")
    assertContains(response, "An welchem Tag möchten Sie kommen?</h1>")
    assertContains(response, "1 × Personalausweis")
    assertContains(response, "ca. 15 Min.")
    assertContains(response, '<caption class="kern-heading-medium">Dezember 2026</caption>')
    assertContains(response, '<abbr title="Montag">Mo</abbr>')
    # 08:00 to 11:45 every five minutes: 46 starts. A screen reader hears the whole date.
    free_tuesday = (
        f'<a class="amt-day amt-day--free" href="{time_step(TUESDAY)}">'
        '<span class="amt-day__number" aria-hidden="true">8</span>'
        '<span class="amt-day__count" aria-hidden="true">46 frei</span>'
        '<span class="kern-sr-only">Dienstag, 8. Dezember, 46 freie Zeiten</span></a>'
    )
    assertContains(response, free_tuesday, html=True)
    assertContains(response, "Sie können bis zum 15. Januar 2027 buchen.")


def test_a_day_with_one_free_time_says_so_in_the_singular(client, office):
    office.clerk.roster.filter(weekday=1).update(end_time=time(8, 15))  # Tuesday: one start
    choose_services(client, office)

    response = client.get(DAY)

    assertContains(response, "Dienstag, 8. Dezember, 1 freie Zeit</span>")
    assertContains(response, '<span class="amt-day__count" aria-hidden="true">1 frei</span>')


@pytest.mark.parametrize(
    "label",
    [
        "Donnerstag, 3. Dezember",  # the past
        "Freitag, 4. Dezember",  # today, but the office has closed
        "Samstag, 5. Dezember",  # nobody works
        "Freitag, 25. Dezember",  # 1. Weihnachtstag
    ],
)
def test_days_without_free_times_are_not_links(client, office, label):
    choose_services(client, office)

    response = client.get(DAY)

    number = re.search(r"(\d+)\.", label).group(1)
    disabled = (
        '<span class="amt-day amt-day--none">'
        f'<span class="amt-day__number" aria-hidden="true">{number}</span>'
        f'<span class="kern-sr-only">{label}, keine freien Zeiten</span></span>'
    )
    assertContains(response, disabled, html=True)


def test_the_first_free_day_is_one_click_away(client, office):
    choose_services(client, office)

    response = client.get(DAY)

    link = f'<a class="kern-btn kern-btn--secondary" href="{time_step(MONDAY)}">'
    assertContains(response, link)
    assertContains(response, "Erster freier Tag: Montag, 7. Dezember 2026")


def test_calendar_opens_at_the_month_of_the_first_free_day(client, office):
    office.clerk.roster.update(valid_from=berlin(2027, 1, 4).date())
    choose_services(client, office)

    response = client.get(DAY)

    assertContains(response, '<caption class="kern-heading-medium">Januar 2027</caption>')
    assertContains(response, "Erster freier Tag: Montag, 4. Januar 2027")


def test_month_navigation_stays_within_the_booking_window(client, office):
    choose_services(client, office)

    december = client.get(DAY)
    january = client.get(DAY, {"monat": "2027-01"})

    assertNotContains(december, "Vorheriger Monat")
    assertContains(december, f'<a class="kern-link" href="{DAY}?monat=2027-01">')
    assertContains(december, "Nächster Monat (Januar)")
    assertContains(january, '<caption class="kern-heading-medium">Januar 2027</caption>')
    assertContains(january, f'<a class="kern-link" href="{DAY}?monat=2026-12">')
    assertContains(january, "Vorheriger Monat (Dezember)")
    assertNotContains(january, "Nächster Monat")
    assertContains(january, "Freitag, 15. Januar, 46 freie Zeiten")  # the last bookable day
    assertContains(january, "Montag, 18. Januar, noch nicht buchbar")  # past the horizon
    assertContains(january, '<span class="amt-day amt-day--later">', count=16)  # 16.–31.
    assertNotContains(january, "kann noch nicht gebucht werden")  # half of it can
    assertContains(january, "Freitag, 1. Januar, keine freien Zeiten")  # Neujahr


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("2027-06", "Juni 2027"),  # after the window: shown, its days "not yet" (see below)
        ("2031-06", "Dezember 2027"),  # at most a year ahead
        ("2025-01", "Dezember 2026"),  # before it: its first
        ("2026-13", "Dezember 2026"),  # nonsense: the first free day's month
        ("Dezember", "Dezember 2026"),
        ("2026-12-08", "Dezember 2026"),
    ],
)
def test_a_month_outside_the_window_or_nonsense_shows_a_month_inside(client, office, asked, shown):
    choose_services(client, office)

    response = client.get(DAY, {"monat": asked})

    assert response.status_code == 200
    assertContains(response, f'<caption class="kern-heading-medium">{shown}</caption>')


def test_when_no_day_has_a_free_time_the_calendar_says_so(client, office):
    office.clerk.roster.all().delete()
    choose_services(client, office)

    response = client.get(DAY)

    assert response.status_code == 200
    assertContains(response, "Derzeit keine freien Zeiten")
    assertContains(response, "Bis zum 15. Januar 2027 sind alle Zeiten vergeben.")
    assertNotContains(response, "Erster freier Tag")
    assertNotContains(response, "amt-day--free")


# Where a step sends the citizen when an earlier one is missing or no longer valid


@pytest.mark.parametrize("step", [DAY, time_step(MONDAY), CONTACT_STEP, REVIEW])
def test_a_later_step_without_services_starts_at_the_services(client, office, step):
    assertRedirects(client.get(step), SERVICES, fetch_redirect_response=False)


@pytest.mark.parametrize("step", [DAY, time_step(MONDAY), CONTACT_STEP, REVIEW])
def test_a_service_withdrawn_meanwhile_sends_the_citizen_back_to_the_services(client, office, step):
    walk_to_review(client, office)
    office.id_card.active = False
    office.id_card.save()

    assertRedirects(client.get(step), SERVICES, fetch_redirect_response=False)


@pytest.mark.parametrize("step", [DAY, time_step(MONDAY), CONTACT_STEP, REVIEW])
def test_a_location_no_longer_offering_a_service_sends_the_citizen_back(client, office, step):
    walk_to_review(client, office)
    office.id_card.locations.remove(office.location)

    assertRedirects(client.get(step), SERVICES, fetch_redirect_response=False)


@pytest.mark.parametrize("withdraw", ["deactivate", "remove from the location"])
def test_citizen_can_go_on_without_a_service_withdrawn_meanwhile(client, office, withdraw):
    """Sent back to the services, the citizen chooses what is still offered and goes on."""
    choose_services(client, office, services=[(office.id_card, 1), (office.registration, 1)])
    if withdraw == "deactivate":
        office.registration.active = False
        office.registration.save()
    else:
        office.registration.locations.remove(office.location)
    assertRedirects(client.get(DAY), SERVICES, fetch_redirect_response=False)

    response = client.post(SERVICES, quantities((office.id_card, 1)))

    assert response.status_code == 302 and client.get(DAY).status_code == 200, (
        "BUG: the withdrawn service stays in the draft's quantities (views.services merges the "
        "earlier ones in), invisible in the form, and blocks every way on"
    )


@pytest.mark.parametrize("step", [DAY, time_step(MONDAY), CONTACT_STEP, REVIEW])
def test_a_later_step_before_the_location_is_chosen_sends_to_the_location_step(
    client, office, north, step
):
    client.post(SERVICES, quantities((office.id_card, 1)))  # two locations: choose one next

    assertRedirects(client.get(step), LOCATION, fetch_redirect_response=False)


def test_when_the_other_location_withdraws_before_the_choice_the_wizard_goes_on(
    client, office, north
):
    client.post(SERVICES, quantities((office.id_card, 1)))  # two locations: choose one next
    office.id_card.locations.remove(north)  # now only Mitte offers it: nothing to choose

    hops, url = [], DAY
    for _hop in range(6):
        response = client.get(url)
        hops.append(url)
        if response.status_code != 302:
            break
        url = response.url

    assert response.status_code == 200, f"BUG: redirect loop {' → '.join(hops)} → …"
    assertContains(response, "An welchem Tag möchten Sie kommen?</h1>")
    assertContains(response, "· Bürgerbüro Mitte")


def test_calendar_and_time_steps_sum_up_the_choice(client, office):
    choose_services(client, office, services=[(office.id_card, 2), (office.registration, 1)])

    for page in (client.get(DAY), client.get(time_step(MONDAY))):
        chosen = section(page, '<p class="kern-body amt-chosen">', "</p>")
        assert "Ihre Auswahl:" in chosen
        assert "1 × Anmeldung, 2 × Personalausweis" in chosen
        assert "· Bürgerbüro Mitte, Markt 1" in chosen
        assert f'<a class="kern-link" href="{SERVICES}">Ändern' in chosen


def test_review_before_a_time_is_chosen_sends_to_the_calendar(client, office):
    choose_services(client, office)

    assertRedirects(client.get(REVIEW), DAY, fetch_redirect_response=False)
    assertRedirects(client.get(CONTACT_STEP), DAY, fetch_redirect_response=False)


def test_review_before_the_contact_is_given_sends_to_the_contact_step(client, office):
    choose_services(client, office)
    choose_time(client, MONDAY_9)

    assertRedirects(client.get(REVIEW), CONTACT_STEP, fetch_redirect_response=False)


def test_a_session_from_an_older_release_starts_afresh(client, office):
    session = client.session
    session["booking_draft"] = {"services": [1, 2], "when": "morgen"}
    session.save()

    assertRedirects(client.get(DAY), SERVICES, fetch_redirect_response=False)
    assert client.get(SERVICES).status_code == 200


# Step 4: time


def test_time_step_lists_the_free_starts_of_the_day(client, office):
    choose_services(client, office)

    response = client.get(time_step(TUESDAY))

    assertContains(response, "<title>Uhrzeit wählen")
    assertContains(response, "Uhrzeiten am Dienstag, 8. Dezember 2026</h1>")
    assertContains(response, "Schritt 3 von 5")
    back = f'<a class="kern-link amt-back" href="{DAY}?monat=2026-12">'
    assertContains(response, back)
    assertContains(response, "Anderen Tag wählen")
    assertContains(response, f'<form method="post" action="{time_step(TUESDAY)}">')
    starts = offered(response)
    assert len(starts) == 46
    assert starts[0] == "2026-12-08T08:00:00+01:00"
    assert starts[-1] == "2026-12-08T11:45:00+01:00"
    assertContains(response, '<span class="kern-label">08:00</span>')
    assertContains(response, "Vormittag")
    assertNotContains(response, "Nachmittag")


def test_times_are_grouped_by_the_wall_clock_in_berlin(client, office):
    # Tuesday also 12–14: 12:00 in Berlin is 11:00 UTC, still morning by a UTC clock.
    factories.roster(office.clerk, office.location, weekdays=[1], start=time(12), end=time(14))
    choose_services(client, office)

    response = client.get(time_step(TUESDAY))

    morning = section(response, 'id="times-morning"', 'id="times-afternoon"')
    afternoon = section(response, 'id="times-afternoon"')
    assert "Vormittag" in morning and "Nachmittag" in afternoon
    assert ">08:00<" in morning and ">11:55<" in morning and ">12:00<" not in morning
    assert ">12:00<" in afternoon and ">13:45<" in afternoon and ">11:55<" not in afternoon


def test_a_day_without_free_times_says_so(client, office):
    choose_services(client, office)

    response = client.get(time_step(berlin(2026, 12, 5).date()))  # Saturday

    assert response.status_code == 200
    assertContains(response, "An diesem Tag gibt es keine freien Zeiten")
    assert offered(response) == []


@pytest.mark.parametrize(
    "day",
    [None, "", "morgen", "2026-02-30", "2026-12-03", "2026-12-08T09:00"],
)
def test_a_missing_or_unbookable_day_shows_the_calendar_with_an_error(client, office, day):
    choose_services(client, office)
    url = reverse("citizen:time") + ("" if day is None else f"?tag={day}")

    response = client.get(url)

    assert response.status_code == 422
    error_summary(
        response, "Dieser Tag kann nicht gebucht werden. Bitte wählen Sie einen Tag im Kalender."
    )
    assertContains(response, "An welchem Tag möchten Sie kommen?</h1>", status_code=422)
    assertContains(response, "Dezember 2026</caption>", status_code=422)


def test_a_day_past_the_horizon_says_when_booking_ends(client, office):
    choose_services(client, office)

    response = client.get(reverse("citizen:time"), {"tag": "2027-01-16"})

    assert response.status_code == 422
    error_summary(
        response,
        "Dieser Tag kann noch nicht gebucht werden: Termine können Sie bis zum 15. Januar 2027 "
        "buchen. Bitte wählen Sie einen Tag im Kalender.",
    )


def test_a_month_past_the_horizon_is_shown_with_its_days_marked_not_yet_bookable(client, office):
    choose_services(client, office)

    february = client.get(DAY, {"monat": "2027-02"})

    assertContains(february, '<caption class="kern-heading-medium">Februar 2027</caption>')
    assertContains(february, "Februar 2027 kann noch nicht gebucht werden")
    assertContains(february, "Termine können Sie bis zum 15. Januar 2027 buchen.")
    assertContains(february, "Montag, 1. Februar, noch nicht buchbar")
    assertContains(february, '<span class="amt-day amt-day--later">', count=28)
    assertContains(february, f'<a class="kern-link" href="{DAY}?monat=2027-01">')
    assertNotContains(february, "Nächster Monat")


def test_the_last_day_of_the_window_can_be_chosen(client, office):
    choose_services(client, office)

    response = client.get(time_step(berlin(2027, 1, 15).date()))

    assert response.status_code == 200
    assert len(offered(response)) == 46


def test_citizen_picks_a_time_and_goes_on_to_the_contact_details(client, office):
    choose_services(client, office)

    response = client.post(time_step(TUESDAY), {"start": "2026-12-08T09:30:00+01:00"})

    assertRedirects(response, CONTACT_STEP, fetch_redirect_response=False)
    assert draft_of(client)["start"] == "2026-12-08T09:30:00+01:00"


def test_with_contact_details_given_a_new_time_goes_straight_to_the_review(client, office):
    walk_to_review(client, office)

    response = client.post(time_step(TUESDAY), {"start": "2026-12-08T10:00:00+01:00"})

    assertRedirects(response, REVIEW, fetch_redirect_response=False)
    assertContains(client.get(REVIEW), "Dienstag, 8. Dezember 2026, 10:00")


@pytest.mark.parametrize(
    "start",
    [
        "2026-12-08T07:00:00+01:00",  # before opening
        "2026-12-08T09:02:00+01:00",  # off the five-minute grid
        "2026-12-05T09:00:00+01:00",  # a Saturday
        "2026-12-04T09:00:00+01:00",  # this morning, gone
        "2026-12-08T09:00:00",  # no offset: not an instant
        "neun Uhr",
        "",
    ],
)
def test_a_time_that_is_not_offered_is_refused_and_nothing_saved(client, office, start):
    choose_services(client, office)

    response = client.post(time_step(TUESDAY), {"start": start})

    assert response.status_code == 409
    assertContains(response, TAKEN_MESSAGE, status_code=409)
    assertContains(response, "Uhrzeiten am Dienstag, 8. Dezember 2026</h1>", status_code=409)
    assert len(offered(response)) == 46  # the day's free times, to choose another
    assert draft_of(client)["start"] is None


def test_a_time_taken_meanwhile_is_refused_and_the_others_offered(client, office):
    choose_services(client, office)
    book_directly(office, berlin(2026, 12, 8, 9, 0))

    response = client.post(time_step(TUESDAY), {"start": "2026-12-08T09:00:00+01:00"})

    assert response.status_code == 409
    assertContains(response, TAKEN_MESSAGE, status_code=409)
    starts = offered(response)
    assert "2026-12-08T09:00:00+01:00" not in starts
    assert "2026-12-08T09:15:00+01:00" in starts
    assert draft_of(client)["start"] is None


# Step 5: contact


def test_contact_step_asks_for_name_email_phone_language_and_consent(client, office):
    choose_services(client, office)
    choose_time(client, MONDAY_9)

    response = client.get(CONTACT_STEP)

    assertContains(response, "<title>Ihre Kontaktdaten")
    assertContains(response, "Ihre Kontaktdaten</h1>")
    assertContains(response, "Schritt 4 von 5")
    assertContains(response, f'<a class="kern-link amt-back" href="{DAY}">')
    for label in ("Vor- und Nachname", "E-Mail-Adresse", "Telefonnummer (freiwillig)"):
        assertContains(response, label)
    assertContains(response, "Sprache unserer Nachrichten an Sie")
    assertContains(response, '<option value="de" lang="de" selected>Deutsch</option>')
    assertContains(response, "Datenschutzhinweise")
    assertContains(response, 'type="checkbox" id="id_consent" name="consent"')
    assertContains(response, f'<altcha-widget challenge="{reverse("citizen:challenge")}"')
    assertContains(response, "Ohne JavaScript können wir die Prüfung gegen automatische Programme")


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"name": ""}, "id_name", "Geben Sie Ihren Vor- und Nachnamen ein."),
        ({"name": "   "}, "id_name", "Geben Sie Ihren Vor- und Nachnamen ein."),
        ({"name": "E" * 121}, "id_name", "Bitte kürzen Sie den Namen auf höchstens 120 Zeichen."),
        ({"email": ""}, "id_email", "Geben Sie Ihre E-Mail-Adresse ein."),
        (
            {"email": "erika.example.org"},
            "id_email",
            "Geben Sie eine E-Mail-Adresse im richtigen Format ein, zum Beispiel name@example.de.",
        ),
        (
            {"phone": "ruf mich an"},
            "id_phone",
            "Geben Sie eine Telefonnummer nur mit Ziffern ein, zum Beispiel 02381 123456 oder "
            "+49 2381 123456.",
        ),
        ({"language": "fr"}, "id_language", "Wählen Sie eine der angezeigten Sprachen aus."),
        # Too long: plain German instead of Django's "Ensure this value has at most …".
        ({"name": "E" * 5000}, "id_name", "Bitte kürzen Sie den Namen auf höchstens 120 Zeichen."),
        (
            {"phone": "0" * 31},
            "id_phone",
            "Bitte kürzen Sie die Telefonnummer auf höchstens 30 Zeichen.",
        ),
        (
            {"consent": ""},
            "id_consent",
            "Stimmen Sie der Verwendung Ihrer Daten zu, um einen Termin zu buchen.",
        ),
    ],
)
def test_each_bad_contact_field_is_named_and_nothing_is_saved(
    client, office, change, field, message
):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    data = {key: value for key, value in {**CONTACT, **change}.items() if value != ""}

    response = client.post(CONTACT_STEP, data)

    assert response.status_code == 422
    error_summary(response, message, field)
    assertContains(response, 'aria-invalid="true"', count=1, status_code=422)
    draft = draft_of(client)
    assert (draft["name"], draft["email"], draft["phone"]) == ("", "", "")
    assertRedirects(client.get(REVIEW), CONTACT_STEP, fetch_redirect_response=False)


def test_a_mistyped_mail_domain_is_questioned_once_then_taken_as_typed(client, office):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    typed = {**CONTACT, "email": "erika@gmial.com"}

    asked = client.post(CONTACT_STEP, typed)

    assert asked.status_code == 200
    assertContains(asked, "Bitte prüfen Sie Ihre E-Mail-Adresse")
    assertContains(asked, "Meinten Sie <strong>erika@gmail.com</strong>?")
    assertContains(asked, 'value="erika@gmial.com"')
    assert draft_of(client)["email"] == ""

    again = client.post(CONTACT_STEP, typed)

    assertRedirects(again, REVIEW, fetch_redirect_response=False)
    assert draft_of(client)["email"] == "erika@gmial.com"


def test_a_corrected_mail_domain_is_taken_at_once(client, office):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    client.post(CONTACT_STEP, {**CONTACT, "email": "erika@gmial.com"})

    response = client.post(CONTACT_STEP, {**CONTACT, "email": "erika@gmail.com"})

    assertRedirects(response, REVIEW, fetch_redirect_response=False)
    assert draft_of(client)["email"] == "erika@gmail.com"


def test_the_challenge_for_the_widget_is_fresh_json_never_cached(client, easy_captcha):
    response = client.get(reverse("citizen:challenge"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Cache-Control"] == "no-store"
    made = response.json()
    assert made["parameters"]["algorithm"] == "PBKDF2/SHA-256"
    assert made["signature"]
    assert client.get(reverse("citizen:challenge")).json() != made


def test_the_widget_gets_harder_challenges_once_its_network_fetched_many(client, easy_captcha):
    def counter(address):
        made = client.get(reverse("citizen:challenge"), REMOTE_ADDR=address).json()
        return altcha.solve_challenge(altcha.Challenge.from_dict(made), timeout=10).counter

    first = [counter(f"203.0.113.{n}") for n in range(1, captcha.FREE_CHALLENGES + 1)]
    assert max(first) < captcha.COUNTER_MAX
    for n in range(15):
        counter(f"203.0.113.{10 + n}")
    # The 21st from this /24, whatever its address, costs more than any first-price challenge
    # (16 times: 80 to 800 against 5 to 50); another network pays the first price.
    assert counter("203.0.113.200") >= captcha.COUNTER_MAX
    assert counter("198.51.100.7") < captcha.COUNTER_MAX


@pytest.mark.parametrize(
    ("requires_confirmation", "status", "subject"),
    [
        (False, Status.BOOKED, "Ihr Termin ist gebucht: "),
        (True, Status.RESERVED, "Bitte bestätigen Sie Ihren Termin: "),
    ],
)
def test_with_the_bot_check_solved_the_location_decides_about_confirmation(
    client, office, easy_captcha, mailoutbox, requires_confirmation, status, subject
):
    office.location.requires_email_confirmation = requires_confirmation
    office.location.save()
    choose_services(client, office)
    choose_time(client, MONDAY_9)

    response = client.post(CONTACT_STEP, {**CONTACT, "altcha": solved_captcha()})

    assertRedirects(response, REVIEW, fetch_redirect_response=False)
    review = client.get(REVIEW)
    if requires_confirmation:
        assertContains(review, "Bitte per E-Mail bestätigen")
    else:
        assertNotContains(review, "Bitte per E-Mail bestätigen")
    client.post(REVIEW, {"key": review_key(client)})
    [appointment] = Appointment.objects.all()
    assert appointment.status == status
    [mail] = mailoutbox
    assert mail.subject.startswith(subject)


def test_without_the_bot_check_the_time_is_only_held_until_confirmed_by_mail(
    client, office, mailoutbox
):
    assert not office.location.requires_email_confirmation
    walk_to_review(client, office)  # no ALTCHA payload: JavaScript did not run

    review = client.get(REVIEW)
    assertContains(review, "Bitte per E-Mail bestätigen")
    # Shorter than the location's 30 minutes: a script's holds give the time back soon.
    assertContains(review, "Wir halten die Zeit 15 Minuten für Sie frei.")
    client.post(REVIEW, {"key": review_key(client)})

    [appointment] = Appointment.objects.all()
    assert appointment.status == Status.RESERVED
    assert appointment.hold_expires_at == appointment.created_at + timedelta(minutes=15)
    # The caps count by the client's network, kept only as an HMAC.
    assert len(appointment.unproven_network) == 64
    assert "127.0.0" not in appointment.unproven_network
    [mail] = mailoutbox
    assert mail.subject.startswith("Bitte bestätigen Sie Ihren Termin: ")


@pytest.mark.parametrize(
    "altcha",
    [
        pytest.param(lambda: tampered(forged_key), id="forged solution"),
        pytest.param(lambda: tampered(longer_life), id="prolonged challenge"),
        pytest.param(lambda: "bm90IGEgcGF5bG9hZA==", id="not a payload"),
        pytest.param(lambda: "x" * 4000, id="oversized"),
    ],
)
def test_a_failed_bot_check_is_refused_and_nothing_saved(client, office, easy_captcha, altcha):
    choose_services(client, office)
    choose_time(client, MONDAY_9)

    response = client.post(CONTACT_STEP, {**CONTACT, "altcha": altcha()})

    assert response.status_code == 422
    message = "Die Sicherheitsprüfung ist fehlgeschlagen. Bitte versuchen Sie es noch einmal."
    error_summary(response, message, "id_altcha")
    draft = draft_of(client)
    assert draft["proven_at"] is None
    assert draft["email"] == ""


def test_a_solved_check_counts_for_one_booking_only(client, office, easy_captcha):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    payload = solved_captcha()
    client.post(CONTACT_STEP, {**CONTACT, "altcha": payload})

    client.cookies.clear()  # another session, the same solution
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    replayed = client.post(CONTACT_STEP, {**CONTACT, "altcha": payload})

    assert replayed.status_code == 422
    assert draft_of(client)["proven_at"] is None


def test_a_proof_older_than_a_challenge_lives_is_asked_for_again(
    client, office, easy_captcha, clock, mailoutbox
):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    client.post(CONTACT_STEP, {**CONTACT, "altcha": solved_captcha()})
    key = review_key(client)
    clock.now = NOW + captcha.LIFETIME  # the findings: solved 16:49, booked firmly 16:56

    response = client.post(REVIEW, {"key": key})

    assertRedirects(response, f"{CONTACT_STEP}?erneut=1", fetch_redirect_response=False)
    assert not Appointment.objects.exists()
    page = client.get(response.url)
    assertContains(page, "Bitte führen Sie die Prüfung gegen Bots noch einmal durch")
    assertContains(page, "<altcha-widget")
    assertContains(page, 'value="erika@example.org"')  # what was entered is kept
    client.post(CONTACT_STEP, {**CONTACT, "altcha": solved_captcha()})
    client.post(REVIEW, {"key": key})
    [appointment] = Appointment.objects.all()
    assert appointment.status == Status.BOOKED and appointment.unproven_network == ""


def test_a_proof_counts_for_the_time_it_was_given_for(client, office, easy_captcha):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    client.post(CONTACT_STEP, {**CONTACT, "altcha": solved_captcha()})

    same = client.post(time_step(MONDAY), {"start": MONDAY_9.isoformat()})
    assertRedirects(same, REVIEW, fetch_redirect_response=False)
    assert draft_of(client)["proven_at"] is not None

    other = client.post(time_step(MONDAY), {"start": berlin(2026, 12, 7, 10, 0).isoformat()})

    assertRedirects(other, CONTACT_STEP + "?erneut=1", fetch_redirect_response=False)
    assert draft_of(client)["proven_at"] is None
    assertContains(client.get(CONTACT_STEP), "<altcha-widget")
    # Straight to the review: asked to solve it again, not silently only held.
    assertRedirects(client.get(REVIEW), CONTACT_STEP + "?erneut=1", fetch_redirect_response=False)


def test_a_browser_without_javascript_is_not_asked_for_a_proof_after_another_time(client, office):
    walk_to_review(client, office)

    other = client.post(time_step(MONDAY), {"start": berlin(2026, 12, 7, 10, 0).isoformat()})

    assertRedirects(other, REVIEW, fetch_redirect_response=False)
    assertContains(client.get(REVIEW), "Bitte per E-Mail bestätigen")  # held until confirmed


# Step 6: review and book


def test_review_shows_everything_before_booking(client, office):
    walk_to_review(client, office, services=[(office.id_card, 2), (office.registration, 1)])

    response = client.get(REVIEW)

    assertContains(response, "<title>Prüfen und buchen")
    assertContains(response, "Angaben prüfen und Termin buchen</h1>")
    assertContains(response, "Schritt 5 von 5")
    assertContains(response, f'<a class="kern-link amt-back" href="{CONTACT_STEP}">')
    services = "<li>1 × Anmeldung</li><li>2 × Personalausweis</li></ul>"  # catalogue order
    assertContains(response, f'<ul class="kern-list amt-plain-list">{services}')
    assertContains(response, "<strong>Montag, 7. Dezember 2026, 09:00 Uhr</strong>")
    assertContains(response, "(ca. 40 Min.)")
    assertContains(response, "Bürgerbüro Mitte<br>Markt 1<br>12345 Musterstadt")
    assertContains(response, "92,00 €")
    # The phone number is one left-to-right run, also in Arabic and Persian.
    assertContains(
        response, 'Erika Mustermann<br>erika@example.org<br><span dir="ltr">02381 123456</span>'
    )
    assertContains(response, "Bitte mitbringen")
    assertContains(response, "2 × bisheriger Personalausweis")
    assertContains(response, "1 × Wohnungsgeberbestätigung")
    for target in (SERVICES, DAY, CONTACT_STEP):
        assertContains(response, f'<a class="kern-link" href="{target}">Ändern')
    assertContains(response, '<input type="hidden" name="key" value="')
    assertContains(response, "Verbindlich buchen")
    assert not Appointment.objects.exists()


def test_review_with_two_locations_counts_six_steps_and_offers_to_change_the_place(
    client, office, north
):
    client.post(SERVICES, quantities((office.id_card, 1)))
    client.post(LOCATION, {"location": north.pk})
    choose_time(client, MONDAY_9)
    client.post(CONTACT_STEP, CONTACT)

    response = client.get(REVIEW)

    assertContains(response, "Schritt 6 von 6")
    assertContains(response, "Bürgerbüro Nord<br>Nordring 5")
    assertContains(response, f'<a class="kern-link" href="{LOCATION}">Ändern')


def test_booking_lands_on_the_new_appointments_page(client, office, mailoutbox):
    walk_to_review(client, office, services=[(office.id_card, 2), (office.registration, 1)])

    response = client.post(REVIEW, {"key": review_key(client)})

    [appointment] = Appointment.objects.all()
    match = re.fullmatch(r"/termin/verwalten/([^/]+)/\?neu=1", response.url)
    assert response.status_code == 302 and match, response.url
    assert (appointment.name, appointment.email, appointment.phone) == (
        "Erika Mustermann",
        "erika@example.org",
        "02381 123456",
    )
    assert appointment.start == MONDAY_9
    assert appointment.channel == Channel.ONLINE
    assert appointment.language == "de"
    items = {(row.service_id, row.quantity) for row in appointment.items.all()}
    assert items == {(office.id_card.pk, 2), (office.registration.pk, 1)}
    assert len(mailoutbox) == 1
    assert draft_of(client) is None  # a new booking starts afresh

    page = client.get(response.url)

    assertContains(page, "Ihr Termin ist vorgemerkt")
    assertContains(page, appointment.reference)


def test_a_double_click_books_once_and_both_clicks_land_on_it(client, office, mailoutbox):
    walk_to_review(client, office)
    key = review_key(client)

    first = client.post(REVIEW, {"key": key})
    second = client.post(REVIEW, {"key": key})

    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Appointment.objects.count() == 1
    assert len(mailoutbox) == 1


def test_after_booking_a_new_key_books_a_new_appointment(client, office):
    walk_to_review(client, office)
    client.post(REVIEW, {"key": review_key(client)})

    assertRedirects(client.get(REVIEW), SERVICES, fetch_redirect_response=False)
    walk_to_review(client, office, start=berlin(2026, 12, 8, 9, 0))
    client.post(REVIEW, {"key": review_key(client)})

    assert Appointment.objects.count() == 2


def test_a_time_taken_meanwhile_offers_the_nearest_free_times(client, office):
    walk_to_review(client, office)
    key = review_key(client)
    book_directly(office, MONDAY_9)

    response = client.post(REVIEW, {"key": key})

    assert response.status_code == 409
    assertContains(response, "<title>Fehler: Zeit nicht mehr frei", status_code=409)
    assertContains(response, "Diese Zeit wurde gerade vergeben</h1>", status_code=409)
    assertContains(response, TAKEN_MESSAGE, status_code=409)
    assertContains(response, "Die nächsten freien Zeiten", status_code=409)
    alternatives = offered(response)
    assert alternatives and "2026-12-07T09:00:00+01:00" not in alternatives
    assertContains(response, "Montag, 7. Dezember 2026, 08:45", status_code=409)
    assertContains(response, f'<a class="kern-link" href="{DAY}">', status_code=409)
    assert Appointment.objects.count() == 1
    assert draft_of(client)["start"] is None

    # One click on an alternative: the time step takes it, the review books it.
    chosen = alternatives[0]
    day = chosen[:10]
    picked = client.post(f"{reverse('citizen:time')}?tag={day}", {"start": chosen})
    assertRedirects(picked, REVIEW, fetch_redirect_response=False)
    client.post(REVIEW, {"key": key})
    mine = Appointment.objects.get(email="erika@example.org")
    assert mine.start == datetime.fromisoformat(chosen)


def test_a_time_that_passed_while_the_citizen_typed_is_refused_and_nothing_written(
    client, office, clock, mailoutbox
):
    walk_to_review(client, office)
    key = review_key(client)
    clock.now = berlin(2026, 12, 7, 9, 1)

    response = client.post(REVIEW, {"key": key})

    assert response.status_code == 422
    error_summary(
        response, "Diese Uhrzeit ist zu kurzfristig. Bitte wählen Sie eine spätere Uhrzeit."
    )
    assertContains(response, f'<a class="kern-link" href="{DAY}">Ändern', status_code=422)
    assert not Appointment.objects.exists()
    assert mailoutbox == []


def test_an_address_at_its_limit_gets_the_generic_refusal_and_nothing_is_written(
    client, office, mailoutbox
):
    for hour in (10, 11):
        book_directly(office, berlin(2026, 12, 8, hour), email="erika@example.org")
    sent = len(mailoutbox)
    walk_to_review(client, office, contact={"email": "Erika+termin@Example.org"})

    response = client.post(REVIEW, {"key": review_key(client)})

    assert response.status_code == 422
    error_summary(
        response,
        "Mit dieser E-Mail-Adresse können derzeit keine weiteren Termine online gebucht werden. "
        "Bitte sagen Sie einen Termin ab, den Sie nicht mehr brauchen, oder rufen Sie uns an.",
    )
    assertContains(response, "Angaben prüfen und Termin buchen</h1>", status_code=422)
    assertNotContains(response, "10:00", status_code=422)  # nothing about the other bookings
    assert Appointment.objects.count() == 2
    assert len(mailoutbox) == sent
    assert draft_of(client)["start"] is not None  # another address can still book this time


def test_too_many_booking_attempts_get_a_page_to_wait_for(client, office):
    for hour in (10, 11):
        book_directly(office, berlin(2026, 12, 8, hour), email="erika@example.org")
    walk_to_review(client, office)
    key = review_key(client)
    for _attempt in range(10):
        assert client.post(REVIEW, {"key": key}).status_code == 422

    response = client.post(REVIEW, {"key": key})

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assertContains(response, "<title>Zu viele Versuche", status_code=429)
    assertContains(response, "warten Sie bitte zehn Minuten", status_code=429)
    assertContains(response, "Bei diesem Versuch wurde nichts gebucht.", status_code=429)
    back = f'<a class="kern-btn kern-btn--secondary" href="{REVIEW}">'
    assertContains(response, back, status_code=429)
    assert Appointment.objects.count() == 2
    assert client.get(REVIEW).status_code == 200  # the choices are kept
    # Another network is counted on its own.
    other = client.post(REVIEW, {"key": key}, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 422


# Markup


class _Attributes(HTMLParser):
    """Collects the tags that carry one attribute twice (WCAG 2.1 4.1.1, which BITV 2.0 keeps)."""

    def __init__(self) -> None:
        super().__init__()
        self.doubled: list[str] = []

    def handle_starttag(self, tag, attrs):
        names = [name for name, _value in attrs]
        if len(names) != len(set(names)):
            self.doubled.append(self.get_starttag_text())


def test_no_step_writes_an_attribute_twice(client, office):
    pages = [client.get(SERVICES)]
    choose_services(client, office)
    pages += [client.get(DAY), client.get(time_step(MONDAY))]
    choose_time(client, MONDAY_9)
    pages.append(client.get(CONTACT_STEP))
    pages.append(client.post(CONTACT_STEP, {**CONTACT, "name": "", "phone": "x"}))
    client.post(CONTACT_STEP, CONTACT)
    pages.append(client.get(REVIEW))

    for page in pages:
        parser = _Attributes()
        parser.feed(page.content.decode())
        assert parser.doubled == [], f"BUG: attributes written twice on {page.request['PATH_INFO']}"


# A form sent without its CSRF cookie


@pytest.mark.parametrize(
    ("referer", "back"),
    [
        ("http://testserver/termin/kontakt/?erneut=1", "/termin/kontakt/?erneut=1"),
        ("https://evil.example.org/termin/kontakt/", "/"),
        (None, "/"),
    ],
)
def test_a_form_without_its_cookie_gets_a_page_that_explains_and_leads_back(office, referer, back):
    browser = Client(enforce_csrf_checks=True)  # a session that expired: no CSRF cookie
    headers = {"Referer": referer} if referer else {}

    response = browser.post(SERVICES, quantities((office.id_card, 1)), headers=headers)

    assert response.status_code == 403
    assertContains(response, "<title>Fehler: Formular abgelaufen", status_code=403)
    assertContains(response, "Ihr Formular konnte nicht gesendet werden</h1>", status_code=403)
    assertContains(response, "Cookies", status_code=403)
    assertNotContains(response, "CSRF", status_code=403)
    link = f'<a class="kern-btn kern-btn--primary" href="{back}">'
    assertContains(response, link, status_code=403)
    assertContains(response, "Zurück zum Formular", status_code=403)
    assert "csrftoken" in response.cookies  # the form works again once reopened
    assert draft_of(browser) is None
