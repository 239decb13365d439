"""A citizen opens the start page in Chromium and follows "Online-Terminvergabe" to the services."""

from decimal import Decimal

import pytest

from amtstermin.core.models import Service
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def town(transactional_db):
    where = factories.location(
        name="Bürgerbüro Musterstadt",
        street="Marktplatz 1",
        phone="02151 86-0",
        email="buergerbuero@musterstadt.example",
        directions="Bus 12 bis Haltestelle Rathaus, Eingang barrierefrei über den Hof.",
    )
    registry = factories.department(name="Einwohnermeldewesen")
    factories.service(
        name="Personalausweis beantragen",
        description="Für alle ab 16 Jahren mit Wohnsitz in Musterstadt.",
        department=registry,
        locations=[where],
        duration_minutes=15,
        fee=Decimal("46.00"),
        max_quantity=3,
    )
    factories.service(
        name="Anmeldung einer Wohnung",
        department=registry,
        locations=[where],
        duration_minutes=20,
        fee=Decimal("0.00"),
        max_quantity=1,
    )
    factories.service(
        name="Melderegisterauskunft",
        department=registry,
        mode=Service.Mode.ONLINE_REQUEST,
        description="Auskunft über die Anschrift einer Person.",
    )
    factories.service(
        name="Kfz-Zulassung",
        department=factories.department(name="Straßenverkehr"),
        mode=Service.Mode.EXTERNAL_LINK,
        external_url="https://kreis.example.org/kfz",
        description="Zuständig ist der Kreis.",
    )
    return where


def watch_failed_requests(page) -> list[str]:
    """Collect every response the page got with a 4xx/5xx status (missing CSS, fonts, scripts)."""
    failed: list[str] = []
    page.on(
        "response",
        lambda response: (
            failed.append(f"{response.status} {response.url}") if response.status >= 400 else None
        ),
    )
    page.on("requestfailed", lambda request: failed.append(f"failed {request.url}"))
    return failed


def test_citizen_follows_online_booking_from_start_page_to_services(
    live_server, town, page, axe, screenshot
):
    failed = watch_failed_requests(page)

    page.goto(live_server.url + "/")
    page.wait_for_load_state("networkidle")

    assert page.locator("h1").inner_text() == "Bürgerbüro Musterstadt"
    assert page.title().startswith("Bürgerbüro Musterstadt")
    # KERN UX and its font really arrived: a missing vendor copy would leave a plain page.
    assert page.evaluate("document.fonts.check('16px \"Fira Sans\"')"), "Fira Sans not loaded"
    assert "Fira Sans" in page.evaluate("getComputedStyle(document.body).fontFamily")
    axe(page)
    screenshot(page, "start_page")

    page.get_by_role("link", name="Online-Terminvergabe").click()
    page.wait_for_load_state("networkidle")

    assert page.url == live_server.url + "/termin/"
    # The booking wizard's first step: a quantity for each service with an appointment.
    assert page.locator("h1").inner_text() == "Welche Dienstleistungen brauchen Sie?"
    assert page.get_by_label("Personalausweis beantragen").input_value() == "0"
    assert "46,00 €" in page.locator("main").inner_text()
    online = page.get_by_role("region", name="Online erledigen – ohne Besuch")
    assert online.get_by_role("heading", name="Melderegisterauskunft").is_visible()
    external = online.get_by_role("link", name="Kfz-Zulassung")
    assert external.get_attribute("rel") == "external noopener"
    axe(page)
    screenshot(page, "service_list")
    page.set_viewport_size({"width": 360, "height": 740})  # a small phone: cards in one column
    screenshot(page, "service_list_small_screen")

    assert failed == [], "requests failed (run scripts/vendor.sh?): " + ", ".join(failed)


def test_keyboard_user_skips_to_main_content(live_server, town, page, screenshot):
    page.goto(live_server.url + "/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Zum Hauptinhalt springen")
    assert skip_link.evaluate("link => link === document.activeElement")
    assert skip_link.is_visible()
    screenshot(page, "start_page_skip_link")

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_citizen_switches_to_english_without_javascript(live_server, town, browser):
    context = browser.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(live_server.url + "/termin/")
        page.locator("summary", has_text="Sprache").click()  # <details>: no script needed
        page.get_by_role("link", name="English").click()

        assert page.url == live_server.url + "/termin/"
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Which services do you need?"
        # Remembered: the next page is English without choosing again.
        page.goto(live_server.url + "/")
        assert page.locator("html").get_attribute("lang") == "en"
    finally:
        context.close()
