"""The wish-list in Chromium without JavaScript: a citizen finds no time that fits, leaves a
wish, confirms it through the link mailed to a real SMTP server (aiosmtpd); a booked time is
cancelled, the minute job offers it to the wish, the offer arrives by mail, the citizen accepts
it and sees the appointment with its reference and waiting number.

axe checks every new page, none scrolls sideways at 320 px, and with E2E_SCREENSHOTS set each
is photographed at 1280 and 320 px (wish-*.png) for a person to look at.
"""

import os
import re
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Status, Wish, WishOffer
from amtstermin.core.wishes import rounds
from tests import factories
from tests.e2e.test_booking_browser import DESKTOP, PHONE, subject
from tests.fixtures.clock import working_monday

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("E2E_SCREENSHOTS")
EMAIL = "erika@example.org"


@pytest.fixture
def town(transactional_db, live_server, settings):
    """One office, Monday to Friday 8 to 12; on a Monday ahead, 09:00 and 09:15 are booked."""
    settings.SITE_URL = live_server.url  # the links in the mails lead back to this server
    where = factories.location(name="Bürgerbüro Mitte", street="Marktplatz 1")
    id_card = factories.service(
        name="Personalausweis",
        locations=[where],
        duration_minutes=15,
        documents=[("biometrisches Passfoto", "per_unit")],
    )
    factories.roster(factories.staff(skills=[id_card]), where)
    monday = working_monday(days_ahead=3)
    # Every Monday up to that one full from 09:00 to 09:30: only a cancellation frees a time.
    mondays = [monday - timedelta(days=7 * weeks) for weeks in range(3)]
    taken = [
        booking.book(
            location=where,
            items=[Item(id_card)],
            start=datetime.combine(day, time(hour, minute), where.zone),
            contact=booking.Contact(f"Bürger {hour}{minute}", f"b{hour}{minute}@example.org"),
            channel=Channel.PHONE,
            now=timezone.now(),
        )
        for day in mondays
        if day > timezone.localdate()
        for hour, minute in ((9, 0), (9, 15))
    ]
    return type(
        "Town",
        (),
        {"url": live_server.url, "where": where, "monday": monday, "taken": taken},
    )


def mailed_link(message, kind: str) -> str:
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"https?://\S+?/termin/wunsch/[^\s/]+/{kind}/", text)
    assert found, f"no link to {kind} in:\n{text}"
    return found.group(0)


def check(page, axe, name: str) -> None:
    """axe finds nothing; no sideways scroll at 320 px; photographed at 1280 and 320 px."""
    axe(page)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        width = page.evaluate(
            "({scroll: document.documentElement.scrollWidth,"
            " client: document.documentElement.clientWidth})"
        )
        assert width["scroll"] <= width["client"], f"{name} at {size['width']} px: {width}"
        if SHOTS:
            shot = Path(SHOTS) / f"wish-{name}-{size['width']}.png"
            page.screenshot(path=shot, full_page=True)
    page.set_viewport_size(DESKTOP)


def test_without_javascript_a_wish_is_left_confirmed_offered_and_accepted(
    town, browser, page, axe, smtp_server
):
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=DESKTOP)
    citizen = context.new_page()
    try:
        citizen.goto(f"{town.url}/termin/")
        citizen.get_by_label("Personalausweis", exact=True).fill("1")
        citizen.get_by_role("button", name="Weiter").click()
        citizen.get_by_role("link", name="Keine passende Zeit? Auf die Wunschliste").click()

        expect(citizen.locator("h1")).to_have_text("Auf die Wunschliste")
        expect(citizen.get_by_role("main")).to_contain_text("1 × Personalausweis")
        expect(citizen.locator("noscript p")).to_contain_text("Ohne JavaScript")
        for day in ("Dienstag", "Mittwoch", "Donnerstag", "Freitag"):
            citizen.get_by_label(day, exact=True).uncheck()
        citizen.get_by_label("Nicht vor (freiwillig)").fill("09:00")
        citizen.get_by_label("Fertig bis (freiwillig)").fill("09:30")
        citizen.get_by_label("Spätester passender Tag").fill(town.monday.isoformat())
        citizen.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
        citizen.get_by_label("E-Mail-Adresse").fill(EMAIL)
        citizen.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
        citizen.get_by_role("button", name="Auf die Wunschliste").click()

        expect(citizen.locator("h1")).to_have_text("Bitte sehen Sie in Ihr E-Mail-Postfach")
        expect(citizen.get_by_role("main")).to_contain_text(EMAIL)
        wish = Wish.objects.get()
        assert wish.weekdays == 0b1 and wish.status == Wish.Status.UNVERIFIED
        [request] = smtp_server.messages
        assert subject(request).startswith("Bitte bestätigen Sie Ihren Terminwunsch")

        verify = mailed_link(request, "bestaetigen")
        citizen.goto(verify)
        expect(citizen.locator("h1")).to_have_text("Bitte bestätigen Sie Ihren Wunsch")
        citizen.get_by_role("button", name="Wunsch bestätigen").click()
        expect(citizen.locator(".amt-status")).to_contain_text(
            "Ihr Wunsch steht auf der Wunschliste."
        )
        wish.refresh_from_db()
        assert wish.status == Wish.Status.WAITING
        status_url = citizen.url

        # 09:00 is cancelled; the minute job offers it to the wish before anyone online sees it.
        with booking.without_mail():
            booking.cancel(
                appointment=town.taken[0].appointment, now=timezone.now(), channel=Channel.PHONE
            )
        rounds.tend(now=timezone.now())
        offer_mail = smtp_server.messages[-1]
        assert subject(offer_mail).startswith("Eine Zeit ist für Sie reserviert")
        citizen.goto(mailed_link(offer_mail, "angebot"))
        expect(citizen.locator("h1")).to_have_text("Eine Zeit ist für Sie reserviert")
        main = citizen.get_by_role("main")
        expect(main).to_contain_text("09:00")
        expect(main).to_contain_text("Marktplatz 1")
        expect(main).to_contain_text("biometrisches Passfoto")
        offer_url = citizen.url

        # The pages as a browser with JavaScript shows them: axe, width, photographs.
        page.goto(f"{town.url}/termin/wunsch/?dienst={wish.items.get().service_id}")
        check(page, axe, "leave")
        page.get_by_role("button", name="Auf die Wunschliste").click()
        expect(page).to_have_title(re.compile("^Fehler:"))
        check(page, axe, "leave-errors")
        page.goto(verify)  # verified already: shows the wish page
        check(page, axe, "status-offered")
        page.goto(offer_url)
        check(page, axe, "offer")

        citizen.get_by_role("button", name="Annehmen und diese Zeit buchen").click()
        offer = WishOffer.objects.get()
        appointment = offer.appointment
        appointment.refresh_from_db()
        assert appointment.status == Status.BOOKED
        main = citizen.get_by_role("main")
        expect(main).to_contain_text(appointment.reference)
        expect(main).to_contain_text(appointment.waiting_number)
        assert "/termin/verwalten/" in citizen.url
        booked = smtp_server.messages[-1]
        assert subject(booked).startswith("Ihr Termin ist gebucht")

        page.goto(offer_url)  # answered: nothing open any more
        expect(page.locator("h1")).to_have_text("Zurzeit ist kein Angebot offen")
        check(page, axe, "offer-none")
        page.goto(status_url)
        expect(page.get_by_role("main")).to_contain_text("Ihr Termin ist gebucht")
        check(page, axe, "status-fulfilled")
    finally:
        context.close()


def test_the_sent_verify_and_gone_pages_pass_axe(town, page, axe, smtp_server):
    """With JavaScript (the proof of work solved by the widget): the "check your mail" page,
    the confirmation page, the wish page with its cancel button, and an answered offer."""
    service = town.where.services.get()
    page.goto(f"{town.url}/termin/wunsch/?dienst={service.pk}")
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()
    page.locator("altcha-widget label").click()
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile("."))
    page.get_by_role("button", name="Auf die Wunschliste").click()
    expect(page.locator("h1")).to_have_text("Bitte sehen Sie in Ihr E-Mail-Postfach")
    check(page, axe, "sent")
    page.goto(mailed_link(smtp_server.messages[-1], "bestaetigen"))
    check(page, axe, "verify")
    page.get_by_role("button", name="Wunsch bestätigen").click()
    wish = Wish.objects.get()
    if wish.status == Wish.Status.OFFERED:  # a time fitted at once
        page.goto(page.url + "angebot/")
        page.get_by_role("button", name="Diese Zeit ablehnen").click()
        expect(page.locator(".amt-status")).to_contain_text("Sie haben die Zeit abgelehnt.")
    check(page, axe, "status-waiting")
    page.get_by_role("button", name="Wunsch von der Wunschliste nehmen").click()
    expect(page.locator(".amt-status")).to_contain_text("Ihr Wunsch ist zurückgenommen.")
    check(page, axe, "status-cancelled")
