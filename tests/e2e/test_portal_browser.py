"""A citizen searches the service portal for "Perso" in Chromium and books from the service page."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from amtstermin.core.models import Service, ServiceDocument
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def town(transactional_db):
    where = factories.location(name="Bürgerbüro Musterstadt")
    registry = factories.department(name="Einwohnermeldewesen")
    factories.service(
        name="Personalausweis",
        slug="personalausweis",
        department=registry,
        life_situation="Reisen",
        synonyms="Perso, Ausweis",
        description="Neuer Personalausweis mit Online-Ausweisfunktion.",
        fee=Decimal("46.00"),
        fee_note="22,80 € unter 24 Jahren",
        legal_basis="PAuswG",
        locations=[where],
        documents=[("Biometrisches Passfoto", ServiceDocument.Rule.PER_UNIT)],
    )
    factories.service(
        name="Kfz-Zulassung",
        slug="kfz",
        department=factories.department(name="Kreisverwaltung"),
        life_situation="Umzug",
        mode=Service.Mode.EXTERNAL_LINK,
        external_url="https://kreis.example.org/kfz",
    )


def test_citizen_finds_the_id_card_by_perso_and_books_it(live_server, town, page, axe, screenshot):
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Dienstleistungen", exact=True).click()
    assert page.locator("h1").inner_text() == "Online-Service-Portal"
    axe(page)
    screenshot(page, "portal_list")

    page.get_by_label("Dienstleistungen suchen").fill("Perso")
    page.get_by_role("button", name="Suchen").click()
    # The results replace the list (htmx): wait for them, then the other service is gone.
    expect(page.get_by_role("link", name="Kfz-Zulassung")).to_have_count(0)
    expect(page.get_by_role("link", name="Personalausweis")).to_be_visible()

    page.get_by_role("link", name="Personalausweis").click()
    assert page.locator("h1").inner_text() == "Personalausweis"
    assert "46,00 € (22,80 € unter 24 Jahren)" in page.locator("main").inner_text()
    axe(page)
    screenshot(page, "portal_service")

    page.get_by_role("link", name="Termin buchen").click()
    assert page.locator("h1").inner_text() == "Welche Dienstleistungen brauchen Sie?"
    assert page.get_by_label("Personalausweis").input_value() == "1"


def test_county_service_page_links_out(live_server, town, page, axe, screenshot):
    page.goto(live_server.url + "/dienstleistungen/kfz/")

    external = page.get_by_role("link", name="(externer Link)")
    assert external.get_attribute("href") == "https://kreis.example.org/kfz"
    assert external.get_attribute("rel") == "external noopener"
    axe(page)
    screenshot(page, "portal_external")
