"""The service portal: search by German synonyms, grouping, a service's page and its action."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.demo.musterstadt import MUSTERSTADT
from amtstermin.core.models import RequestKind, Service, ServiceDocument
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def default_language():
    # modeltranslation stores `name=` in the active language's column (see test_start_page.py).
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def town():
    where = factories.location()
    registry = factories.department(name="Einwohnermeldewesen", position=1)
    county = factories.department(name="Kreisverwaltung", position=2)
    return {
        "id_card": factories.service(
            name="Personalausweis",
            slug="personalausweis",
            department=registry,
            life_situation="Reisen",
            synonyms="Perso, Ausweis, eID",
            description="Neuer Ausweis mit Online-Funktion.",
            fee=Decimal("46.00"),
            fee_note="22,80 € unter 24 Jahren",
            duration_minutes=15,
            legal_basis="PAuswG",
            locations=[where],
            documents=[("Biometrisches Passfoto", ServiceDocument.Rule.PER_UNIT)],
        ),
        "move": factories.service(
            name="Ummeldung",
            slug="ummeldung",
            department=registry,
            life_situation="Umzug",
            synonyms="Adressänderung, Wohnungswechsel",
            locations=[where],
        ),
        "moved_in": factories.service(
            name="Anmeldung einer Wohnung",
            slug="anmeldung",
            department=registry,
            life_situation="Umzug",
            synonyms="Zuzug, Umzug",
            locations=[where],
        ),
        "register": factories.service(
            name="Melderegisterauskunft",
            slug="melderegisterauskunft",
            department=registry,
            mode=Service.Mode.ONLINE_REQUEST,
            request_kind=RequestKind.MELDEREGISTERAUSKUNFT,
        ),
        "car": factories.service(
            name="Kfz-Zulassung",
            slug="kfz",
            department=county,
            life_situation="Umzug",
            mode=Service.Mode.EXTERNAL_LINK,
            external_url="https://kreis.example.org/kfz",
        ),
    }


def names(response) -> list[str]:
    return [service.name for service in response.context["services"]]


def test_search_for_perso_finds_the_identity_card(client, town):
    response = client.get(reverse("citizen:portal"), {"q": "Perso"})

    assert names(response) == ["Personalausweis"]
    assertContains(response, "1 Dienstleistung für „Perso“ gefunden.", html=False)


def test_search_for_umzug_finds_the_change_of_address_by_its_life_situation_and_synonyms(
    client, town
):
    response = client.get(reverse("citizen:portal"), {"q": "umzug"})

    # "Ummeldung" by its life situation "Umzug", "Anmeldung" by its synonym "Umzug".
    assert set(names(response)) >= {"Ummeldung", "Anmeldung einer Wohnung"}
    assert "Personalausweis" not in names(response)


def test_search_in_the_demo_town_finds_services_by_their_german_synonyms(client):
    department = factories.department()
    for spec in MUSTERSTADT.services:  # the catalogue as seed_demo stores it, without bookings
        factories.service(
            slug=spec.slug,
            department=department,
            name=spec.name.de,
            description=spec.description.de,
            life_situation=spec.life_situation.de,
            synonyms=spec.synonyms,
            mode=spec.mode,
        )

    perso = names(client.get(reverse("citizen:portal"), {"q": "Perso"}))
    umzug = names(client.get(reverse("citizen:portal"), {"q": "Umzug"}))

    assert "Personalausweis" in perso
    assert "Ummeldung innerhalb Musterstadts" in umzug
    assert "Anmeldung einer Wohnung" in umzug


def test_list_groups_by_life_situation_then_department_and_leaves_out_inactive(client, town):
    factories.service(name="Alter Dienst", active=False, life_situation="Reisen")

    response = client.get(reverse("citizen:portal"))
    text = response.content.decode()

    # Life situations alphabetically, those without one last; departments in their order within.
    headings = re.findall(r'class="kern-heading-(?:medium|small)[^"]*"[^>]*>([^<]+)<', text)
    assert headings == [
        "Reisen",
        "Einwohnermeldewesen",
        "Umzug",
        "Einwohnermeldewesen",
        "Kreisverwaltung",
        "Weitere Anliegen",
        "Einwohnermeldewesen",
    ]
    assert (
        text.index("Ummeldung") < text.index("Kfz-Zulassung") < text.index("Melderegisterauskunft")
    )
    assertNotContains(response, "Alter Dienst")
    assertContains(response, f'href="{reverse("citizen:portal_service", args=["kfz"])}"')
    assertContains(response, 'aria-current="page">Dienstleistungen</a>', html=False)


def test_service_page_gives_the_facts_and_a_booking_button(client, town):
    service = town["id_card"]

    response = client.get(reverse("citizen:portal_service", args=["personalausweis"]))

    assertContains(response, "<h1", count=1)
    assertContains(response, "Neuer Ausweis mit Online-Funktion.")
    for fact in ["46,00 €", "22,80 € unter 24 Jahren", "ca. 15 Min.", "PAuswG", "Reisen"]:
        assertContains(response, fact)
    assertContains(response, "Biometrisches Passfoto")
    assertContains(
        response, f'href="{reverse("citizen:services")}?dienst={service.pk}"', html=False
    )
    assertContains(response, "Termin buchen")


def test_service_page_names_every_place_that_offers_it(client, town):
    north = factories.location(name="Bürgerbüro Nord", street="Nordring 4", postcode="12347")
    town["id_card"].locations.add(north)

    response = client.get(reverse("citizen:portal_service", args=["personalausweis"]))

    assertContains(response, '<dt class="kern-description-list-item__key">Wo</dt>', html=False)
    assertContains(response, "Bürgerbüro Nord, Nordring 4, 12347 Musterstadt")
    assertContains(response, "Markt 1, 12345 Musterstadt")


def test_online_and_county_services_name_no_place(client, town):
    town["register"].locations.add(factories.location(name="Bürgerbüro Süd"))

    for slug in ("melderegisterauskunft", "kfz"):
        response = client.get(reverse("citizen:portal_service", args=[slug]))
        assertNotContains(response, "Bürgerbüro Süd")
        assertNotContains(response, ">Wo</dt>", html=False)


def test_document_note_is_shown_with_the_document(client, town):
    rule = town["id_card"].document_rules.get()
    rule.document.note = "nicht älter als sechs Monate"
    rule.document.save()

    response = client.get(reverse("citizen:portal_service", args=["personalausweis"]))

    assertContains(response, "nicht älter als sechs Monate")


def test_service_page_names_its_leika_key_and_says_nothing_without_one(client, town):
    Service.objects.filter(pk=town["id_card"].pk).update(leika_key="99102013104000")

    with_key = client.get(reverse("citizen:portal_service", args=["personalausweis"]))
    without = client.get(reverse("citizen:portal_service", args=["ummeldung"]))

    assertContains(with_key, "LeiKa-Schlüssel: 99102013104000")
    assertNotContains(without, "LeiKa")


def test_service_page_names_the_leika_key_in_the_citizens_language(client, town):
    Service.objects.filter(pk=town["id_card"].pk).update(leika_key="99102013104000")

    client.get(reverse("language", args=["tr"]))
    response = client.get(reverse("citizen:portal_service", args=["personalausweis"]))

    assertContains(response, "LeiKa anahtarı: 99102013104000")


def test_online_request_links_to_its_form(client, town):
    response = client.get(reverse("citizen:portal_service", args=["melderegisterauskunft"]))

    form = reverse("citizen:request_form", args=["melderegisterauskunft"])
    assertContains(response, f'href="{form}"', html=False)
    assertContains(response, "Online beantragen")
    assertNotContains(response, "Termin buchen")


def test_online_request_without_a_form_says_it_follows_and_with_an_address_links_there(
    client, town
):
    factories.service(
        name="Wohngeld",
        slug="wohngeld",
        department=town["register"].department,
        mode=Service.Mode.ONLINE_REQUEST,
    )
    page = reverse("citizen:portal_service", args=["wohngeld"])

    response = client.get(page)
    assertContains(response, "Das Online-Formular folgt hier in Kürze")
    assertNotContains(response, "Termin buchen")

    Service.objects.filter(slug="wohngeld").update(external_url="https://formulare.example.org/wg")
    response = client.get(page)
    assertContains(response, 'href="https://formulare.example.org/wg"', html=False)
    assertContains(response, "Online beantragen")


def test_county_service_links_out_marked_as_external(client, town):
    response = client.get(reverse("citizen:portal_service", args=["kfz"]))

    assertContains(
        response,
        '<a class="kern-link" href="https://kreis.example.org/kfz" rel="external noopener">',
        html=False,
    )
    assertContains(response, "(externer Link)")
    assertNotContains(response, "Gebühren")  # the county's page says what it costs


@pytest.mark.parametrize("slug", ["gibt-es-nicht", "alter-dienst"])
def test_unknown_or_inactive_service_is_not_found(client, town, slug):
    factories.service(slug="alter-dienst", active=False)

    response = client.get(reverse("citizen:portal_service", args=[slug]))

    assert response.status_code == 404


def test_booking_from_the_portal_preselects_one_of_the_service(client, town):
    service = town["id_card"]

    response = client.get(reverse("citizen:services"), {"dienst": service.pk})

    field = response.context["form"][f"service-{service.pk}"]
    assert field.value() == 1
    assert [item.service for item in response.context["chosen"]] == [service]
    assert client.session.get("booking_draft", {}).get("quantities", {}) == {}


@pytest.mark.parametrize("wanted", ["kfz", "999999", "melderegisterauskunft"])
def test_booking_ignores_a_service_it_cannot_book(client, town, wanted):
    pk = town["register"].pk if wanted == "melderegisterauskunft" else wanted
    response = client.get(reverse("citizen:services"), {"dienst": pk})

    assert response.status_code == 200
    assert response.context["chosen"] == []
    assert all(field.value() == 0 for field in response.context["form"])


def test_wizard_links_to_the_portal(client, town):
    response = client.get(reverse("citizen:services"))

    assertContains(response, f'href="{reverse("citizen:portal")}"')
