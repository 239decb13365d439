"""A NUL byte in an address gets the site's 400 page: framed, in German, and accessible."""

import pytest

from tests.e2e.test_booking_browser import look

pytestmark = pytest.mark.browser


def test_a_visitor_with_a_broken_address_reads_why_and_finds_the_way_back(
    transactional_db, live_server, page, axe
):
    response = page.goto(f"{live_server.url}/dienstleistungen/?q=Perso%00")
    assert response.status == 400
    assert page.title().startswith("Fehler: ungültige Anfrage")
    look(page, axe, "bad-request")
    page.get_by_role("link", name="Zur Startseite").click()
    assert page.url == f"{live_server.url}/"
