"""The wish-list in the office, in Chromium: a team lead takes a caller's wish by phone (no
email), sees the time offered to it in the list and books it for the caller; an urgent wish is
placed directly; the statistics page shows the wish-list. axe checks every page, none scrolls
sideways at 320 px (photographs at 1280 and 320 px: E2E_SCREENSHOTS=<folder>)."""

import re
from datetime import time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core.items import Item
from amtstermin.core.models import StaffMember, Wish
from amtstermin.core.wishes import store
from tests import factories
from tests.e2e.test_booking_browser import DESKTOP, PHONE, look
from tests.e2e.test_desk_booking_browser import log_in, next_monday
from tests.office.logins import authenticator, user_for

pytestmark = pytest.mark.browser


@pytest.fixture
def lead(live_server, office):
    member = factories.sabine(office, StaffMember.Role.TEAM_LEAD)
    return member, authenticator(user_for(member, username="skowalski"))


def fits_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(DESKTOP)
    assert width <= PHONE["width"], f"{page.url} is {width} px wide at 320 px"


def test_a_lead_takes_a_wish_by_phone_books_its_offer_and_places_an_urgent_one(
    live_server, office, lead, page, axe
):
    member, device = lead
    monday = next_monday()
    # Someone already waits, urgently, for a Sunday (the office is closed then).
    store.leave_for_caller(
        items=[Item(office.id_card)],
        wanted=store.Wanted(locations=[office.location], latest_date=monday, weekdays=0b1000000),
        wisher=store.Wisher("Paul Eilig", "", "0171 555666"),
        staff=member,
        now=timezone.now(),
        urgent_reason="Reise nach Kanada am Montag, Pass abgelaufen",
    )
    log_in(page, live_server.url, device)
    page.get_by_role("link", name="Wunsch telefonisch aufnehmen").click()
    expect(page.locator("h1")).to_contain_text("Wunsch telefonisch aufnehmen")
    look(page, axe, "wishoffice-leave")
    fits_a_phone(page)

    page.get_by_role("button", name="Wunsch speichern").click()
    expect(page).to_have_title(re.compile("^Fehler:"))
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Wählen Sie mindestens eine Dienstleistung")
    expect(summary).to_contain_text("Geben Sie eine Telefonnummer oder eine E-Mail-Adresse an.")
    look(page, axe, "wishoffice-leave-errors")

    page.get_by_label("Personalausweis").fill("1")
    for day in ("Dienstag", "Mittwoch", "Donnerstag", "Freitag"):
        page.get_by_label(day).uncheck()
    page.get_by_label("Nicht vor (freiwillig)").fill("09:00")
    page.get_by_label("Fertig bis (freiwillig)").fill("10:00")
    page.get_by_label("Spätester Tag").fill(monday.isoformat())
    page.get_by_label("Vor- und Nachname").fill("Karl Anrufer")
    page.get_by_label("Telefonnummer").fill("02381 123456")
    page.get_by_role("button", name="Wunsch speichern").click()

    expect(page.locator("h1")).to_have_text("Wunschliste")
    expect(page.get_by_role("status")).to_contain_text("steht in der Warteschlange")
    wish = Wish.objects.get(name="Karl Anrufer")
    card = page.locator(".amt-wish", has_text=wish.reference)
    expect(card).to_contain_text("Angeboten:")
    expect(card).to_contain_text("09:00")
    urgent = page.locator(".amt-wish--urgent")
    expect(urgent).to_contain_text("Dringend")
    look(page, axe, "wishoffice-list")
    fits_a_phone(page)

    card.get_by_role("button", name="Zusage: buchen").click()
    expect(page.locator("h1")).to_have_text("Termin gebucht")
    expect(page.locator(".amt-desk-facts")).to_contain_text("09:00")

    page.goto(f"{live_server.url}/verwaltung/wuensche/?urgent=on")
    page.get_by_role("link", name=re.compile("direkt einbuchen")).click()
    expect(page.locator("h1")).to_contain_text("direkt einbuchen")
    look(page, axe, "wishoffice-place")
    fits_a_phone(page)
    page.get_by_role("group", name="Nächste freie Zeiten (telefonisch)").get_by_role(
        "radio"
    ).first.check()
    page.get_by_role("button", name="Diese Zeit buchen").click()
    expect(page.locator("h1")).to_have_text("Termin gebucht")
    expect(page.get_by_role("status")).to_contain_text("direkt eingebucht")

    page.goto(
        f"{live_server.url}/verwaltung/statistik/{office.location.pk}/"
        f"?period=week&day={timezone.localdate().isoformat()}"
    )
    section = page.locator("section", has=page.get_by_role("heading", name="Wunschliste"))
    expect(section).to_contain_text("Personalausweis")
    section.scroll_into_view_if_needed()
    look(page, axe, "wishoffice-statistics")
    fits_a_phone(page)
    assert Wish.objects.filter(status=Wish.Status.FULFILLED).count() == 2
    assert time(9) <= wish.offers.get().appointment.start.astimezone(office.location.zone).time()
