"""A clerk finds appointments by reference and by name on another day, moves one through the
calendar, cancels another with a reason (the citizen's mail arrives on a real SMTP server) and
corrects a phone number; every action is in the history with the clerk's name. axe checks every
page (screenshots at 1280 and 320 px: E2E_SCREENSHOTS=<folder>)."""

import re
from datetime import datetime, time

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel
from tests.e2e.test_booking_browser import look
from tests.e2e.test_desk_booking_browser import clerk, log_in, next_monday

pytestmark = pytest.mark.browser
__all__ = ["clerk"]  # the fixture, imported for its name


def book(office, name: str, hour: int, email: str) -> Appointment:
    start = datetime.combine(next_monday(), time(hour), tzinfo=office.location.zone)
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact(name=name, email=email, phone="02381 123456"),
        channel=Channel.PHONE,
        now=timezone.now(),
    ).appointment


def find(page, url: str, text: str) -> None:
    page.goto(url + "/verwaltung/")
    page.get_by_role("link", name="Termin suchen").click()
    page.get_by_label("Vorgangsnummer, Name, E-Mail oder Telefon").fill(text)
    page.get_by_role("button", name="Suchen").click()


def history(page):
    return page.get_by_role("region", name="Verlauf")


def test_clerk_finds_moves_cancels_and_corrects_appointments(
    live_server, office, clerk, page, axe, smtp_server
):
    erika = book(office, "Erika Mustermann", 9, "erika@example.org")
    max_ = book(office, "Max Beispiel", 10, "max@example.org")
    log_in(page, live_server.url, clerk)

    find(page, live_server.url, erika.reference)
    expect(page.get_by_role("heading", name="1 Termin gefunden")).to_be_visible()
    look(page, axe, "appointments-search")
    page.get_by_role("link", name="Erika Mustermann").click()
    expect(page.locator("h1")).to_have_text("Termin von Erika Mustermann")
    look(page, axe, "appointment")

    page.get_by_role("link", name="Verschieben").click()
    expect(page.locator("h1")).to_have_text("Termin verschieben")
    look(page, axe, "appointment-move-calendar")
    page.get_by_role("link", name=re.compile("^Erster freier Tag")).click()
    times = page.get_by_role("group", name=re.compile("^Neue Uhrzeit am"))
    look(page, axe, "appointment-move-times")
    times.get_by_role("radio").first.check()
    page.get_by_role("button", name="Auf diese Uhrzeit verschieben").click()
    expect(page.get_by_role("status")).to_contain_text("Der Termin wurde verschoben.")
    expect(history(page)).to_contain_text(re.compile(r"Verschoben von .* \(Sabine Kowalski\)"))
    erika.refresh_from_db()
    assert erika.start != datetime.combine(next_monday(), time(9), tzinfo=office.location.zone)

    page.get_by_role("link", name="Kontaktdaten bearbeiten").click()
    look(page, axe, "appointment-contact")
    page.get_by_label("Telefonnummer (freiwillig)").fill("0171 5550199")
    page.get_by_role("button", name="Speichern").click()
    expect(page.locator("main")).to_contain_text("0171 5550199")
    expect(history(page)).to_contain_text("Kontaktdaten geändert: Telefon (Sabine Kowalski)")
    look(page, axe, "appointment-history")

    find(page, live_server.url, "Beispiel")  # next week, not today
    page.get_by_role("link", name="Max Beispiel").click()
    page.get_by_role("link", name="Absagen").click()
    page.get_by_role("button", name="Termin absagen").click()  # no reason yet
    expect(page).to_have_title(re.compile("^Fehler:"))
    look(page, axe, "appointment-cancel-error")
    page.get_by_label("Grund für die Bürgerin oder den Bürger").fill(
        "Das Amt bleibt wegen eines Wasserschadens geschlossen."
    )
    page.get_by_role("button", name="Termin absagen").click()
    expect(page.get_by_role("status")).to_contain_text("Der Termin wurde abgesagt.")
    expect(history(page)).to_contain_text(
        "Abgesagt, Grund: Das Amt bleibt wegen eines Wasserschadens geschlossen. (Sabine Kowalski)"
    )

    # A non-ASCII subject ("März") is folded after "Subject:", which leaves a leading space.
    subjects = {(m["To"], m["Subject"].split(":")[0].strip()): m for m in smtp_server.messages}
    assert (erika.email, "Ihr Termin wurde verschoben") in subjects
    cancelled = subjects[(max_.email, "Ihr Termin wurde abgesagt")]
    text = cancelled.get_body(preferencelist=("plain",)).get_content()
    assert "Grund: Das Amt bleibt wegen eines Wasserschadens geschlossen." in text
