"""The API's page for people (/api/): readable on a phone and a desktop, passes axe, in German
and in English."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")


@pytest.mark.parametrize("width", (320, 1280))
def test_the_api_page_fits_the_screen_and_passes_axe(
    transactional_db, live_server, page, axe, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/api/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Schnittstelle (API) für andere Systeme"
    )
    expect(page.get_by_role("link", name="/api/v1/openapi.json")).to_be_visible()
    # Every operation of the OpenAPI document is listed, staff ones marked as needing a key.
    expect(page.get_by_text("POST /api/v1/appointments", exact=True)).to_be_visible()
    expect(page.locator("dd", has_text="(API-Schlüssel)").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    axe(page)
    if SCREENSHOTS:
        page.screenshot(path=str(Path(SCREENSHOTS) / f"api-docs-{width}.png"), full_page=True)


def test_the_api_page_speaks_english_when_asked(transactional_db, live_server, browser):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.goto(live_server.url + "/api/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API for other systems")
    assert page.evaluate("document.documentElement.lang") == "en"
    context.close()
