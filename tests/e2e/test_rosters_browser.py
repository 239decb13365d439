"""A team lead records a sickness in Chromium: the week, the form (first with a mistake), the
preview naming the citizen who must move, and the saved week listing her. axe checks each page
(screenshots at 1280 and 390 px: E2E_SCREENSHOTS)."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Channel, StaffMember
from tests import factories
from tests.e2e.test_booking_browser import look
from tests.e2e.test_office_login_browser import log_in_with_password
from tests.office.logins import app_code, authenticator, user_for
from tests.office.test_rosters_pages import at, monday

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(live_server, office):
    """Sabine Kowalski, team lead at the Bürgerbüro Mitte, where Erika is booked next Monday."""
    member = factories.sabine(office, StaffMember.Role.TEAM_LEAD)
    factories.roster(office.clerk, office.location, weekdays=[5], online_bookable=False)
    booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=at(monday(), 9, 30),
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.PHONE,
        now=timezone.now(),
    )
    return authenticator(user_for(member, username="skowalski"))


def test_team_lead_records_a_sickness_and_sees_whom_it_hits(live_server, lead, office, page, axe):
    log_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill(app_code(lead))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")

    page.goto(live_server.url + "/verwaltung/dienstplan/")
    expect(page.locator("h1")).to_have_text("Dienstplan – Bürgerbüro Mitte")
    week = page.get_by_role("region", name="Wochenplan", exact=True)
    expect(week.get_by_role("row", name=office.clerk.name)).to_contain_text("zurückgehalten")
    look(page, axe, "office-rosters-week")

    page.get_by_role("link", name="Dienstplanblock hinzufügen").click()
    expect(page.locator("h1")).to_have_text("Neuer Dienstplanblock")
    look(page, axe, "office-rosters-block")
    page.get_by_role("link", name="Zurück zum Dienstplan").click()

    page.get_by_role("link", name="Abwesenheit eintragen").click()
    expect(page.locator("h1")).to_have_text("Abwesenheit eintragen")
    page.get_by_label("Sachbearbeitung").select_option(label=office.clerk.name)
    page.get_by_label("Grund").select_option(label="Krankheit")
    page.get_by_label("Erster Tag").fill(monday().isoformat())
    page.get_by_role("button", name="Auswirkungen prüfen").click()
    expect(page).to_have_title("Fehler: Abwesenheit eintragen – Bürgerbüro Mitte – Verwaltung")
    expect(page.get_by_role("alert")).to_contain_text("Dieses Feld ist zwingend erforderlich.")
    look(page, axe, "office-rosters-absence-error")

    page.get_by_label("Letzter Tag").fill(monday().isoformat())
    page.get_by_role("button", name="Auswirkungen prüfen").click()
    expect(page.locator("h1")).to_have_text("Prüfen: Abwesenheit eintragen")
    hit = page.get_by_role("region", name="Termine, die eine neue Zeit brauchen", exact=True)
    expect(hit).to_contain_text("Erika Mustermann")
    expect(page.get_by_role("region", name="Freie Online-Zeit", exact=True)).to_contain_text(
        "−225 Min."
    )
    look(page, axe, "office-rosters-preview")
    assert not Absence.objects.exists()

    page.get_by_role("button", name="Änderung speichern").click()
    expect(page.locator("h1")).to_have_text("Dienstplan – Bürgerbüro Mitte")
    expect(page.get_by_role("status")).to_contain_text("1 Termin braucht eine neue Zeit")
    waiting = page.get_by_role("region", name="Termine, die eine neue Zeit brauchen", exact=True)
    expect(waiting).to_contain_text("Erika Mustermann")
    expect(page.get_by_role("listitem").filter(has_text="Krankheit")).to_have_count(1)
    look(page, axe, "office-rosters-saved")
