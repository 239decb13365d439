"""A clerk subscribes to her own appointments in Chromium: from the overview to the Kalender-Abo
page, makes an address with names, reads it from the copy field, the calendar program (here
the browser's own request) gets the feed, then she revokes it. axe checks each state; none
scrolls sideways at 320 px (screenshots at 1280 and 320 px: E2E_SCREENSHOTS)."""

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.e2e.test_booking_browser import look
from tests.e2e.test_office_login_browser import log_in_with_password
from tests.e2e.test_statistics_browser import no_sideways_scrolling
from tests.office.logins import app_code, authenticator, user_for

pytestmark = pytest.mark.browser


@pytest.fixture
def clerk(live_server, office, settings):
    settings.SITE_URL = live_server.url  # the address on the page leads to this server
    return authenticator(user_for(factories.sabine(office), username="skowalski"))


def test_clerk_makes_reads_and_revokes_her_calendar_address(live_server, clerk, page, axe):
    log_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill(app_code(clerk))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")

    page.get_by_role("link", name="Kalender-Abo für Outlook oder Thunderbird").click()
    expect(page.locator("h1")).to_have_text("Kalender-Abo")
    look(page, axe, "feed-none")
    no_sideways_scrolling(page)

    page.get_by_label("Namen der Bürgerinnen und Bürger in meinem Kalender anzeigen").check()
    page.get_by_role("button", name="Kalenderadresse erstellen").click()
    expect(page.get_by_role("heading", name="Wird nur jetzt angezeigt")).to_be_visible()
    address = page.get_by_label("Adresse Ihres Kalenders").input_value()
    assert address.startswith(live_server.url + "/verwaltung/kalender/")
    webcal = page.get_by_role("link", name="Im Kalenderprogramm öffnen (webcal)")
    expect(webcal).to_have_attribute("href", "webcal://" + address.split("://", 1)[1])
    look(page, axe, "feed-created")
    no_sideways_scrolling(page)

    feed = page.request.get(address)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.body().startswith(b"BEGIN:VCALENDAR\r\n")

    page.goto(live_server.url + "/verwaltung/kalender-abo/")
    expect(page.get_by_text("Zuletzt abgerufen")).to_be_visible()
    expect(page.get_by_label("Adresse Ihres Kalenders")).to_have_count(0)
    look(page, axe, "feed-open")
    no_sideways_scrolling(page)

    page.get_by_role("button", name="Adresse widerrufen").click()
    expect(page.get_by_role("status")).to_contain_text("widerrufen")
    look(page, axe, "feed-revoked")
    assert page.request.get(address).status == 404
