"""The start page, and the services as the booking wizard's first step lists them (German)."""

from datetime import date, time
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import OpeningHours, Service
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language():
    # A request leaves its language active in this thread, and modeltranslation stores `name=`
    # in the active language's column: without this, a test after a switch to English would
    # create rows with empty German names.
    with translation.override(settings.LANGUAGE_CODE):
        yield


def test_citizen_sees_the_office_and_the_booking_button_on_the_start_page(client):
    where = factories.location(
        name="Bürgerbüro Musterstadt", street="Marktplatz 1", phone="02151 86-0"
    )
    factories.service(locations=[where])  # only a location offering bookings is shown

    response = client.get(reverse("citizen:start"))

    assertContains(response, '<html lang="de" dir="ltr">', html=False)
    assertContains(response, "<h1", count=1)
    assertContains(response, "Bürgerbüro Musterstadt</h1>")
    assertContains(response, "Marktplatz 1")
    assertContains(response, 'href="tel:0215186-0"')
    # The two ways in: booking and the service portal.
    assertContains(response, 'id="entry-booking">Online-Terminvergabe</h2>', html=False)
    assertContains(
        response, f'href="{reverse("citizen:services")}" aria-describedby="entry-booking"'
    )
    assertContains(response, 'id="entry-portal">Online-Service-Portal</h2>', html=False)
    assertContains(response, f'href="{reverse("citizen:portal")}" aria-describedby="entry-portal"')


def test_start_page_shows_the_opening_hours_from_the_rosters(client):
    where = factories.location()
    factories.service(locations=[where])
    morning = factories.staff()
    afternoon = factories.staff()
    factories.roster(morning, where, weekdays=[1], start=time(8), end=time(12))
    factories.roster(afternoon, where, weekdays=[1], start=time(11), end=time(13))
    factories.roster(afternoon, where, weekdays=[1], start=time(14), end=time(18))
    factories.roster(morning, where, weekdays=[0], valid_until=date(2021, 1, 1))  # long ended

    response = client.get(reverse("citizen:start"))

    assertContains(response, "Öffnungszeiten")
    assertContains(
        response, '<dt class="kern-description-list-item__key">Dienstag</dt>', html=False
    )
    assertContains(response, "08:00–13:00, 14:00–18:00")
    assertNotContains(response, "Montag")
    assertContains(response, "Zum Hauptinhalt springen")
    assertContains(response, '<main id="main"')


def test_opening_hours_follow_a_roster_change_through_the_locations_version(client):
    where = factories.location()
    factories.service(locations=[where])
    clerk = factories.staff()
    factories.roster(clerk, where, weekdays=[1], start=time(8), end=time(12))
    assertContains(client.get(reverse("citizen:start")), "08:00–12:00")
    factories.roster(clerk, where, weekdays=[1], start=time(14), end=time(18))

    cached = client.get(reverse("citizen:start"))
    where.bump_version()  # as every roster change does (admin, office roster pages)
    changed = client.get(reverse("citizen:start"))

    assertNotContains(cached, "14:00–18:00")  # the stored hours, until the version moves
    assertContains(changed, "08:00–12:00, 14:00–18:00")


def test_start_page_shows_the_official_opening_hours_instead_of_the_rosters(client):
    where = factories.location()
    factories.service(locations=[where])
    clerk = factories.staff()
    factories.roster(clerk, where, weekdays=[0, 1], start=time(7), end=time(16))  # back office
    OpeningHours.objects.create(location=where, weekday=1, opens=time(14), closes=time(18))
    OpeningHours.objects.create(location=where, weekday=1, opens=time(8), closes=time(12))

    response = client.get(reverse("citizen:start"))

    assertContains(
        response, '<dt class="kern-description-list-item__key">Dienstag</dt>', html=False
    )
    assertContains(response, "08:00–12:00, 14:00–18:00")
    assertNotContains(response, "07:00–16:00")
    assertNotContains(response, "Montag")  # rostered, but not open to the public


def test_start_page_shows_the_rostered_hours_when_no_official_hours_are_entered(client):
    where = factories.location()
    factories.service(locations=[where])
    elsewhere = factories.location()
    OpeningHours.objects.create(location=elsewhere, weekday=0, opens=time(9), closes=time(10))
    factories.roster(factories.staff(), where, weekdays=[2], start=time(8), end=time(12))

    response = client.get(reverse("citizen:start"))

    assertContains(response, "Mittwoch")
    assertContains(response, "08:00–12:00")
    assertNotContains(response, "09:00–10:00")  # another location's, which offers nothing


def test_overlapping_official_opening_hours_are_shown_joined(client):
    where = factories.location()
    factories.service(locations=[where])
    OpeningHours.objects.create(location=where, weekday=3, opens=time(8), closes=time(12))
    OpeningHours.objects.create(location=where, weekday=3, opens=time(11), closes=time(13))
    OpeningHours.objects.create(location=where, weekday=3, opens=time(13), closes=time(15))

    response = client.get(reverse("citizen:start"))

    assertContains(response, "Donnerstag")
    assertContains(response, "08:00–15:00")


def test_official_opening_hours_are_labelled_in_the_readers_language(client):
    where = factories.location()
    factories.service(locations=[where])
    OpeningHours.objects.create(location=where, weekday=4, opens=time(8), closes=time(12))

    client.get(reverse("citizen:start"))  # cached in German first: the key names the language
    response = client.get(reverse("language", args=["en"]) + "?next=/", follow=True)

    assertContains(response, "Friday")
    assertNotContains(response, "Freitag")


def test_citizen_sees_a_start_page_before_any_location_is_entered(client):
    response = client.get(reverse("citizen:start"))

    assertContains(response, "Bürgerbüro Musterstadt</h1>")
    assertContains(response, "Online-Terminvergabe")
    assertNotContains(response, "Anschrift und Kontakt")


def test_the_towns_name_comes_from_the_settings(client, settings):
    settings.TOWN_NAME = "Hammstadt"

    response = client.get(reverse("citizen:start"))

    assertContains(response, '<span class="amt-brand__town">Hammstadt</span>', html=False)
    assertContains(response, "Bürgerbüro Hammstadt</h1>", html=False)
    assertNotContains(response, "Musterstadt")


def test_citizen_finds_no_dead_links_to_legal_pages_that_do_not_exist(client):
    response = client.get(reverse("citizen:start"))

    for text in ("Impressum", "Datenschutz", "Barrierefreiheit"):
        assertContains(response, text)
    assertNotContains(response, 'href="#"')


def test_citizen_can_switch_the_language_with_plain_links(client):
    response = client.get(reverse("citizen:services") + "?q=Pass")

    link = f"{reverse('language', args=['tr'])}?next=/termin/%3Fq%3DPass"
    assertContains(
        response,
        f'<a class="kern-link" href="{link}" hreflang="tr" lang="tr">Türkçe</a>',
        html=True,
    )
    assertContains(response, 'hreflang="de" lang="de" aria-current="true">Deutsch</a>')

    switched = client.get(link, follow=True)

    assert switched.redirect_chain == [("/termin/?q=Pass", 302)]
    assertContains(switched, '<html lang="tr" dir="ltr">', html=False)
    # Remembered: the next page without the link is in Turkish too.
    assertContains(client.get(reverse("citizen:start")), '<html lang="tr"', html=False)


def test_the_browser_language_decides_until_the_citizen_chooses(client):
    arabic = client.get(reverse("citizen:start"), headers={"accept-language": "ar,en;q=0.5"})
    assertContains(arabic, '<html lang="ar" dir="rtl">', html=False)

    client.get(reverse("language", args=["pl"]))
    chosen = client.get(reverse("citizen:start"), headers={"accept-language": "ar"})
    assertContains(chosen, '<html lang="pl" dir="ltr">', html=False)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "/\\evil.example", "x" * 3000, "start"]
)
def test_the_language_switch_returns_only_to_this_site(client, target):
    response = client.get(reverse("language", args=["en"]), {"next": target})

    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/sprache/xx/").status_code == 404


def test_staff_pages_stay_german_for_a_citizen_language(client):
    client.get(reverse("language", args=["tr"]))

    response = client.get(reverse("office:login"))

    assertContains(response, '<html lang="de"', html=False)


def test_citizen_reads_duration_fee_and_quantity_of_each_bookable_service(client):
    where = factories.location()
    registry = factories.department(name="Einwohnermeldewesen")
    factories.service(
        name="Personalausweis beantragen",
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
        life_situation="Umzug",
        duration_minutes=20,
        fee=Decimal("0.00"),
        max_quantity=1,
    )

    response = client.get(reverse("citizen:services"))

    assertContains(response, "<h1", count=1)
    assertContains(response, "Welche Dienstleistungen brauchen Sie?</h1>")
    assertContains(response, "Einwohnermeldewesen</h2>", count=1)
    assertContains(response, "Umzug</h3>", count=1)
    assertContains(response, "Personalausweis beantragen</label>")
    assertContains(response, "ca. 15 Min.")
    assertContains(response, "46,00 €")
    assertContains(response, "bis zu 3 pro Termin")
    assertContains(response, "Anmeldung einer Wohnung</label>")
    assertContains(response, "ca. 20 Min.")
    assertContains(response, "gebührenfrei")
    assertContains(response, "· 1 pro Termin")
    assertNotContains(response, "Online erledigen – ohne Besuch")


def test_citizen_finds_services_without_a_visit_apart_from_bookable_ones(client):
    where = factories.location()
    factories.service(name="Personalausweis beantragen", locations=[where])
    factories.service(name="Melderegisterauskunft", mode=Service.Mode.ONLINE_REQUEST)
    factories.service(
        name="Kfz-Zulassung",
        mode=Service.Mode.EXTERNAL_LINK,
        external_url="https://kreis.example.org/kfz",
    )

    response = client.get(reverse("citizen:services"))

    content = response.content.decode()
    online_part = content.split("Online erledigen – ohne Besuch", 1)[1]
    assert "Personalausweis beantragen" not in online_part
    assert "Melderegisterauskunft" in online_part
    assert "Dafür müssen Sie nicht vorbeikommen." in online_part
    assertContains(
        response,
        '<a class="kern-link" href="https://kreis.example.org/kfz" rel="external noopener">',
    )
    assertContains(response, "„Kfz-Zulassung“ auf der Website des Anbieters")
    assertContains(response, "(externer Link)")


def test_citizen_does_not_see_inactive_services(client):
    factories.service(name="Alter Reisepass", active=False, locations=[factories.location()])

    response = client.get(reverse("citizen:services"))

    assertNotContains(response, "Alter Reisepass")
    assertContains(response, "Derzeit können keine Dienstleistungen online gebucht werden.")


@pytest.mark.parametrize("rows", [1, 3])
def test_service_list_queries_do_not_grow_with_services(client, django_assert_num_queries, rows):
    # Each factory service gets its own department, so an N+1 on departments would show.
    where = factories.location()
    for _ in range(rows):
        factories.service(locations=[where])
        factories.service(mode=Service.Mode.EXTERNAL_LINK, external_url="https://example.org/")

    # bookable services, services without a visit, the booking horizon stated on step 1; the
    # footer's legal pages (asked on a cold cache only: tests start with an empty one)
    with django_assert_num_queries(4):
        response = client.get(reverse("citizen:services"))

    assert response.status_code == 200
    content = response.content.decode()
    assert content.count('<li class="amt-service-row">') == rows
    assert content.count('class="kern-card"') == rows
