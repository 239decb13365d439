"""Imprint, privacy notice, accessibility statement and start-page texts as citizens read them."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import ContentPage, Notice
from tests import factories
from tests.citizen.conftest import MONDAY_9, choose_services, choose_time

pytestmark = pytest.mark.django_db

PAGES = [
    (ContentPage.Kind.LEGAL_NOTICE, "/impressum/", "Impressum"),
    (ContentPage.Kind.PRIVACY, "/datenschutz/", "Datenschutz"),
    (ContentPage.Kind.ACCESSIBILITY, "/barrierefreiheit/", "Barrierefreiheit"),
]


@pytest.fixture(autouse=True)
def default_language():
    # modeltranslation stores `title=` in the active language's column: keep it German.
    with translation.override(settings.LANGUAGE_CODE):
        yield


def page(kind, title="Impressum", body="Die Stadt Musterstadt.", **fields) -> ContentPage:
    return ContentPage.objects.create(kind=kind, title=title, body=body, **fields)


def footer(response) -> str:
    return response.content.decode().split('<footer class="amt-footer">', 1)[1]


@pytest.mark.parametrize(("kind", "path", "title"), PAGES)
def test_citizen_reads_a_legal_page_as_staff_wrote_it(client, kind, path, title):
    page(kind, title=title, body="# Anbieter\n\nStadt **Musterstadt**, [Land](https://nrw.de/)")

    response = client.get(path)

    assert response.status_code == 200
    assertContains(response, f"<title>{title} – Musterstadt</title>", html=False)
    assertContains(response, "<h1", count=1)
    assertContains(response, f'<h1 class="kern-heading-x-large">{title}</h1>', html=False)
    assertContains(response, '<h2 class="kern-heading-medium">Anbieter</h2>', html=False)
    assertContains(response, "Stadt <strong>Musterstadt</strong>", html=False)
    assertContains(response, 'rel="noopener noreferrer"')
    assertContains(response, "Stand: ")


@pytest.mark.parametrize(("kind", "path", "title"), PAGES)
def test_a_legal_page_not_written_yet_is_the_friendly_not_found_page(client, kind, path, title):
    other = next(other for other, _path, _title in PAGES if other != kind)
    page(other)

    response = client.get(path)

    assert response.status_code == 404
    assertContains(response, "Seite nicht gefunden", status_code=404)
    assertContains(response, "Zur Startseite", status_code=404)


def test_script_in_a_page_reaches_the_citizen_as_harmless_text(client):
    page(
        ContentPage.Kind.LEGAL_NOTICE,
        title="Impressum <script>alert(1)</script>",
        body="<script>alert(2)</script> [x](javascript:alert(3)) <img src=x onerror=alert(4)>",
    )

    response = client.get("/impressum/")

    assertNotContains(response, "<script>alert")
    assertNotContains(response, "<img src=x")
    assertNotContains(response, 'href="javascript')
    assertContains(response, "Impressum &lt;script&gt;alert(1)&lt;/script&gt;</h1>")


def test_footer_links_only_to_the_legal_pages_that_exist(client):
    response = client.get(reverse("citizen:start"))
    assert 'href="/impressum/"' not in footer(response)
    assert "<li>Impressum</li>" in footer(response)

    page(ContentPage.Kind.LEGAL_NOTICE)
    page(ContentPage.Kind.PRIVACY, title="Datenschutz")

    shown = footer(client.get(reverse("citizen:start")))
    assert '<a class="kern-link kern-link--small" href="/impressum/">Impressum</a>' in shown
    assert '<a class="kern-link kern-link--small" href="/datenschutz/">Datenschutz</a>' in shown
    assert "<li>Barrierefreiheit</li>" in shown
    assert "/barrierefreiheit/" not in shown


def test_footer_asks_the_database_for_the_legal_pages_once_then_the_cache(
    client, django_assert_num_queries
):
    page(ContentPage.Kind.LEGAL_NOTICE)
    client.get(reverse("citizen:portal"))  # warms the cache

    with django_assert_num_queries(1):  # the services; the footer's pages come from the cache
        response = client.get(reverse("citizen:portal"))

    assert 'href="/impressum/"' in footer(response)


def test_footer_follows_a_page_created_or_deleted_at_once(client):
    assert "/datenschutz/" not in footer(client.get("/"))  # cached: no privacy page

    privacy = page(ContentPage.Kind.PRIVACY, title="Datenschutz")
    assert 'href="/datenschutz/"' in footer(client.get("/"))

    privacy.delete()
    assert "/datenschutz/" not in footer(client.get("/"))
    assert client.get("/datenschutz/").status_code == 404


def test_an_edited_page_shows_its_new_text_at_once(client):
    imprint = page(ContentPage.Kind.LEGAL_NOTICE, body="Alte Anschrift")
    assertContains(client.get("/impressum/"), "Alte Anschrift")

    imprint.body = "Neue Anschrift"
    imprint.save()

    response = client.get("/impressum/")
    assertContains(response, "Neue Anschrift")
    assertNotContains(response, "Alte Anschrift")


def test_english_reader_gets_the_english_text(client):
    page(
        ContentPage.Kind.PRIVACY,
        title_de="Datenschutzerklärung",
        title_en="Privacy notice",
        body_de="Wir schützen Ihre Daten.",
        body_en="We protect your data.",
        title="",
        body="",
    )
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/datenschutz/")

    assertContains(response, '<html lang="en" dir="ltr">', html=False)
    assertContains(response, '<h1 class="kern-heading-x-large">Privacy notice</h1>', html=False)
    assertContains(response, "We protect your data.")
    assertNotContains(response, "Wir schützen")
    assertContains(response, "Last updated: ")
    assertContains(response, '<a class="kern-link kern-link--small" href="/datenschutz/">Privacy')


def test_english_reader_gets_the_german_text_marked_as_german_when_not_translated(client):
    page(ContentPage.Kind.LEGAL_NOTICE, title="Impressum", body="Die Stadt Musterstadt.")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get("/impressum/")

    # Screen readers switch to German pronunciation for it (WCAG 3.1.2).
    assertContains(response, '<h1 class="kern-heading-x-large" lang="de">Impressum</h1>')
    assertContains(response, '<div class="amt-content amt-prose" lang="de">')
    assertContains(response, "Die Stadt Musterstadt.")


def test_contact_step_links_the_full_privacy_notice_once_it_exists(client, office, clock):
    choose_services(client, office)
    choose_time(client, MONDAY_9)
    without = client.get(reverse("citizen:contact"))
    assertContains(without, '<details class="amt-privacy">')
    assertNotContains(without, "/datenschutz/")

    page(ContentPage.Kind.PRIVACY, title="Datenschutz")

    response = client.get(reverse("citizen:contact"))
    assertContains(
        response,
        '<a class="kern-link" href="/datenschutz/" target="_blank" rel="noopener">'
        "Vollständige Datenschutzerklärung (öffnet in einem neuen Tab)",
    )


# The start page


def test_citizen_reads_the_start_page_text_as_the_pages_heading_and_welcome(client):
    page(
        ContentPage.Kind.START,
        title="Willkommen im Bürgerbüro",
        body="Hier buchen Sie **Ihren Termin**.",
    )

    response = client.get("/")

    assertContains(response, "<h1", count=1)
    assertContains(response, "Willkommen im Bürgerbüro</h1>")
    assertContains(response, "<title>Willkommen im Bürgerbüro – Musterstadt</title>", html=False)
    assertContains(response, "Hier buchen Sie <strong>Ihren Termin</strong>.")
    assertNotContains(response, "Buchen Sie einen Termin im Bürgerbüro oder")


def test_start_page_shows_current_notices_with_their_level_in_words(client):
    now = timezone.now()
    Notice.objects.create(
        title="Am 24.12. geschlossen",
        body="Ab dem **27.12.** sind wir wieder da.",
        level=Notice.Level.WARNING,
    )
    Notice.objects.create(title="Neue Passbilder", body="Nur noch digital.")
    Notice.objects.create(title="Längst vorbei", shown_until=now - timedelta(days=1))
    Notice.objects.create(title="Kommt noch", shown_from=now + timedelta(days=1))

    response = client.get("/")

    content = response.content.decode()
    assert 'class="kern-alert kern-alert--warning" role="note"' in content
    assert 'class="kern-alert kern-alert--info" role="note"' in content
    assertContains(response, '<span class="kern-sr-only">Wichtig: </span>')
    assertContains(response, '<span class="kern-sr-only">Hinweis: </span>')
    assertContains(response, "<span>Am 24.12. geschlossen</span></h2>")
    assertContains(response, "Ab dem <strong>27.12.</strong> sind wir wieder da.")
    assertContains(response, "Neue Passbilder")
    assertNotContains(response, "Längst vorbei")
    assertNotContains(response, "Kommt noch")
    assert content.index("Am 24.12. geschlossen") < content.index('id="entry-booking"')


def test_headings_in_a_notice_sit_below_the_notices_title(client):
    Notice.objects.create(title="Umbau", body="# Was sich ändert")

    response = client.get("/")

    assertContains(response, '<h3 class="kern-heading-small">Was sich ändert</h3>', html=False)


def test_start_page_shows_every_location_that_offers_bookings(client):
    centre = factories.location(name="Bürgerbüro Mitte", street="Marktplatz 1")
    north = factories.location(name="Bürgerbüro Nord", street="Nordring 5", phone="0221 4710 2")
    factories.location(name="Archiv", street="Kellerweg 1")  # offers nothing to book
    service = factories.service(locations=[centre, north])
    factories.roster(factories.staff(skills=[service]), north, weekdays=[4])

    response = client.get("/")

    assertContains(response, "<h1", count=1)
    assertContains(response, "Bürgerbüro Musterstadt</h1>")
    assertContains(response, "Bürgerbüro Mitte</h2>")
    assertContains(response, "Bürgerbüro Nord</h2>")
    assertContains(response, "Marktplatz 1")
    assertContains(response, "Nordring 5")
    assertContains(response, 'href="tel:022147102"')
    assertContains(response, "Öffnungszeiten</h3>", count=1)  # only Nord has a roster
    assertContains(response, "Freitag")
    assertNotContains(response, "Archiv")
    assertNotContains(response, "Kellerweg")


def test_start_page_with_a_welcome_text_names_its_one_location_below_it(client):
    where = factories.location(name="Bürgerbüro Mitte", street="Marktplatz 1")
    factories.service(locations=[where])
    page(ContentPage.Kind.START, title="Willkommen", body="Schön, dass Sie da sind.")

    response = client.get("/")

    assertContains(response, "Willkommen</h1>")
    assertContains(response, "Bürgerbüro Mitte</h2>")
    assertContains(response, "Anschrift und Kontakt</h3>")


@pytest.mark.parametrize("rows", [1, 3])
def test_start_page_costs_five_queries_however_many_locations(
    client, django_assert_num_queries, rows
):
    service = factories.service()
    for _ in range(rows):
        where = factories.location()
        service.locations.add(where)
        factories.roster(factories.staff(skills=[service]), where)
    notice = Notice.objects.create(title="Hinweis")
    page(ContentPage.Kind.START)
    client.get("/")  # warms the footer's cache and each location's opening hours
    notice.save()  # a changed text: the stored page is not used (citizen/views.py)

    # the locations' versions (the stored page's key), locations, start text, notices, when
    # the next notice comes or goes; the hours come from the cache (citizen/hours.py)
    with django_assert_num_queries(5):
        response = client.get("/")
    with django_assert_num_queries(1):  # the stored page
        stored = client.get("/")

    assert response.content.decode().count("Anschrift und Kontakt") == rows
    assert stored.content == response.content
