"""The citizen's online requests: the form per service, its errors, and the status page."""

import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin.core import online_requests
from amtstermin.core.models import OnlineRequest, OnlineRequestEvent, Service
from amtstermin.core.notifications import links
from tests import factories
from tests.citizen.conftest import solved_captcha
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 1, 8, 0)
Kind = OnlineRequest.Kind
Status = OnlineRequest.Status
REQUESTER = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "postal_address": "Markt 3\r\n12345 Musterstadt",
}
SEARCH = {
    **REQUESTER,
    "first_name": "Max",
    "last_name": "Muster",
    "date_of_birth": "1980-04-01",
    "last_known_address": "Hauptstraße 5\r\n12345 Musterstadt",
    "purpose": "Zustellung einer Klage",
    "consent": "on",
}
OWN = {**REQUESTER, "date_of_birth": "1975-06-30", "place_of_birth": "Köln"}


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def _standing_clock(clock):
    """The clock stands at NOW."""


@pytest.fixture
def registry():
    department = factories.department(name="Einwohnermeldewesen")
    online = {"mode": Service.Mode.ONLINE_REQUEST, "department": department}
    return type(
        "Registry",
        (),
        {
            "auskunft": factories.service(
                name="Einfache Melderegisterauskunft",
                slug="melderegisterauskunft",
                request_kind=Kind.MELDEREGISTERAUSKUNFT,
                fee=Decimal("10.00"),
                legal_basis="Bundesmeldegesetz (BMG) § 44",
                **online,
            ),
            "tax": factories.service(
                name="Auskunft zur Steuer-ID",
                slug="steuer-id",
                request_kind=Kind.STEUER_ID,
                fee=Decimal("0.00"),
                **online,
            ),
            "clerk": factories.staff(department_=department),
        },
    )


def form_of(slug: str) -> str:
    return reverse("citizen:request_form", args=[slug])


def test_status_path_is_the_one_the_mails_link_to():
    assert reverse("citizen:request_status", args=["abc"]) == links.REQUEST_PATH.format(token="abc")


def test_melderegister_form_asks_in_german_and_names_the_fee(client, registry):
    response = client.get(form_of("melderegisterauskunft"))

    assert response.status_code == 200
    for label in (
        "Ihr vollständiger Name",
        "E-Mail-Adresse",
        "Ihre Postanschrift",
        "Vorname der gesuchten Person",
        "Nachname der gesuchten Person",
        "Geburtsdatum",
        "Letzte bekannte Anschrift",
        "Wofür benötigen Sie die Auskunft?",
        "Gebühr",
        "10,00 €",
        "BMG",
    ):
        assertContains(response, label)
    assertContains(response, 'name="consent"')
    assertNotContains(response, "place_of_birth")


def test_steuer_id_form_asks_for_own_data_and_says_the_answer_comes_by_post(client, registry):
    response = client.get(form_of("steuer-id"))

    assertContains(response, "Ihr Geburtsort")
    assertContains(response, "Ihre Meldeanschrift")
    assertContains(response, "nur per Post")
    assertContains(response, "nie per E-Mail")
    assertNotContains(response, "last_known_address")


def test_melderegister_form_heads_each_part_with_its_legend(client, registry):
    response = client.get(form_of("melderegisterauskunft"))

    for part in ("Ihre Angaben", "Die gesuchte Person"):
        assertContains(
            response, f'<legend><h2 class="kern-heading-medium">{part}</h2></legend>', html=True
        )


@pytest.mark.parametrize(
    ("slug", "autocomplete"),
    # Only the own date of birth: the browser must not fill in the citizen's for someone else.
    [("steuer-id", "bday"), ("melderegisterauskunft", "off")],
)
def test_date_of_birth_is_a_text_field_with_a_german_example(client, registry, slug, autocomplete):
    response = client.get(form_of(slug))

    assertContains(response, "Zum Beispiel 31.03.2000.")
    assertNotContains(response, 'type="date"')
    field = re.search(r"<input[^>]*\bid=\"id_date_of_birth\"[^>]*>", response.content.decode())
    assert 'type="text"' in field[0]
    assert f'autocomplete="{autocomplete}"' in field[0]
    assert 'aria-describedby="id_date_of_birth-hint"' in field[0]


def test_date_of_birth_in_the_german_form_of_the_example_is_stored(client, registry, easy_captcha):
    data = {**OWN, "date_of_birth": "30.06.1975", "altcha": solved_captcha()}

    response = client.post(form_of("steuer-id"), data)

    assert response.status_code == 302
    assert OnlineRequest.objects.get().data["date_of_birth"] == "1975-06-30"


@pytest.mark.parametrize(
    "service",
    [
        {"mode": Service.Mode.APPOINTMENT, "slug": "melderegisterauskunft"},
        {"mode": Service.Mode.ONLINE_REQUEST, "slug": "wohngeld"},
        {
            "mode": Service.Mode.ONLINE_REQUEST,
            "slug": "steuer-id",
            "request_kind": Kind.STEUER_ID,
            "active": False,
        },
    ],
)
def test_services_without_an_online_form_have_none(client, service):
    factories.service(**service)

    assert client.get(form_of(service["slug"])).status_code == 404


def test_the_form_follows_the_services_field_not_its_short_name(client):
    factories.service(
        name="Adressauskunft",
        slug="adressauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind=Kind.MELDEREGISTERAUSKUNFT,
    )

    assertContains(client.get(form_of("adressauskunft")), "Letzte bekannte Anschrift")


@pytest.mark.parametrize(
    ("slug", "data", "kind"),
    [
        ("melderegisterauskunft", SEARCH, Kind.MELDEREGISTERAUSKUNFT),
        ("steuer-id", OWN, Kind.STEUER_ID),
    ],
)
def test_valid_request_is_stored_mailed_and_opens_its_status_page(
    client, registry, mailoutbox, easy_captcha, slug, data, kind
):
    response = client.post(form_of(slug), {**data, "altcha": solved_captcha()})

    request = OnlineRequest.objects.get()
    assert request.kind == kind
    assert request.status == Status.SUBMITTED
    assert request.postal_address == "Markt 3\n12345 Musterstadt"
    assert request.data["date_of_birth"] == data["date_of_birth"]
    [mail] = mailoutbox
    assert mail.to == ["erika@example.org"]
    assert request.reference in mail.subject
    assert response.status_code == 302
    assert response["Location"].startswith("/antrag/")
    status_page = client.get(response["Location"])
    assertContains(status_page, request.reference)


def test_citizen_reads_once_that_the_confirmation_is_on_its_way(client, registry, easy_captcha):
    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": solved_captcha()})

    assert "erika" not in response["Location"]
    first = client.get(response["Location"])
    assertContains(first, "Ihr Antrag ist eingegangen.")
    assertContains(
        first,
        "Wir haben Ihnen eine Bestätigung an erika@example.org geschickt. "
        "Bitte notieren Sie die Vorgangsnummer.",
    )
    assert "no-store" in first["Cache-Control"]
    again = client.get(response["Location"])
    assertNotContains(again, "erika@example.org")
    assertContains(again, "Wir haben Ihren Antrag erhalten")


def test_the_notice_after_sending_stays_in_the_browser_that_sent(client, registry, easy_captcha):
    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": solved_captcha()})

    elsewhere = Client().get(response["Location"])  # e.g. the link forwarded to someone
    assertContains(elsewhere, "Wir haben Ihren Antrag erhalten")
    assertNotContains(elsewhere, "erika@example.org")


def test_valid_request_redirects_to_a_working_link(client, registry, easy_captcha):
    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": solved_captcha()})

    token = response["Location"].removeprefix("/antrag/").removesuffix("/")
    assert online_requests.find_by_token(token) == OnlineRequest.objects.get()
    assertRedirects(response, links.REQUEST_PATH.format(token=token))


@pytest.mark.parametrize(
    ("slug", "data", "field", "message"),
    [
        ("melderegisterauskunft", {**SEARCH, "name": " "}, "name", "Vor- und Nachnamen"),
        ("melderegisterauskunft", {**SEARCH, "email": "erika@"}, "email", "E-Mail-Adresse"),
        ("melderegisterauskunft", {**SEARCH, "postal_address": ""}, "postal_address", "Post"),
        ("melderegisterauskunft", {**SEARCH, "first_name": ""}, "first_name", "Vor- und Nach"),
        ("melderegisterauskunft", {**SEARCH, "last_name": ""}, "last_name", "Vor- und Nach"),
        ("melderegisterauskunft", {**SEARCH, "date_of_birth": "1.4."}, "date_of_birth", "Geburt"),
        (
            "melderegisterauskunft",
            {**SEARCH, "date_of_birth": "2027-01-01"},
            "date_of_birth",
            "Geburt",
        ),
        (
            "melderegisterauskunft",
            {**SEARCH, "last_known_address": ""},
            "last_known_address",
            "Anschrift",
        ),
        ("melderegisterauskunft", {**SEARCH, "purpose": " "}, "purpose", "wofür"),
        ("melderegisterauskunft", {**SEARCH, "purpose": "x" * 501}, "purpose", "höchstens"),
        (
            "melderegisterauskunft",
            {k: v for k, v in SEARCH.items() if k != "consent"},
            "consent",
            "Gebühr",
        ),
        ("steuer-id", {**OWN, "place_of_birth": ""}, "place_of_birth", "Geburtsort"),
        ("steuer-id", {**OWN, "date_of_birth": ""}, "date_of_birth", "Geburt"),
        ("steuer-id", {**OWN, "postal_address": ""}, "postal_address", "gemeldet"),
    ],
)
def test_each_bad_field_gets_422_and_the_summary_and_nothing_is_stored(
    client, registry, mailoutbox, slug, data, field, message
):
    response = client.post(form_of(slug), data)

    assert response.status_code == 422
    assertContains(response, "Es gibt ein Problem", status_code=422)
    assertContains(response, f'href="#id_{field}"', status_code=422)
    assertContains(response, message, status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    assert not OnlineRequest.objects.exists()
    assert not mailoutbox


PERSON = {
    "first_name": "Max",
    "last_name": "Muster",
    "date_of_birth": "1980-04-01",
    "last_known_address": "Hauptstraße 5",
    "purpose": "Zustellung einer Klage",
    "consent": True,
}


def status_page(registry, kind=Kind.MELDEREGISTERAUSKUNFT):
    """A request submitted through the core, and the path of its status page."""
    melderegister = kind == Kind.MELDEREGISTERAUSKUNFT
    submitted = online_requests.submit(
        service=registry.auskunft if melderegister else registry.tax,
        kind=kind,
        requester=online_requests.Requester("Erika", "erika@example.org", "Markt 3"),
        data=PERSON if melderegister else {"date_of_birth": "1975-06-30", "place_of_birth": "Köln"},
        now=NOW,
    )
    return submitted, reverse("citizen:request_status", args=[submitted.token])


def test_status_page_shows_reference_status_and_dates_and_keeps_the_link_private(client, registry):
    submitted, page = status_page(registry)

    response = client.get(page)
    assertContains(response, submitted.request.reference)
    assertContains(response, "Wir haben Ihren Antrag erhalten")
    assertNotContains(response, "Ihr Antrag ist eingegangen.")  # only right after sending
    assertContains(response, "1. Dezember 2026 08:00")
    assertContains(response, "<li>1. Dezember 2026 08:00: Eingegangen</li>", html=True)
    assertNotContains(response, "nur per Post")
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "no-store" in response["Cache-Control"]


def test_status_page_follows_the_request_to_its_answer(client, registry):
    submitted, page = status_page(registry)
    request = online_requests.claim(request=submitted.request, staff=registry.clerk, now=NOW)
    assertContains(client.get(page), "bearbeitet Ihren Antrag")

    online_requests.answer(
        request=request, staff=registry.clerk, text="Max Muster, Lindenweg 2", now=NOW
    )
    response = client.get(page)
    assertContains(response, "Ihr Antrag wurde beantwortet")
    assertContains(response, "Lindenweg 2")


def test_status_page_of_a_rejected_request_gives_the_reason(client, registry):
    submitted, page = status_page(registry)
    online_requests.reject(
        request=submitted.request, staff=registry.clerk, reason="Auskunftssperre", now=NOW
    )

    response = client.get(page)
    assertContains(response, "Ihr Antrag wurde abgelehnt")
    assertContains(response, "Auskunftssperre")


def test_steuer_id_status_page_says_by_post_and_never_shows_the_answer(client, registry):
    submitted, page = status_page(registry, kind=Kind.STEUER_ID)
    request = online_requests.claim(request=submitted.request, staff=registry.clerk, now=NOW)
    online_requests.answer(
        request=request, staff=registry.clerk, text="12 345 678 901 per Post", now=NOW
    )

    response = client.get(page)
    assertContains(response, "nur per Post")
    assertContains(response, "Ihr Antrag wurde beantwortet")
    assertNotContains(response, "12 345 678 901")
    assert OnlineRequestEvent.objects.count() == 3


def test_rejected_steuer_id_request_gives_the_reason_and_promises_no_letter(client, registry):
    submitted, page = status_page(registry, kind=Kind.STEUER_ID)
    assertContains(client.get(page), "Die Antwort kommt per Post")
    online_requests.reject(
        request=submitted.request, staff=registry.clerk, reason="Nicht hier gemeldet", now=NOW
    )

    response = client.get(page)
    assertContains(response, "Ihr Antrag wurde abgelehnt")
    assertContains(response, "Nicht hier gemeldet")
    assertNotContains(response, "Die Antwort kommt per Post")
    assertNotContains(response, "nur per Post")


def test_unknown_token_gets_the_friendly_not_found_page_with_privacy_headers(client, registry):
    response = client.get(reverse("citizen:request_status", args=["nicht-vorhanden"]))

    assert response.status_code == 404
    assertContains(response, "Dieser Link funktioniert nicht</h1>", status_code=404)
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert "no-store" in response["Cache-Control"]


def test_portal_button_links_to_the_form(client, registry):
    response = client.get(reverse("citizen:portal_service", args=["steuer-id"]))

    assertContains(response, f'href="{form_of("steuer-id")}"', html=False)
    assertContains(response, "Online beantragen")


# Without JavaScript (no proof of work): the request waits for the emailed link.


def mailed_link(mail) -> str:
    return "/antrag/" + mail.body.split("/antrag/")[1].split("/")[0] + "/"


def test_citizen_without_javascript_confirms_through_the_mailed_link(client, registry, mailoutbox):
    response = client.post(form_of("melderegisterauskunft"), SEARCH)  # no "altcha"

    assert response.status_code == 302
    request = OnlineRequest.objects.get()
    assert request.confirmed_at is None
    first = client.get(response["Location"])
    assertContains(
        first,
        "Wir haben Ihnen eine E-Mail an erika@example.org geschickt: Bestätigen Sie über den "
        "Link darin. Erst nach der Bestätigung bearbeiten wir Ihren Antrag.",
    )
    assertContains(first, "Wartet auf Ihre Bestätigung")
    assertNotContains(first, "Antrag bestätigen</span>")
    again = client.get(response["Location"])
    assertNotContains(again, "erika@example.org")
    assertContains(again, "Bitte öffnen Sie den Link in der E-Mail")

    [confirm_mail] = mailoutbox
    link = mailed_link(confirm_mail)
    page = client.get(link)  # a mail scanner's GET changes nothing
    assertContains(page, "Antrag bestätigen</span>")
    assert "no-store" in page["Cache-Control"]
    request.refresh_from_db()
    assert request.confirmed_at is None
    assert len(mailoutbox) == 1

    confirmed = client.post(link)

    assertRedirects(confirmed, link, fetch_redirect_response=False)
    request.refresh_from_db()
    assert request.confirmed_at == NOW
    shown = client.get(link)
    assertContains(shown, "Ihr Antrag ist eingegangen.")
    assertNotContains(shown, "Antrag bestätigen</span>")
    assertContains(shown, "Eingegangen")
    _confirm, receipt = mailoutbox
    assert receipt.subject.startswith("Wir haben Ihren Antrag erhalten")
    client.post(link)  # a double click
    assert len(mailoutbox) == 2


def test_the_key_from_the_form_does_not_confirm(client, registry, mailoutbox):
    response = client.post(form_of("melderegisterauskunft"), SEARCH)

    client.post(response["Location"])

    assert OnlineRequest.objects.get().confirmed_at is None
    assert len(mailoutbox) == 1


def test_an_invalid_proof_is_refused_and_nothing_stored(client, registry, mailoutbox):
    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": "bm9wZQ=="})

    assertContains(response, "Die Sicherheitsprüfung ist fehlgeschlagen", status_code=422)
    assert not OnlineRequest.objects.exists()
    assert not mailoutbox
