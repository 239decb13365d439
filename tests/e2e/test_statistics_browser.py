"""A team lead reads the statistics in Chromium: a day, then the week through the switch, then the
CSV download. axe checks each page (screenshots at 1280 and 390 px: E2E_SCREENSHOTS)."""

import pytest
from playwright.sync_api import expect

from amtstermin.core import booking, visits
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Counter, StaffMember
from tests import factories
from tests.conftest import berlin
from tests.e2e.test_booking_browser import look
from tests.e2e.test_office_login_browser import log_in_with_password
from tests.office.logins import app_code, authenticator, user_for

pytestmark = pytest.mark.browser


def at(hour: int, minute: int = 0):
    return berlin(2026, 12, 7, hour, minute)


@pytest.fixture
def lead(live_server, office):
    """Sabine Kowalski, team lead at the Bürgerbüro Mitte, after a Monday morning's visits."""
    member = factories.staff(
        department_=office.id_card.department,
        name="Sabine Kowalski",
        role=StaffMember.Role.TEAM_LEAD,
    )
    member.locations.set([office.location])
    counter = Counter.objects.create(location=office.location, name="3")
    with booking.without_mail():
        for hour, channel in ((9, Channel.PHONE), (10, Channel.ONLINE), (11, Channel.DESK)):
            appointment = booking.book(
                location=office.location,
                items=[Item(office.id_card)],
                start=at(hour),
                contact=booking.Contact(name="Erika Mustermann", email=f"e{hour}@example.org"),
                channel=channel,
                now=at(7),
            ).appointment
            visits.check_in(appointment, now=at(hour - 1, 55))
            called = visits.call_next(office.clerk, counter, now=at(hour, 4))
            visits.finish(called, now=at(hour, 21))
    visits.walk_in(office.location, [Item(office.registration)], now=at(9, 30))
    visits.finish(visits.call_next(office.clerk, counter, now=at(9, 35)), now=at(9, 50))
    return authenticator(user_for(member, username="skowalski"))


def test_team_lead_reads_a_day_and_a_week_and_downloads_the_csv(live_server, lead, page, axe):
    log_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill(app_code(lead))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")

    page.goto(live_server.url + "/verwaltung/statistik/?day=2026-12-07")
    expect(page.locator("h1")).to_have_text("Statistik Bürgerbüro Mitte")
    expect(page.get_by_role("heading", level=2).first).to_have_text("Montag, 7. Dezember 2026")
    bookings = page.get_by_role("table", name="Buchungen nach Kanal")
    expect(bookings.get_by_role("row", name="Gesamt")).to_contain_text("4")
    look(page, axe, "office-statistics-day")

    page.get_by_label("Woche").check()
    page.get_by_role("button", name="Anzeigen").click()
    expect(page.get_by_role("heading", level=2).first).to_have_text(
        "Woche 50: 07.12. bis 13.12.2026"
    )
    expect(page.get_by_role("table", name="Auslastung").get_by_role("row")).to_have_count(8)
    look(page, axe, "office-statistics-week")

    with page.expect_download() as download:
        page.get_by_role("link", name="Kennzahlen als CSV herunterladen (Excel)").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeffStandort;Von;Bis;Kennzahl;Detail;Wert")
    assert "Bürgerbüro Mitte;07.12.2026;13.12.2026;Buchungen;gesamt;4" in text
