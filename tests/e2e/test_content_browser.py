"""A citizen reads the start page with its notices and two locations, then the legal pages.

axe checks each page; with E2E_SCREENSHOTS=<folder> each is saved at desktop and phone width.
"""

from datetime import time

import pytest
from django.conf import settings
from django.utils import translation

from amtstermin.core.demo.musterstadt_pages import PAGES
from amtstermin.core.models import ContentPage, Notice
from tests import factories
from tests.e2e.test_booking_browser import look

pytestmark = pytest.mark.browser


@pytest.fixture
def town(transactional_db, live_server):
    """Two offices, the demo town's texts, and two notices (a warning and an information)."""
    with translation.override(settings.LANGUAGE_CODE):
        centre = factories.location(
            name="Bürgerbüro Mitte",
            street="Markt 1",
            phone="0221 4710 100",
            email="buergerbuero@musterstadt.example",
            directions="Rathaus, Erdgeschoss, barrierefreier Eingang am Marktplatz.",
        )
        north = factories.location(name="Bürgerbüro Nord", street="Nordring 5")
        id_card = factories.service(name="Personalausweis", locations=[centre, north])
        for where, weekdays in ((centre, range(5)), (north, [1, 3])):
            clerk = factories.staff(skills=[id_card])
            factories.roster(clerk, where, weekdays=weekdays)
            factories.roster(clerk, where, weekdays=[1], start=time(14), end=time(18))
        for spec in PAGES:  # the demo's texts: German and English, with headings and links
            ContentPage.objects.create(
                kind=spec.kind,
                title_de=spec.title.de,
                title_en=spec.title.en,
                body_de=spec.body.de,
                body_en=spec.body.en,
            )
        Notice.objects.create(
            title="Am 24. und 31. Dezember geschlossen",
            body="Ab dem **2. Januar** sind wir wieder für Sie da. Gebuchte Termine bleiben.",
            level=Notice.Level.WARNING,
        )
        Notice.objects.create(
            title="Passbilder nur noch digital",
            body="Bringen Sie den Code aus dem Fotostudio mit.",
        )
    return live_server.url


def test_citizen_reads_notices_locations_and_legal_pages(town, page, axe):
    page.goto(town + "/")

    assert page.locator("h1").inner_text() == "Willkommen im Bürgerbüro Musterstadt"
    warning = page.get_by_role("note", name="Wichtig: Am 24. und 31. Dezember geschlossen")
    assert warning.get_by_text("2. Januar").is_visible()
    assert page.get_by_role("note", name="Hinweis: Passbilder nur noch digital").is_visible()
    assert page.get_by_role("heading", name="Bürgerbüro Mitte", level=2).is_visible()
    assert page.get_by_role("heading", name="Bürgerbüro Nord", level=2).is_visible()
    look(page, axe, "content-start")

    footer = page.locator("footer")
    for link, path, heading in [
        ("Impressum", "/impressum/", "Impressum"),
        ("Datenschutz", "/datenschutz/", "Datenschutzerklärung"),
    ]:
        footer.get_by_role("link", name=link).click()
        assert page.url == town + path
        assert page.locator("h1").inner_text() == heading
        assert page.locator("main h2").count() >= 2  # "#"/"##" in the text sit below the h1
        look(page, axe, "content" + path.rstrip("/").replace("/", "-"))


def test_english_reader_gets_the_english_legal_page(town, page, axe):
    page.goto(town + "/impressum/")
    page.locator("summary", has_text="Sprache").click()
    page.get_by_role("link", name="English").click()

    assert page.url == town + "/impressum/"
    assert page.locator("h1").inner_text() == "Legal notice"
    assert "Musterstadt is a fictional town" in page.locator("main").inner_text()
    look(page, axe, "content-impressum-en")


def test_missing_legal_page_is_the_friendly_not_found_page(town, page, axe):
    ContentPage.objects.filter(kind=ContentPage.Kind.LEGAL_NOTICE).delete()

    response = page.goto(town + "/impressum/")

    assert response.status == 404
    assert page.locator("h1").inner_text() == "Seite nicht gefunden"
    assert page.locator("footer").get_by_role("link", name="Impressum").count() == 0
    look(page, axe, "content-missing")
