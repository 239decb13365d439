"""The accessibility statement written from the admin's fields, and its feedback form."""

import re
from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import AccessibilityFeedback, AccessibilityStatement, ContentPage
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)
FORM = "/barrierefreiheit/rueckmeldung/"
MESSAGE = "Der Kalender lässt sich nicht mit der Tastatur bedienen."


@pytest.fixture(autouse=True)
def default_language():
    with translation.override(settings.LANGUAGE_CODE):
        yield


@pytest.fixture
def statement():
    return AccessibilityStatement.objects.create(
        compliance=AccessibilityStatement.Compliance.PARTIAL,
        known_gaps="- Die Karte der Standorte ist nicht barrierefrei.\n- PDF-Formulare",
        prepared_on=date(2026, 11, 2),
        reviewed_on=date(2026, 11, 30),
        method=AccessibilityStatement.Method.SELF,
        method_note="Automatische Tests mit axe-core.",
        contact_email="barrierefreiheit@musterstadt.example",
        contact_phone="0221 4710 100",
        reply_days=10,
    )


def test_citizen_reads_the_statement_written_from_the_fields(client, statement):
    response = client.get("/barrierefreiheit/")

    assertContains(response, '<h1 class="kern-heading-x-large">Erklärung zur Barrierefreiheit')
    assertContains(response, "Diese Website ist teilweise mit den Anforderungen")
    assertContains(response, "<li>Die Karte der Standorte ist nicht barrierefrei.</li>", html=False)
    assertContains(response, "am 2. November 2026 erstellt und zuletzt am 30. November 2026")
    assertContains(response, "Sie beruht auf einer Selbstbewertung.")
    assertContains(response, "Automatische Tests mit axe-core.")
    assertContains(response, 'href="mailto:barrierefreiheit@musterstadt.example"')
    assertContains(response, "Wir antworten innerhalb von 10 Tagen.")
    assertContains(response, f'action="{FORM}"')
    assertContains(response, "Schlichtungsverfahren")
    assertContains(response, 'href="https://www.lbbp.nrw.de/ombudsstelle"')
    assertContains(response, "ombudsstelle-barrierefreie-it@mags.nrw.de")


def test_statement_wins_over_a_page_and_the_footer_links_it(client, statement):
    ContentPage.objects.create(kind=ContentPage.Kind.ACCESSIBILITY, title="Alt", body="Alter Text")

    response = client.get(reverse("citizen:start"))
    assertContains(response, 'href="/barrierefreiheit/"')
    assertNotContains(client.get("/barrierefreiheit/"), "Alter Text")


def test_without_statement_the_page_or_a_404_is_shown(client):
    assert client.get("/barrierefreiheit/").status_code == 404
    ContentPage.objects.create(kind=ContentPage.Kind.ACCESSIBILITY, title="Alt", body="Alter Text")
    assertContains(client.get("/barrierefreiheit/"), "Alter Text")


def test_the_page_of_the_barrier_is_prefilled_only_with_a_path_of_this_site(client, statement):
    assert prefilled(client.get("/barrierefreiheit/?seite=/termin/")) == "/termin/"
    for foreign in ("https://evil.example/", "//evil.example/x", "/gibt-es-nicht/"):
        assert prefilled(client.get(FORM, {"seite": foreign})) == ""


def prefilled(response) -> str:
    return re.search(r'id="id_page"[^>]*value="([^"]*)"', response.content.decode())[1]


def test_citizen_sends_feedback_and_reads_when_they_get_an_answer(client, statement, mailoutbox):
    data = {"email": "erika@example.org", "message": MESSAGE, "consent": "on", "page": "/termin/"}

    response = client.post(FORM, data, follow=True)

    assertContains(response, "Vielen Dank für Ihre Rückmeldung")
    assertContains(response, "spätestens bis zum 14. Dezember 2026 per E-Mail")
    feedback = AccessibilityFeedback.objects.get()
    assert (feedback.email, feedback.page, feedback.language) == (
        "erika@example.org",
        "/termin/",
        "de",
    )
    assert sorted(mail.to[0] for mail in mailoutbox) == [
        "barrierefreiheit@musterstadt.example",
        "erika@example.org",
    ]


def test_feedback_without_an_address_needs_no_consent(client, statement, mailoutbox):
    response = client.post(FORM, {"message": MESSAGE}, follow=True)

    assertContains(response, "nicht persönlich antworten")
    assert AccessibilityFeedback.objects.get().email == ""


def test_form_errors_are_summarised_in_german_and_link_to_the_fields(client, statement):
    response = client.post(FORM, {"email": "erika@example.org", "message": ""})

    assert response.status_code == 422
    assertContains(response, "<title>Fehler:", status_code=422)
    assertContains(response, "Es gibt ein Problem", status_code=422)
    assertContains(
        response,
        '<a class="kern-link" href="#id_message">Bitte beschreiben Sie die Barriere.',
        status_code=422,
    )
    assertContains(response, 'href="#id_consent"', status_code=422)
    assert not AccessibilityFeedback.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"message": "x" * 5001},
        {"message": "Barriere\x00"},
        {"message": MESSAGE, "name": "n" * 500},
        {"message": MESSAGE, "page": "/" * 400},
        {"message": MESSAGE, "email": "keine"},
    ],
)
def test_hostile_input_gets_a_clean_refusal(client, statement, data):
    response = client.post(FORM, data)

    assert response.status_code in (400, 422)
    assert not AccessibilityFeedback.objects.exists()


def test_feedback_posts_are_rate_limited(client, statement, mailoutbox):
    for _ in range(5):
        client.post(FORM, {"message": MESSAGE})

    response = client.post(FORM, {"message": MESSAGE})

    assert response.status_code == 429
    assertContains(response, "Zu viele Versuche", status_code=429)
    assert AccessibilityFeedback.objects.count() == 5


def test_the_thank_you_page_without_feedback_leads_to_the_form(client):
    response = client.get("/barrierefreiheit/rueckmeldung/gesendet/")
    assert response.status_code == 302 and response["Location"] == FORM


def test_english_reader_gets_the_form_in_english(client, statement):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.post(FORM, {"message": ""}, HTTP_ACCEPT_LANGUAGE="en")

    assertContains(response, "Please describe the barrier.", status_code=422)
