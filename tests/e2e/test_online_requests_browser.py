"""Online requests in Chromium, from the citizen's form to the clerk's answer and back.

A citizen applies for a Melderegisterauskunft (first with mistakes: nothing stored), follows the
emailed link to the status page; a clerk logs in with an app code, finds the request in the
queue, takes it on, notes something internal and answers; the citizen gets the mail and reads
the answer, never the note. A Steuer-ID request is rejected with a reason. Mails go to a real
SMTP server (aiosmtpd). axe checks every page (screenshots at 1280 and 390 px: E2E_SCREENSHOTS).
"""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import limits, numbers
from amtstermin.core.models import OnlineRequest, Service
from tests import factories
from tests.e2e.test_booking_browser import DESKTOP, link_in, look, solve_altcha, subject
from tests.e2e.test_desk_booking_browser import log_in
from tests.office.logins import authenticator, user_for

pytestmark = pytest.mark.browser

EMAIL = "erika@example.org"
ANSWER = "Max Muster ist gemeldet in der Ringstraße 9, 12345 Musterstadt."
NOTE = "Sperrvermerk geprüft: keiner eingetragen."
REASON = "Sie sind nicht in Musterstadt gemeldet; bitte wenden Sie sich an Ihre Meldebehörde."


@pytest.fixture
def town(live_server, settings):
    """The Einwohnermeldewesen with both online forms, and its clerk Sabine Kowalski."""
    settings.SITE_URL = live_server.url  # the links in the mails lead back to this server
    registry = factories.department(name="Einwohnermeldewesen")
    online = {"mode": Service.Mode.ONLINE_REQUEST, "department": registry}
    factories.service(
        name="Einfache Melderegisterauskunft",
        slug="melderegisterauskunft",
        request_kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        fee=Decimal("10.00"),
        legal_basis="Bundesmeldegesetz (BMG) § 44",
        **online,
    )
    factories.service(
        name="Auskunft zur Steuer-ID",
        slug="steuer-id",
        request_kind=OnlineRequest.Kind.STEUER_ID,
        fee=Decimal("0.00"),
        **online,
    )
    where = factories.location(name="Bürgerbüro Mitte")
    clerk = factories.staff(department_=registry, name="Sabine Kowalski")
    clerk.locations.set([where])
    device = authenticator(user_for(clerk, username="skowalski"))
    return type("Town", (), {"url": live_server.url, "device": device})


@pytest.fixture
def office_page(browser):
    """The clerk's own browser window: a login of theirs never mixes with the citizen's."""
    context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def send(page) -> None:
    """Press "Antrag absenden", after the check against bots if the form has one."""
    if page.locator("altcha-widget").count():
        solve_altcha(page)
    page.get_by_role("button", name="Antrag absenden").click()


def open_request(page, url: str, reference: str) -> None:
    """The clerk searches the queue for `reference` and opens it."""
    page.goto(f"{url}/verwaltung/")
    page.get_by_role("link", name="Online-Anträge").click()
    expect(page.locator("h1")).to_have_text("Online-Anträge")
    page.get_by_label("Vorgangsnummer oder Name").fill(reference.lower())
    page.get_by_role("button", name="Anzeigen").click()
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(reference)


def test_citizen_applies_clerk_notes_and_answers_citizen_reads_the_answer(
    town, page, office_page, axe, smtp_server
):
    page.goto(f"{town.url}/antrag/neu/melderegisterauskunft/")
    expect(page.locator("h1")).to_have_text("Online beantragen: Einfache Melderegisterauskunft")
    look(page, axe, "request-form")

    page.get_by_label("Ihr vollständiger Name").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill("erika@example")
    page.get_by_label("Vorname der gesuchten Person").fill("Max")
    send(page)

    expect(page).to_have_title(re.compile("^Fehler:"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Geben Sie eine E-Mail-Adresse im richtigen Format ein")
    expect(summary).to_contain_text("Bitte geben Sie Vor- und Nachnamen der gesuchten Person an.")
    links = summary.get_by_role("link")
    assert links.count() >= 5
    for link in links.all():  # each message leads to its field
        target = link.get_attribute("href")
        assert re.fullmatch(r"#[\w-]+", target), target
        expect(page.locator(target)).to_have_count(1)
    expect(page.get_by_label("Vorname der gesuchten Person")).to_have_value("Max")
    assert not OnlineRequest.objects.exists()
    look(page, axe, "request-form-errors")

    summary.get_by_role("link", name=re.compile("Postanschrift")).click()
    expect(page.get_by_label("Ihre Postanschrift")).to_be_focused()
    page.get_by_label("Ihre Postanschrift").fill("Markt 3\n12345 Musterstadt")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Nachname der gesuchten Person").fill("Muster")
    page.get_by_label("Geburtsdatum der gesuchten Person").fill("1980-04-01")
    page.get_by_label("Letzte bekannte Anschrift der gesuchten Person").fill("Hauptstraße 5")
    page.get_by_label("Wofür benötigen Sie die Auskunft?").fill("Zustellung einer Klage")
    page.get_by_label("Ich übernehme die Gebühr", exact=False).check()
    send(page)

    request = OnlineRequest.objects.get()
    reference = request.reference
    expect(page.locator("h1")).to_have_text(f"Ihr Antrag {reference}")
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("Ihr Antrag ist eingegangen.")
    expect(notice).to_contain_text(f"Wir haben Ihnen eine Bestätigung an {EMAIL} geschickt.")
    look(page, axe, "request-submitted")

    [receipt] = smtp_server.messages
    assert receipt["To"] == EMAIL
    assert subject(receipt) == f"Wir haben Ihren Antrag erhalten: {reference}"
    page.goto(link_in(receipt, "/antrag/"))
    expect(page.get_by_role("status")).to_contain_text("Wir haben Ihren Antrag erhalten")
    expect(page.locator("main")).to_contain_text(reference)
    expect(page.locator("main")).to_contain_text("Eingegangen")
    look(page, axe, "request-status")

    # The clerk's side.
    office = office_page
    log_in(office, town.url, town.device)
    office.get_by_role("link", name="Online-Anträge").click()
    queue = office.get_by_role("table", name="Offene Anträge, älteste zuerst")
    expect(queue.get_by_role("row", name=re.compile(reference))).to_contain_text("Erika Mustermann")
    look(office, axe, "office-requests-queue")

    open_request(office, town.url, reference)
    expect(office.locator("main")).to_contain_text("Zustellung einer Klage")
    look(office, axe, "office-request-detail")
    office.get_by_role("button", name="Übernehmen").click()
    expect(office.get_by_role("status")).to_contain_text(f"Sie haben den Antrag {reference}")

    office.get_by_role("button", name="Notiz speichern").click()  # nothing written
    expect(office).to_have_title(re.compile("^Fehler:"))
    office.get_by_role("alert").get_by_role("link", name="Bitte schreiben Sie die Notiz.").click()
    expect(office.get_by_label("Neue Notiz")).to_be_focused()
    look(office, axe, "office-request-note-error")
    office.get_by_label("Neue Notiz").fill(NOTE)
    office.get_by_role("button", name="Notiz speichern").click()
    notes = office.get_by_role("region", name="Interne Notizen")
    expect(notes).to_contain_text("Sabine Kowalski:")
    expect(notes).to_contain_text(NOTE)
    look(office, axe, "office-request-in-progress")

    office.get_by_label("Antworttext").fill(ANSWER)
    office.get_by_role("button", name="Beantworten").click()
    expect(office.get_by_role("status")).to_contain_text(f"Der Antrag {reference} ist beantwortet")
    expect(office.locator("main")).to_contain_text("Es gibt keine offenen Anträge.")

    office.get_by_label("Anzeigen").select_option(label="Abgeschlossene Anträge")
    office.get_by_role("button", name="Anzeigen").click()
    closed = office.get_by_role("table", name=re.compile("^Abgeschlossene Anträge"))
    expect(closed.get_by_role("row", name=re.compile(reference))).to_contain_text("Beantwortet")
    look(office, axe, "office-requests-closed")
    office.get_by_role("link", name=reference).click()
    expect(office.locator("main")).to_contain_text("Er kann nicht mehr geändert werden")
    expect(office.locator("main textarea")).to_have_count(0)
    history = office.get_by_role("region", name="Verlauf")
    expect(history.get_by_role("listitem")).to_have_count(3)
    look(office, axe, "office-request-closed")

    # The citizen's side again.
    assert [subject(message) for message in smtp_server.messages] == [
        f"Wir haben Ihren Antrag erhalten: {reference}",
        f"Wir bearbeiten Ihren Antrag: {reference}",
        f"Ihr Antrag wurde beantwortet: {reference}",
    ]
    answered = smtp_server.messages[-1]
    assert ANSWER in answered.get_body(preferencelist=("plain",)).get_content()
    for message in smtp_server.messages:
        assert "Sperrvermerk" not in message.as_string()
    page.goto(link_in(answered, "/antrag/"))
    expect(page.get_by_role("status")).to_contain_text("Ihr Antrag wurde beantwortet.")
    expect(page.locator("main")).to_contain_text("Beantwortet")
    expect(page.locator("main")).to_contain_text(ANSWER)
    expect(page.locator("body")).not_to_contain_text("Sperrvermerk")
    look(page, axe, "request-status-answered")


def test_clerk_rejects_a_steuer_id_request_and_the_citizen_reads_why(
    town, page, office_page, axe, smtp_server
):
    page.goto(f"{town.url}/antrag/neu/steuer-id/")
    expect(page.get_by_role("note")).to_contain_text("Die Antwort kommt per Post")
    look(page, axe, "request-tax-form")
    page.get_by_label("Ihr vollständiger Name").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Ihre Meldeanschrift").fill("Markt 3\n12345 Musterstadt")
    page.get_by_label("Ihr Geburtsdatum").fill("1975-06-30")
    page.get_by_label("Ihr Geburtsort").fill("Köln")
    send(page)

    reference = OnlineRequest.objects.get().reference
    expect(page.locator("h1")).to_have_text(f"Ihr Antrag {reference}")
    look(page, axe, "request-tax-submitted")

    log_in(office_page, town.url, town.device)
    open_request(office_page, town.url, reference)
    expect(office_page.locator("main")).to_contain_text("Köln")
    office_page.get_by_label("Ablehnungsgrund").fill(REASON)
    office_page.get_by_role("button", name="Ablehnen").click()
    expect(office_page.get_by_role("status")).to_contain_text(f"{reference} ist abgelehnt")

    receipt, rejected = smtp_server.messages
    assert subject(rejected) == f"Ihr Antrag wurde abgelehnt: {reference}"
    assert REASON in rejected.get_body(preferencelist=("plain",)).get_content()
    page.goto(link_in(rejected, "/antrag/"))
    expect(page.get_by_role("status")).to_contain_text("Ihr Antrag wurde abgelehnt.")
    expect(page.locator("main")).to_contain_text("Abgelehnt")
    expect(page.locator("main")).to_contain_text(REASON)
    look(page, axe, "request-tax-status-rejected")


def test_clerk_pages_through_a_long_queue(town, office_page, axe):
    service = Service.objects.get(slug="melderegisterauskunft")
    received = timezone.now() - timedelta(days=2)
    OnlineRequest.objects.bulk_create(
        OnlineRequest(
            reference=numbers.new_reference(),
            service=service,
            kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
            name=f"Person {number:02d}",
            email="person@example.org",
            postal_address="Markt 3",
            created_at=received + timedelta(minutes=number),
            updated_at=received + timedelta(minutes=number),
            confirmed_at=received + timedelta(minutes=number),
        )
        for number in range(30)
    )
    log_in(office_page, town.url, town.device)
    office_page.get_by_role("link", name="Online-Anträge").click()
    expect(office_page.locator("main")).to_contain_text("30 Anträge gefunden, 1 bis 25")

    pages = office_page.get_by_role("navigation", name="Seiten der Liste")
    expect(pages.locator("[aria-current=page]")).to_have_text("Seite 1")
    pages.get_by_role("link", name="Seite 2").click()
    expect(office_page).to_have_title(re.compile(r"^Online-Anträge \(Seite 2 von 2\)"))
    expect(office_page.get_by_role("table").get_by_role("row")).to_have_count(1 + 5)
    expect(pages.locator("[aria-current=page]")).to_have_text("Seite 2")
    look(office_page, axe, "office-requests-page-2")
    pages.get_by_role("link", name="Vorherige Seite").click()
    expect(office_page.get_by_role("row", name=re.compile("Person 00"))).to_be_visible()


def test_citizen_without_javascript_applies_and_confirms_by_mail(town, browser, axe, smtp_server):
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    page = context.new_page()
    # axe itself is JavaScript and never finishes where scripts are off, so each page is checked
    # as served to this browser, replayed into a second one with scripts on.
    twin_context = browser.new_context(locale="de-DE", viewport=DESKTOP)
    twin = twin_context.new_page()

    def look_without_javascript(name: str) -> None:
        html, url = page.content(), page.url
        twin.route(url, lambda route: route.fulfill(body=html, content_type="text/html"))
        twin.goto(url)
        twin.unroute(url)
        look(twin, axe, name)

    try:
        page.goto(f"{town.url}/antrag/neu/steuer-id/")
        # The check against bots cannot run: the page says what happens instead. (Playwright's
        # text locators skip <noscript>, so the paragraph inside is located by its tag.)
        notice = page.locator("noscript p")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("eine E-Mail mit einem Link")
        look_without_javascript("request-form-without-javascript")
        page.get_by_label("Ihr vollständiger Name").fill("Erika Mustermann")
        page.get_by_label("E-Mail-Adresse").fill(EMAIL)
        page.get_by_label("Ihre Meldeanschrift").fill("Markt 3\n12345 Musterstadt")
        page.get_by_label("Ihr Geburtsdatum").fill("30.06.1975")
        page.get_by_label("Ihr Geburtsort").fill("Köln")
        page.get_by_role("button", name="Antrag absenden").click()

        request = OnlineRequest.objects.get()
        assert request.confirmed_at is None
        expect(page.locator("h1")).to_have_text(f"Ihr Antrag {request.reference}")
        expect(page.get_by_role("status")).to_contain_text(
            f"Wir haben Ihnen eine E-Mail an {EMAIL} geschickt: Bestätigen Sie über den Link"
            " darin. Erst nach der Bestätigung bearbeiten wir Ihren Antrag."
        )
        look_without_javascript("request-unconfirmed")

        [confirm] = smtp_server.messages
        assert subject(confirm) == f"Bitte bestätigen Sie Ihren Antrag: {request.reference}"
        page.goto(link_in(confirm, "/antrag/"))
        expect(page.locator("main")).to_contain_text("Wartet auf Ihre Bestätigung")
        look_without_javascript("request-confirm")
        page.get_by_role("button", name="Antrag bestätigen").click()

        expect(page.get_by_role("status")).to_contain_text("Ihr Antrag ist eingegangen.")
        expect(page.locator("main")).to_contain_text("Eingegangen")
        expect(page.get_by_role("button", name="Antrag bestätigen")).to_have_count(0)
        look_without_javascript("request-confirmed")
        request.refresh_from_db()
        assert request.confirmed_at is not None
        receipt = smtp_server.messages[1]
        assert subject(receipt) == f"Wir haben Ihren Antrag erhalten: {request.reference}"
    finally:
        twin_context.close()
        context.close()


def test_citizen_past_the_request_limit_gets_a_page_that_explains_it(town, page, axe, monkeypatch):
    page.goto(f"{town.url}/antrag/neu/steuer-id/")
    # As if this connection had sent its ten forms already.
    rate = limits.Rate("online_request", posts=0, window_seconds=600)
    monkeypatch.setattr(limits, "ONLINE_REQUEST", rate)

    page.get_by_role("button", name="Antrag absenden").click()

    expect(page.locator("h1")).to_have_text("Zu viele Versuche")
    expect(page.get_by_role("main")).to_contain_text("es wurde nichts gespeichert")
    look(page, axe, "request-too-many")
    page.get_by_role("link", name="Zurück zum Formular").click()
    expect(page.get_by_role("button", name="Antrag absenden")).to_be_visible()
    assert not OnlineRequest.objects.exists()
