"""A clerk logs in to the back office in Chromium: enrols the authenticator app at the first
login, keeps the recovery codes, logs out, logs in again with an app code and without
JavaScript, and meets the lockout page. axe checks every page (screenshots: E2E_SCREENSHOTS)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_booking_browser import look
from tests.office.logins import PASSWORD, app_code, authenticator, user_for

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk(live_server, office):
    """Sabine Kowalski of the Bürgerbüro Mitte, who has never logged in to the office."""
    member = factories.staff(department_=office.id_card.department, name="Sabine Kowalski")
    member.locations.set([office.location])
    return user_for(member, username="skowalski")


def log_in_with_password(page, url: str, password: str = PASSWORD) -> None:
    page.goto(url + "/verwaltung/")
    expect(page.locator("h1")).to_have_text("Anmeldung für die Verwaltung")
    page.get_by_label("Benutzername").fill("skowalski")
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Weiter").click()


def test_clerk_enrols_the_app_at_the_first_login_and_logs_out(live_server, clerk, page, axe):
    page.goto(live_server.url + "/verwaltung/")
    look(page, axe, "office-login")
    log_in_with_password(page, live_server.url)

    expect(page.locator("h1")).to_have_text("Authenticator-App einrichten")
    expect(page.get_by_role("img", name=re.compile("QR-Code"))).to_be_visible()
    look(page, axe, "office-enrol")
    secret = page.locator(".amt-office-secret").inner_text().replace(" ", "")
    page.get_by_label("Code aus der App").fill("12345")
    page.get_by_role("button", name="Bestätigen").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    look(page, axe, "office-enrol-error")

    page.get_by_label("Code aus der App").fill(f"{totp(b32decode(secret)):06d}")
    page.get_by_role("button", name="Bestätigen").click()

    # The password IT gave her is replaced before any office page opens.
    expect(page.locator("h1")).to_have_text("Eigenes Passwort festlegen")
    page.get_by_label("Neues Passwort", exact=True).fill("Eigenes-Passwort-77")
    page.get_by_label("Neues Passwort wiederholen").fill("Eigenes-Passwort-78")
    page.get_by_role("button", name="Passwort speichern").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    look(page, axe, "office-own-password-error")
    page.get_by_label("Neues Passwort", exact=True).fill("Eigenes-Passwort-77")
    page.get_by_label("Neues Passwort wiederholen").fill("Eigenes-Passwort-77")
    page.get_by_role("button", name="Passwort speichern").click()

    expect(page.locator("h1")).to_have_text("Ihre Wiederherstellungscodes")
    expect(page.locator(".amt-office-codes li")).to_have_count(10)
    look(page, axe, "office-recovery-codes")
    page.get_by_role("link", name="Ich habe die Codes gesichert – weiter").click()

    expect(page.locator("h1")).to_have_text("Übersicht")
    expect(page.locator("header")).to_contain_text("Sabine Kowalski")
    expect(page.locator("main")).to_contain_text("Bürgerbüro Mitte")
    look(page, axe, "office-overview")

    page.get_by_role("button", name="Abmelden").click()
    expect(page.get_by_role("status")).to_have_text("Sie wurden abgemeldet.")
    page.goto(live_server.url + "/verwaltung/")
    expect(page.locator("h1")).to_have_text("Anmeldung für die Verwaltung")


def test_clerk_logs_in_with_an_app_code_without_javascript(live_server, clerk, browser, axe):
    device = authenticator(clerk)
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        log_in_with_password(page, live_server.url)
        expect(page.locator("h1")).to_have_text("Code eingeben")
        page.get_by_label("Code").fill(app_code(device))
        page.get_by_role("button", name="Anmelden").click()
        expect(page.locator("h1")).to_have_text("Übersicht")
    finally:
        context.close()


def test_code_step_and_lockout_pages_are_accessible(live_server, clerk, page, axe):
    authenticator(clerk)
    log_in_with_password(page, live_server.url)
    expect(page.locator("h1")).to_have_text("Code eingeben")
    look(page, axe, "office-code")

    page.context.clear_cookies()
    for _attempt in range(5):
        log_in_with_password(page, live_server.url, password="Falsch-123456")

    expect(page.locator("h1")).to_have_text("Anmeldung gesperrt")
    expect(page.locator("main")).to_contain_text("15 Minuten")
    look(page, axe, "office-locked-out")
