"""A citizen who lost the mail gets the manage link again from the start page, in Chromium."""

import pytest

from amtstermin.core import numbers
from tests.citizen.test_appointment import book
from tests.e2e.test_booking_browser import link_in, look, subject

pytestmark = pytest.mark.browser


def ask_for_the_link(page, url: str, reference: str, email: str) -> None:
    page.goto(url + "/")
    page.get_by_role("link", name="Link erneut anfordern").click()
    page.get_by_label("Vorgangsnummer").fill(reference)
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_role("button", name="Link senden").click()
    page.wait_for_url(url + "/termin/link-gesendet/")


def test_citizen_recovers_the_manage_link_and_a_wrong_pair_gets_the_same_page_and_no_mail(
    live_server, office, page, axe, smtp_server, settings
):
    settings.SITE_URL = live_server.url  # the link in the mail leads back to this server
    booked = book(office).appointment
    already = len(smtp_server.messages)  # the booked mail

    page.goto(live_server.url + "/")
    look(page, axe, "recover-start")
    page.goto(live_server.url + "/termin/verwalten/")
    look(page, axe, "recover-form")
    page.get_by_role("button", name="Link senden").click()
    assert page.title().startswith("Fehler:")
    look(page, axe, "recover-errors")

    ask_for_the_link(
        page,
        live_server.url,
        numbers.new_reference(),  # well-formed, held by nobody
        "erika@example.org",
    )
    assert page.locator("h1").inner_text() == "Bitte sehen Sie in Ihr E-Mail-Postfach"
    wrong_answer = page.locator("main").inner_text()
    ask_for_the_link(page, live_server.url, booked.reference, "mallory@example.org")
    assert page.locator("main").inner_text() == wrong_answer
    assert len(smtp_server.messages) == already

    ask_for_the_link(page, live_server.url, booked.reference.lower(), "erika@example.org")
    assert page.locator("main").inner_text() == wrong_answer
    look(page, axe, "recover-sent")
    [message] = smtp_server.messages[already:]
    assert message["To"] == "erika@example.org"
    assert subject(message).startswith("Der Link zu Ihrem Termin:")
    page.goto(link_in(message, "/termin/verwalten/"))
    assert page.locator("h1").inner_text() == "Ihr Termin"
    assert booked.reference in page.locator("main").inner_text()


def test_a_link_that_does_not_work_offers_to_send_it_again(live_server, page, axe):
    page.goto(live_server.url + "/termin/verwalten/kein-gueltiger-schluessel/")
    look(page, axe, "recover-not-found")
    page.get_by_role("link", name="Link erneut anfordern").click()
    assert page.locator("h1").inner_text() == "Termin verwalten"
