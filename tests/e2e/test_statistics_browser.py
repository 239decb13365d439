"""A team lead reads the statistics in Chromium: a day, then a week, a month and a year through
the switch, each beside the period before, then the year's CSV download. axe checks each page;
none scrolls sideways at 320 px (screenshots at 1280 and 320 px: E2E_SCREENSHOTS)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import booking, visits
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Counter, StaffMember
from tests import factories
from tests.e2e.test_booking_browser import PHONE, look
from tests.e2e.test_office_login_browser import log_in_with_password
from tests.office.logins import app_code, authenticator, user_for

pytestmark = pytest.mark.browser


def working_monday(location) -> date:
    """A Monday of the past (browser tests keep the real clock); it and the Monday before are
    no public holidays."""
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    while location.holidays_between(monday - timedelta(days=7), monday):
        monday -= timedelta(days=7)
    return monday


def on(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def serve_appointment(office, counter, day: date, hour: int, channel: str) -> None:
    with booking.without_mail():
        appointment = booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=on(day, hour),
            contact=booking.Contact(name="Erika Mustermann", email=f"e{hour}@example.org"),
            channel=channel,
            now=on(day, 7),
        ).appointment
    visits.check_in(appointment, now=on(day, hour - 1, 55))
    visits.finish(
        visits.call_next(office.clerk, counter, now=on(day, hour, 4)), now=on(day, hour, 21)
    )


@pytest.fixture
def lead(live_server, office):
    """Sabine Kowalski, team lead at the Bürgerbüro Mitte, after a Monday morning's visits
    (three appointments and a walk-in) and one appointment the Monday before."""
    member = factories.staff(
        department_=office.id_card.department,
        name="Sabine Kowalski",
        role=StaffMember.Role.TEAM_LEAD,
    )
    member.locations.set([office.location])
    counter = Counter.objects.create(location=office.location, name="3")
    monday = working_monday(office.location)
    for hour, channel in ((9, Channel.PHONE), (10, Channel.ONLINE), (11, Channel.DESK)):
        serve_appointment(office, counter, monday, hour, channel)
    visits.walk_in(office.location, [Item(office.registration)], now=on(monday, 9, 30))
    visits.finish(
        visits.call_next(office.clerk, counter, now=on(monday, 9, 35)), now=on(monday, 9, 50)
    )
    serve_appointment(office, counter, monday - timedelta(days=7), 9, Channel.PHONE)
    return type(
        "Lead",
        (),
        {"device": authenticator(user_for(member, username="skowalski")), "monday": monday},
    )


def no_sideways_scrolling(page) -> None:
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    page.set_viewport_size({"width": 1280, "height": 900})


def show(page, period: str) -> None:
    page.get_by_label(period, exact=True).check()
    page.get_by_role("button", name="Anzeigen").click()


def test_team_lead_reads_each_period_beside_the_one_before_and_downloads_the_csv(
    live_server, lead, page, axe
):
    monday = lead.monday
    log_in_with_password(page, live_server.url)
    page.get_by_label("Code").fill(app_code(lead.device))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")

    page.goto(live_server.url + f"/verwaltung/statistik/?day={monday.isoformat()}")
    expect(page.locator("h1")).to_have_text("Statistik Bürgerbüro Mitte")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Montag, ")
    bookings = page.get_by_role("table", name="Buchungen nach Kanal")
    expect(bookings.get_by_role("row", name="Gesamt")).to_contain_text("4")
    look(page, axe, "office-statistics-day")
    no_sideways_scrolling(page)

    show(page, "Woche")
    week = monday.isocalendar().week
    expect(page.get_by_role("heading", level=2).first).to_contain_text(f"Woche {week}:")
    # Four bookings against one the week before: the change is written out, not coloured.
    expect(page.get_by_text("Vorwoche: 1 (+300 %)")).to_be_visible()
    expect(page.get_by_role("table", name="Auslastung").get_by_role("row")).to_have_count(10)
    look(page, axe, "office-statistics-week")
    no_sideways_scrolling(page)

    show(page, "Monat")
    expect(page.get_by_role("heading", level=2).first).to_contain_text(str(monday.year))
    expect(page.get_by_role("table", name="Auslastung")).to_contain_text("Vormonat")
    look(page, axe, "office-statistics-month")
    no_sideways_scrolling(page)

    show(page, "Jahr")
    expect(page.get_by_role("heading", level=2).first).to_have_text(str(monday.year))
    # Twelve months, the total and the year before, under the header row.
    expect(page.get_by_role("table", name="Auslastung").get_by_role("row")).to_have_count(15)
    look(page, axe, "office-statistics-year")
    no_sideways_scrolling(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Kennzahlen als CSV herunterladen (Excel)").click()
    text = download.value.path().read_text(encoding="utf-8")
    assert text.startswith("\ufeffStandort;Von;Bis;Kennzahl;Detail;Wert;Vorperiode 01.01.")
    year = f"01.01.{monday.year};31.12.{monday.year}"
    bookings = 4 + ((monday - timedelta(days=7)).year == monday.year)
    assert f"Bürgerbüro Mitte;{year};Buchungen;gesamt;{bookings};" in text
