"""A clerk's day at the counter in Chromium: logs in with an app code, books a citizen by phone,
checks her in at the desk, calls the next person, issues a walk-in number; the waiting room's
call display, a second browser context, shows the called number within 2 s. axe checks every
page; with E2E_SCREENSHOTS=<folder> each is saved at 1280 and 390 px to be looked at."""

from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import devices
from amtstermin.core.models import FEDERAL_STATES, Counter, DeviceLink, Visit
from amtstermin.core.models.organisation import public_holidays
from tests import factories
from tests.core.test_desk import daytime_zone
from tests.e2e.test_booking_browser import look
from tests.office.logins import PASSWORD, app_code, authenticator, user_for

pytestmark = pytest.mark.browser


@pytest.fixture
def counter_office(live_server, office):
    """The Bürgerbüro where it is daytime now and no holiday, its clerk rostered around the
    clock, with Schalter 3 and a call display in the waiting room."""
    now = timezone.now()
    where = office.location
    where.time_zone = daytime_zone(now)
    today = where.local_date(now)
    where.federal_state = next(
        state for state, _name in FEDERAL_STATES if today not in public_holidays(state, today.year)
    )
    where.save()
    office.clerk.roster.all().delete()
    factories.roster(office.clerk, where, weekdays=range(7), start=time(0), end=time(23, 55))
    office.clerk.locations.set([where])
    office.clerk.name = "Sabine Kowalski"
    office.clerk.save()
    Counter.objects.create(location=where, name="Schalter 3")
    office.display = devices.issue(where, DeviceLink.Kind.DISPLAY, "Wartebereich", now=now)
    office.user = user_for(office.clerk, username="skowalski")
    office.device = authenticator(office.user)
    return office


def log_in(page, url: str, office, axe) -> None:
    page.goto(url + "/verwaltung/")
    page.get_by_label("Benutzername").fill("skowalski")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Code").fill(app_code(office.device))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")


def book_by_phone(page, url: str, office, axe) -> None:
    """The colleague's phone booking page: Personalausweis, the first free time today."""
    page.goto(f"{url}/verwaltung/standort/{office.location.pk}/buchen/")
    look(page, axe, "counter-desk-booking")
    page.get_by_label("Personalausweis").fill("1")
    page.locator("form.amt-desk__request button[type=submit]").click()
    page.locator("#desk-times input[type=radio]").first.check()
    page.locator("#id_name").fill("Erika Mustermann")
    page.locator("form.amt-desk__booking button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Erika Mustermann")
    look(page, axe, "counter-desk-booked")


def test_clerk_books_checks_in_and_calls_and_the_display_shows_it(
    live_server, counter_office, page, browser, axe
):
    url, office = live_server.url, counter_office
    display = browser.new_context(locale="de-DE", viewport={"width": 1280, "height": 720})
    board = display.new_page()
    try:
        board.goto(f"{url}/anzeige/{office.display}/")
        look(board, axe, "counter-display-before")

        log_in(page, url, office, axe)
        book_by_phone(page, url, office, axe)
        appointment = office.location.appointments.get()

        page.goto(f"{url}/verwaltung/standort/{office.location.pk}/schalter/")
        expect(page.locator("h1")).to_contain_text("An welchem Schalter")
        look(page, axe, "counter-choose")
        page.get_by_label("Schalter 3").check()
        page.get_by_role("button", name="An diesem Schalter arbeiten").click()
        expect(page.locator("h1")).to_contain_text("Schalter 3")
        look(page, axe, "counter-empty")

        page.get_by_role("link", name="Einchecken").click()
        page.get_by_label("Vorgangsnummer oder Name").fill("mustermann")
        page.get_by_role("button", name="Suchen").click()
        expect(page.get_by_role("heading", name="1 Termin gefunden")).to_be_visible()
        look(page, axe, "counter-desk-found")
        page.get_by_role("button", name="Erika Mustermann einchecken").click()
        number = appointment.waiting_number
        expect(page.get_by_role("status")).to_contain_text(
            f"Erika Mustermann ist eingecheckt, Wartenummer {number}."
        )
        look(page, axe, "counter-desk-checked-in")

        page.get_by_role("link", name="Aufrufen").click()
        expect(page.locator("#queue")).to_contain_text(number)
        look(page, axe, "counter-queue")
        page.get_by_role("button", name="Nächste Person aufrufen").click()
        expect(page.get_by_role("status")).to_have_text(f"{number} ist zu Schalter 3 aufgerufen.")
        current = page.get_by_role("region", name="An Ihrem Schalter")
        expect(current).to_contain_text("Erika Mustermann")
        expect(board.locator("#latest-call")).to_contain_text(number, timeout=2_000)
        expect(board.locator("#latest-call")).to_contain_text("Schalter 3")
        expect(board.locator("body")).not_to_contain_text("Mustermann")
        look(page, axe, "counter-called")
        look(board, axe, "counter-display-called")

        page.get_by_role("button", name="Erledigt").click()
        expect(page.get_by_role("status")).to_have_text(f"{number} ist erledigt.")
        assert office.location.visits.get().state == Visit.State.DONE

        page.get_by_role("link", name="Ohne Termin").click()
        look(page, axe, "counter-walk-in")
        page.get_by_role("button", name="Wartenummer vergeben").click()
        expect(page).to_have_title(
            f"Fehler: Wartenummer ohne Termin – {office.location.name} – Verwaltung"
        )
        look(page, axe, "counter-walk-in-error")
        page.get_by_label("Anmeldung").fill("1")
        page.get_by_role("button", name="Wartenummer vergeben").click()
        walk_in = office.location.visits.get(kind=Visit.Kind.WALK_IN)
        expect(page.locator(".amt-counter-big")).to_have_text(walk_in.waiting_number)
        look(page, axe, "counter-walk-in-number")
    finally:
        display.close()


def test_call_next_works_without_javascript(live_server, counter_office, browser):
    """The big button and the shortcut need no script: a plain form POST."""
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in(page, live_server.url, counter_office, None)
        page.goto(f"{live_server.url}/verwaltung/standort/{counter_office.location.pk}/schalter/")
        page.get_by_label("Schalter 3").check()
        page.get_by_role("button", name="An diesem Schalter arbeiten").click()
        button = page.get_by_role("button", name="Nächste Person aufrufen")
        expect(button).to_have_attribute("accesskey", "n")
        expect(button).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text(
            "Gerade wartet niemand, den Sie bedienen können."
        )
    finally:
        context.close()
