"""The online request forms against scripts: the ALTCHA proof of work and the rate limit.

Without JavaScript the proof cannot run: the request is then stored unconfirmed and waits for
the emailed link (as a booking does); a proof that is sent but fails is refused.
"""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import limits, online_requests
from amtstermin.core.models import OnlineRequest, Service
from tests import factories
from tests.citizen.conftest import NOW, forged_key, longer_life, solved_captcha, tampered
from tests.citizen.test_online_requests_pages import OWN, SEARCH, form_of

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("services", "easy_captcha")]

FORMS = [("melderegisterauskunft", SEARCH), ("steuer-id", OWN)]
CONFIRM_NOTICE = (
    "Wir haben Ihnen eine E-Mail an erika@example.org geschickt: Bestätigen Sie über den Link "
    "darin. Erst nach der Bestätigung bearbeiten wir Ihren Antrag."
)
# Refused by the form whatever the proof: the limit's tests count posts that store nothing.
SEARCH_INCOMPLETE = {**SEARCH, "first_name": ""}
OWN_INCOMPLETE = {**OWN, "place_of_birth": ""}
FAILED = "Die Sicherheitsprüfung ist fehlgeschlagen. Bitte versuchen Sie es noch einmal."


@pytest.fixture(autouse=True)
def _standing_clock(clock):
    """The clock stands at NOW."""


@pytest.fixture
def services():
    """The two services with an online form, under the short names of the pages' tests."""
    for slug, kind in (
        ("melderegisterauskunft", OnlineRequest.Kind.MELDEREGISTERAUSKUNFT),
        ("steuer-id", OnlineRequest.Kind.STEUER_ID),
    ):
        factories.service(slug=slug, mode=Service.Mode.ONLINE_REQUEST, request_kind=kind)


def error_summary(response, message: str) -> None:
    assertContains(response, "<title>Fehler:", status_code=422)
    assertContains(response, "Es gibt ein Problem", status_code=422)
    assertContains(response, f'<a class="kern-link" href="#id_altcha">{message}', status_code=422)


@pytest.mark.parametrize(("slug", "data"), FORMS)
def test_both_forms_carry_the_widget_and_tell_who_has_no_javascript(client, slug, data):
    response = client.get(form_of(slug))

    assertContains(response, f'<altcha-widget challenge="{reverse("citizen:challenge")}"')
    assertContains(response, 'name="altcha"')
    assertContains(response, 'id="id_altcha"')
    assertContains(response, "vendor/altcha/external/altcha.min.js")
    assertContains(response, "<noscript>")
    assertContains(response, "Sie erhalten eine E-Mail zur Bestätigung")
    assertNotContains(response, "Dieses Formular braucht JavaScript")


@pytest.mark.parametrize(("slug", "data"), FORMS)
def test_citizen_without_javascript_gets_an_unconfirmed_request_and_a_mail_to_confirm(
    client, mailoutbox, slug, data
):
    response = client.post(form_of(slug), data, follow=True)  # no "altcha": the widget never ran

    assert response.redirect_chain[0][1] == 302
    [request] = OnlineRequest.objects.all()
    assert request.confirmed_at is None
    assertContains(response, CONFIRM_NOTICE)
    assertNotContains(response, "Ihr Antrag ist eingegangen.")
    assertNotContains(response, "Antrag bestätigen</span>")  # only the mailed link confirms
    [mail] = mailoutbox
    assert mail.subject.startswith("Bitte bestätigen Sie Ihren Antrag")


def test_a_mistake_is_reported_without_a_word_about_the_proof(client):
    response = client.post(form_of("melderegisterauskunft"), SEARCH_INCOMPLETE)

    assertContains(response, 'href="#id_first_name"', status_code=422)
    assertNotContains(response, 'href="#id_altcha"', status_code=422)
    assert not OnlineRequest.objects.exists()


@pytest.mark.parametrize(
    "altcha",
    [
        pytest.param(lambda: tampered(forged_key), id="forged solution"),
        pytest.param(lambda: tampered(longer_life), id="prolonged challenge"),
        pytest.param(lambda: "bm90IGEgcGF5bG9hZA==", id="not a payload"),
        pytest.param(lambda: "x" * 4001, id="oversized"),
    ],
)
def test_a_failed_proof_gets_422_and_nothing_is_stored(client, mailoutbox, altcha):
    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": altcha()})

    assert response.status_code == 422
    error_summary(response, FAILED)
    assert not OnlineRequest.objects.exists()
    assert not mailoutbox


@pytest.mark.parametrize(("slug", "data"), FORMS)
def test_a_solved_proof_stores_the_request(client, mailoutbox, slug, data):
    response = client.post(form_of(slug), {**data, "altcha": solved_captcha()})

    assert response.status_code == 302
    assert OnlineRequest.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_proof_counts_for_one_request_only(client):
    payload = solved_captcha()
    assert client.post(form_of("steuer-id"), {**OWN, "altcha": payload}).status_code == 302

    replayed = client.post(form_of("steuer-id"), {**OWN, "altcha": payload})

    error_summary(replayed, FAILED)
    assert OnlineRequest.objects.count() == 1


def test_a_form_sent_back_for_a_mistake_does_not_spend_the_proof(client):
    payload = solved_captcha()
    # The core's check (a birth date in the future), not only the form's, comes first.
    future = {**SEARCH, "date_of_birth": "2027-01-01", "altcha": payload}
    response = client.post(form_of("melderegisterauskunft"), future)
    assertContains(response, 'href="#id_date_of_birth"', status_code=422)
    assertNotContains(response, FAILED, status_code=422)
    assert not OnlineRequest.objects.exists()

    fixed = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": payload})

    assert fixed.status_code == 302
    assert OnlineRequest.objects.count() == 1


def test_an_empty_post_gets_its_errors_not_a_server_error(client):
    response = client.post(form_of("steuer-id"), {})

    assert response.status_code == 422
    assertContains(response, 'href="#id_name"', status_code=422)


def test_too_many_posts_get_a_german_page_to_wait_for(client, mailoutbox):
    for _attempt in range(limits.ONLINE_REQUEST.posts):
        response = client.post(form_of("melderegisterauskunft"), SEARCH_INCOMPLETE)
        assert response.status_code == 422

    response = client.post(form_of("melderegisterauskunft"), {**SEARCH, "altcha": solved_captcha()})

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assertContains(response, "<title>Zu viele Versuche", status_code=429)
    assertContains(response, "warten Sie bitte zehn Minuten", status_code=429)
    assertContains(response, "nichts gespeichert", status_code=429)
    back = f'<a class="kern-btn kern-btn--secondary" href="{form_of("melderegisterauskunft")}">'
    assertContains(response, back, status_code=429)
    assert not OnlineRequest.objects.exists()
    assert not mailoutbox
    # Another network counts on its own, and so does the booking wizard's limit.
    other = client.post(
        form_of("melderegisterauskunft"), SEARCH_INCOMPLETE, REMOTE_ADDR="192.0.2.7"
    )
    assert other.status_code == 422
    assert limits.allow_post(limits.BOOKING, "127.0.0.1", now=NOW)


def test_the_limit_counts_both_forms_together(client):
    for _attempt in range(limits.ONLINE_REQUEST.posts // 2):
        client.post(form_of("melderegisterauskunft"), SEARCH_INCOMPLETE)
        client.post(form_of("steuer-id"), OWN_INCOMPLETE)

    assert client.post(form_of("steuer-id"), OWN).status_code == 429


def test_showing_the_form_does_not_count(client):
    for _attempt in range(limits.ONLINE_REQUEST.posts + 1):
        assert client.get(form_of("steuer-id")).status_code == 200

    assert client.post(form_of("steuer-id"), OWN_INCOMPLETE).status_code == 422


def test_one_mailbox_gets_three_mails_to_confirm_a_day_whatever_its_spelling(
    client, clock, mailoutbox
):
    """Without the proof of work, a script could use the form to flood someone's inbox."""
    spellings = ["erika@example.org", "Erika+1@example.org", '"erika"@example.org']
    for email in spellings:
        assert client.post(form_of("steuer-id"), {**OWN, "email": email}).status_code == 302

    refused = client.post(form_of("steuer-id"), {**OWN, "email": '"Erika+2"@Example.org'})

    message = (
        "An diese Adresse können wir heute keine weitere E-Mail zur Bestätigung schicken. Bitte "
        "bestätigen Sie über den Link in der E-Mail, die wir schon geschickt haben, oder "
        "versuchen Sie es morgen noch einmal."
    )
    assertContains(refused, f'<a class="kern-link" href="#id_email">{message}', status_code=422)
    assert OnlineRequest.objects.count() == 3 and len(mailoutbox) == 3
    # With the proof, another mailbox, or a day later: the mail goes out.
    proven = {**OWN, "email": "erika@example.org", "altcha": solved_captcha()}
    assert client.post(form_of("steuer-id"), proven).status_code == 302
    assert client.post(form_of("steuer-id"), {**OWN, "email": "max@example.org"}).status_code == 302
    clock.now = NOW + limits.UNCONFIRMED_REQUEST_WINDOW
    assert (
        client.post(form_of("steuer-id"), {**OWN, "email": "erika@example.org"}).status_code == 302
    )
    assert len(mailoutbox) == 6


def test_confirming_a_request_forgets_its_mailbox_key(client):
    client.post(form_of("steuer-id"), OWN)
    [request] = OnlineRequest.objects.all()
    assert request.email_key == "erika@example.org"

    online_requests.confirm(request=request, now=NOW)

    request.refresh_from_db()
    assert request.email_key == ""
