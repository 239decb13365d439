"""A clerk logs in with an app code, books a caller into kept-back time by phone, reads the facts
out, and finds the booking on the day plan and its printable list. axe checks every page
(screenshots at 1280 and 390 px: E2E_SCREENSHOTS=<folder>)."""

import re
from datetime import date, time

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_booking_browser import look
from tests.fixtures.clock import working_monday
from tests.office.logins import PASSWORD, app_code, authenticator, user_for

pytestmark = pytest.mark.browser


def next_monday() -> date:
    """A Monday at least a week ahead: every time of it is still free while the test runs."""
    return working_monday(days_ahead=7)


@pytest.fixture
def clerk(live_server, office):
    """Sabine Kowalski of the Bürgerbüro Mitte; 13–15 the office keeps time for the phone."""
    factories.roster(
        office.clerk, office.location, start=time(13), end=time(15), online_bookable=False
    )
    member = factories.staff(department_=office.id_card.department, name="Sabine Kowalski")
    member.locations.set([office.location])
    user = user_for(member, username="skowalski")
    return authenticator(user)


def log_in(page, url: str, device) -> None:
    page.goto(url + "/verwaltung/")
    page.get_by_label("Benutzername").fill("skowalski")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Code").fill(app_code(device))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")


def test_clerk_books_a_caller_by_phone_and_sees_it_on_the_day_plan(
    live_server, office, clerk, page, axe
):
    monday = next_monday()
    log_in(page, live_server.url, clerk)
    page.goto(f"{live_server.url}/verwaltung/standort/{office.location.pk}/buchen/")
    expect(page.locator("h1")).to_contain_text("Termin buchen (Telefon oder Schalter)")
    look(page, axe, "desk-form")

    page.get_by_label("Personalausweis").fill("2")
    page.get_by_label("Tag", exact=True).fill(monday.isoformat())
    page.get_by_role("button", name="Freie Zeiten anzeigen").click()
    times = page.get_by_role("group", name=re.compile("^2. Uhrzeit am"))
    expect(times).to_be_visible()
    look(page, axe, "desk-times")

    page.get_by_role("button", name="Termin buchen").click()  # nothing chosen yet
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.get_by_role("alert")).to_contain_text("Geben Sie den vollständigen Namen ein.")
    look(page, axe, "desk-errors")

    page.get_by_role("group", name=re.compile("^2. Uhrzeit am")).get_by_label("13:00").check()
    page.get_by_label("Telefonisch").check()
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("Telefonnummer (freiwillig)").fill("02381 123456")
    page.get_by_role("button", name="Termin buchen").click()

    expect(page.locator("h1")).to_have_text("Termin gebucht")
    facts = page.locator(".amt-desk-facts")
    expect(facts).to_contain_text("13:00")
    expect(facts).to_contain_text("2 × Personalausweis")
    expect(page.locator(".amt-desk-code").first).to_have_text(re.compile(r"^[0-9A-Z-]{6,}$"))
    # Not five minutes early: the afternoon block opens at 13:00 (no earlier arrival advice).
    expect(page.locator("main")).to_contain_text("Bitte kommen Sie um 13:00")
    look(page, axe, "desk-booked")

    page.get_by_role("link", name="Tagesplan dieses Tages anzeigen").click()
    expect(page.locator("h1")).to_contain_text("Tagesplan")
    lane = page.get_by_role("region", name="Zeitleiste je Sachbearbeitung")
    expect(lane).to_contain_text("Erika Mustermann")
    expect(lane).to_contain_text("Für Telefon und Schalter zurückgehalten 13:00–15:00")
    look(page, axe, "day-plan")

    page.get_by_role("link", name="Tagesliste zum Drucken").click()
    expect(page.get_by_role("table")).to_contain_text("Erika Mustermann")
    look(page, axe, "day-list")
