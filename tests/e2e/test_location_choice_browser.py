"""The location step in Chromium: each location's earliest time, the earliest of all set apart,
and its button straight to that day's times; with and without JavaScript, at 1280 and 390 px.

Real clock (docs/testing.md): rosters on every day from 00:00 to 23:55, so the page has free
times whenever the test runs. Screenshots go to test-artifacts/screenshots/.
"""

from datetime import time

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.fixtures.browser import WCAG_AA

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


@pytest.fixture
def county(transactional_db, live_server):
    """Mitte and Nord open every day; West offers the service but nobody works there."""
    service = factories.service(name="Personalausweis", max_quantity=3)
    for name in ("Bürgerbüro Mitte", "Bürgerbüro Nord", "Bürgerbüro West mit langem Namen"):
        where = factories.location(name=name, street="Friedrich-Ebert-Straße 112")
        service.locations.add(where)
        if "West" not in name:
            clerk = factories.staff(skills=[service])
            factories.roster(clerk, where, weekdays=range(7), start=time(0), end=time(23, 55))
    return live_server.url


def to_location_step(page, server) -> None:
    page.goto(f"{server}/termin/")
    page.get_by_label("Personalausweis", exact=True).fill("1")
    page.get_by_role("button", name="Weiter").click()
    expect(page.locator("h1")).to_have_text("Zu welchem Standort möchten Sie kommen?")


@pytest.mark.parametrize("javascript", [True, False])
def test_citizen_sees_the_earliest_times_and_goes_straight_to_the_earliest_day(
    browser, county, axe, screenshot, javascript
):
    for width in WIDTHS:
        context = browser.new_context(
            locale="de-DE", viewport={"width": width, "height": 900}, java_script_enabled=javascript
        )
        page = context.new_page()
        to_location_step(page, county)
        soonest = page.locator("section.amt-soonest")
        expect(soonest.get_by_role("heading")).to_have_text("Frühester Termin an allen Standorten")
        expect(page.get_by_text("Frühester freier Termin:")).to_have_count(2)
        expect(page.get_by_text("Kein freier Termin in den nächsten 6 Wochen")).to_have_count(1)
        expect(page.get_by_text("(der früheste an allen Standorten)")).to_have_count(1)
        # The page fits the phone: nothing scrolls sideways.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if javascript:
            axe(page, tags=WCAG_AA)
            screenshot(page, f"location-choice-{width}")
        when = soonest.locator(".amt-soonest__when").inner_text()
        soonest.get_by_role("button", name="Uhrzeit an diesem Tag wählen").click()
        expect(page.locator("h1")).to_contain_text("Uhrzeiten am")
        assert when.split(",")[0] in page.locator("h1").inner_text()  # the same weekday
        expect(page.locator("button.amt-time").first).to_be_visible()
        context.close()
