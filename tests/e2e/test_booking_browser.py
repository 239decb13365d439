"""A citizen books at the town hall in Chromium: with the mouse, with the keyboard alone and
without JavaScript, then confirms, moves and cancels through the links mailed to a real SMTP
server.

axe checks every page a citizen sees, error pages included. With E2E_SCREENSHOTS=<folder> each
of those pages is also saved at desktop (1280 px) and phone (390 px) width, for a person to look
at; CI leaves it unset.
"""

import os
import re
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from amtstermin.core import booking, limits
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Service
from tests import factories

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 320, "height": 640}  # the narrowest phone WCAG reflow asks for
EMAIL = "erika@example.org"
# A free day in the calendar as a screen reader reads it ("Donnerstag, 26. November, 9 freie
# Zeiten"); "Zeiten", not "Zeit": at least two, so a booked day still offers another time.
# Playwright runs it as a JavaScript regex, where \w is ASCII only: "März" would never match.
FREE_DAY = re.compile(r"^[^,]+, \d{1,2}\. [^,]+, \d+ freie Zeiten$")
TIME = re.compile(r"^\d\d:\d\d$")


@pytest.fixture
def town(transactional_db, live_server, settings):
    """Two offices offering both services: Mitte asks for email confirmation, Nord does not."""
    settings.SITE_URL = live_server.url  # the links in the mails lead back to this server
    registry = factories.department(name="Einwohnermeldewesen")
    # A day's notice: the times the tests pick cannot slip into the past while they run.
    notice = {"min_notice_minutes": 24 * 60, "phone": "02151 86-0"}
    centre = factories.location(
        name="Bürgerbüro Mitte", street="Marktplatz 1", requires_email_confirmation=True, **notice
    )
    north = factories.location(name="Bürgerbüro Nord", street="Nordring 5", **notice)
    id_card = factories.service(
        name="Personalausweis",
        description="Für alle ab 16 Jahren mit Wohnsitz in Musterstadt.",
        life_situation="Ausweise und Reisen",
        department=registry,
        locations=[centre, north],
        duration_minutes=15,
        additional_minutes=10,
        fee=Decimal("37.00"),
        documents=[("biometrisches Passfoto", "per_unit")],
    )
    registration = factories.service(
        name="Anmeldung einer Wohnung",
        life_situation="Umzug",
        department=registry,
        locations=[centre, north],
        max_quantity=1,
        fee=Decimal("0.00"),
        documents=[("Wohnungsgeberbestätigung", "once")],
    )
    factories.service(
        name="Melderegisterauskunft",
        description="Auskunft über die Anschrift einer Person.",
        department=registry,
        mode=Service.Mode.ONLINE_REQUEST,
    )
    for where in (centre, north):
        clerk = factories.staff(skills=[id_card, registration])
        factories.roster(clerk, where)  # Monday to Friday, 8 to 12
        factories.roster(clerk, where, weekdays=[3], start=time(14), end=time(18))
    return type(
        "Town", (), {"url": live_server.url, "centre": centre, "north": north, "id_card": id_card}
    )


@pytest.fixture
def trouble(page) -> list[str]:
    """What went wrong beneath the page: script errors, any part of it that failed to load, and
    anything the Content-Security-Policy refused (Chromium enforces it and says so here).

    The page's own status is left out: a 422 or 409 answer is what some steps are meant to get.
    """
    found: list[str] = []

    def console(message):
        refused = "Content Security Policy" in message.text
        if message.type == "error" and (message.location["url"] != page.url or refused):
            found.append(f"{message.text} ({message.location['url']})")

    page.on("console", console)
    page.on("pageerror", lambda error: found.append(f"script: {error}"))
    return found


def look(page, axe, name: str) -> None:
    """axe finds nothing on the page as it is now; photographed if screenshots are asked for."""
    axe(page)
    photograph(page, name)


def photograph(page, name: str) -> None:
    if not SCREENSHOTS:
        return
    folder = Path(SCREENSHOTS)
    folder.mkdir(parents=True, exist_ok=True)
    for size in (DESKTOP, PHONE):
        page.set_viewport_size(size)
        page.evaluate("document.fonts.ready.then(() => true)")
        page.screenshot(path=folder / f"{name}-{size['width']}.png", full_page=True)
    page.set_viewport_size(DESKTOP)


def press_continue(page) -> None:
    page.get_by_role("button", name="Weiter").click()


def choose_services(page) -> None:
    """2 × Personalausweis and 1 × Anmeldung; the running total follows (htmx, when it runs)."""
    page.get_by_label("Personalausweis", exact=True).fill("2")
    page.get_by_label("Anmeldung einer Wohnung").fill("1")


def solve_altcha(page) -> None:
    """Start the proof of work through the widget's label and wait until it filled the field."""
    page.locator("altcha-widget label").click()
    wait_until_solved(page)


def wait_until_solved(page) -> None:
    # A locator, not wait_for_function: that evaluates a string, which the page's CSP forbids.
    expect(page.locator("input[name=altcha]")).to_have_value(re.compile("."))


def enter_contact(page, *, email: str = EMAIL) -> None:
    page.get_by_label("Vor- und Nachname").fill("Erika Mustermann")
    page.get_by_label("E-Mail-Adresse").fill(email)
    page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False).check()


def offered_start(button_or_link) -> datetime:
    """The start a time button posts, or a move link carries in ?beginn=, as an aware datetime."""
    value = button_or_link.get_attribute("value")
    if value is None:
        value = parse_qs(urlsplit(button_or_link.get_attribute("href")).query)["beginn"][0]
    return datetime.fromisoformat(value)


def link_in(message, path: str) -> str:
    """The absolute link to `path` (e.g. "/termin/bestaetigen/") in the mail's plain text."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    found = re.search(rf"https?://\S+?{re.escape(path)}[^\s/]+/", text)
    assert found, f"no link to {path} in:\n{text}"
    return found.group(0)


def subject(message) -> str:
    # Python's parser keeps the space before a folded encoded header's first line.
    return str(message["Subject"]).strip()


def calendar_event(message):
    """The mail's .ics attachment, parsed: (calendar, its one event)."""
    [attachment] = [
        part for part in message.iter_attachments() if part.get_content_type() == "text/calendar"
    ]
    calendar = Calendar.from_ical(attachment.get_content())
    [event] = calendar.walk("VEVENT")
    return calendar, event


def assert_starts_at(event, start: datetime) -> None:
    """DTSTART is the chosen moment, written as Berlin wall-clock time (TZID=Europe/Berlin)."""
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert event.decoded("DTSTART") == start
    assert event.decoded("DTSTART").strftime("%H:%M") == start.strftime("%H:%M")


def tab_to(page, target, *, limit: int = 60) -> None:
    """Press Tab until `target` has the focus, as a keyboard user does, and see the focus shown."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError(f"{limit} presses of Tab never reached {target}")
    outline = target.evaluate(
        "element => { const s = getComputedStyle(element);"
        " return s.outlineStyle === 'none' ? 0 : parseFloat(s.outlineWidth); }"
    )
    assert outline >= 2, f"no visible focus outline on {target}"


def test_citizen_books_confirms_moves_and_cancels_with_mails_and_calendar(
    town, page, axe, smtp_server, trouble
):
    page.goto(f"{town.url}/termin/")
    look(page, axe, "01-services")
    page.get_by_label("Dienstleistungen suchen").fill("Umzug")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("status")).to_contain_text("1 Dienstleistung für „Umzug“ gefunden")
    look(page, axe, "02-services-search")
    page.get_by_role("link", name="Alle Dienstleistungen anzeigen").click()

    page.get_by_label("Personalausweis", exact=True).fill("4")
    press_continue(page)
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.get_by_role("alert")).to_contain_text("höchstens 3-mal pro Termin")
    look(page, axe, "03-services-error")

    choose_services(page)
    selection = page.get_by_role("complementary", name="Ihre Auswahl")
    expect(selection).to_contain_text("2 × Personalausweis")
    expect(selection).to_contain_text("1 × Anmeldung einer Wohnung")
    expect(selection).to_contain_text("74,00 €")
    look(page, axe, "04-services-chosen")
    press_continue(page)

    expect(page.get_by_text("Schritt 2 von 6")).to_be_visible()  # two offices offer both
    look(page, axe, "05-location")
    press_continue(page)  # without choosing one
    expect(page).to_have_title(re.compile("^Fehler:"))
    look(page, axe, "06-location-error")
    page.get_by_label("Bürgerbüro Mitte", exact=False).check()
    press_continue(page)

    look(page, axe, "07-day")
    page.goto(f"{town.url}/termin/zeit/?tag=2000-01-03")  # a day long gone, typed by hand
    expect(page).to_have_title(re.compile("^Fehler:"))
    look(page, axe, "08-day-error")
    page.get_by_role("link", name=FREE_DAY).first.click()

    look(page, axe, "09-time")
    chosen = page.get_by_role("main").get_by_role("button", name=TIME).first
    start = offered_start(chosen)
    assert chosen.inner_text() == start.strftime("%H:%M")  # the calendar file must say the same
    chosen.click()

    look(page, axe, "10-contact")
    press_continue(page)  # nothing entered
    expect(page).to_have_title(re.compile("^Fehler:"))
    expect(page.get_by_role("alert")).to_contain_text("Geben Sie Ihren Vor- und Nachnamen ein")
    look(page, axe, "11-contact-errors")
    enter_contact(page, email="erika@gmial.com")
    solve_altcha(page)
    look(page, axe, "12-contact-solved")
    press_continue(page)
    expect(page.get_by_role("alert")).to_contain_text("erika@gmail.com")  # did you mean …?
    look(page, axe, "13-contact-hint")
    page.get_by_label("E-Mail-Adresse").fill(EMAIL)
    press_continue(page)

    review = page.get_by_role("main")
    for fact in (
        "2 × Personalausweis",
        "1 × Anmeldung einer Wohnung",
        start.strftime("%H:%M"),
        "Bürgerbüro Mitte",
        "2 × biometrisches Passfoto",
        "1 × Wohnungsgeberbestätigung",
        EMAIL,
    ):
        expect(review).to_contain_text(fact)
    look(page, axe, "14-review")
    page.get_by_role("button", name="Verbindlich buchen").click()

    # Mitte asks every online booking to be confirmed through the emailed link.
    expect(page.get_by_role("heading", name="Noch nicht bestätigt")).to_be_visible()
    look(page, axe, "15-reserved")
    [request] = smtp_server.messages
    assert request["To"] == EMAIL
    assert subject(request).startswith("Bitte bestätigen Sie Ihren Termin")
    page.goto(link_in(request, "/termin/bestaetigen/"))
    look(page, axe, "16-confirm")
    page.get_by_role("button", name="Termin bestätigen").click()
    expect(page.get_by_role("heading", name="Gebucht", exact=True)).to_be_visible()
    look(page, axe, "17-booked")

    booked = smtp_server.messages[1]
    assert subject(booked).startswith("Ihr Termin ist gebucht")
    calendar, event = calendar_event(booked)
    assert (calendar["METHOD"], event["STATUS"]) == ("PUBLISH", "CONFIRMED")
    assert_starts_at(event, start)

    page.goto(link_in(booked, "/termin/verwalten/"))
    page.get_by_role("link", name="Termin verschieben").click()
    look(page, axe, "18-move-day")
    page.get_by_role("link", name=FREE_DAY).first.click()
    look(page, axe, "19-move-time")
    later = page.get_by_role("main").get_by_role("link", name=TIME).last
    new_start = offered_start(later)
    assert new_start != start
    later.click()
    look(page, axe, "20-move-confirm")
    page.get_by_role("button", name="Termin verschieben").click()
    expect(page.get_by_role("status")).to_contain_text("Ihr Termin wurde verschoben")
    look(page, axe, "21-moved")

    moved = smtp_server.messages[2]
    assert subject(moved).startswith("Ihr Termin wurde verschoben")
    _calendar, moved_event = calendar_event(moved)
    assert moved_event["UID"] == event["UID"]
    assert moved_event["SEQUENCE"] > event["SEQUENCE"]
    assert_starts_at(moved_event, new_start)

    page.get_by_role("link", name="Termin absagen").click()
    look(page, axe, "22-cancel")
    page.get_by_role("button", name="Ja, Termin absagen").click()
    expect(page.get_by_role("heading", name="Abgesagt")).to_be_visible()
    look(page, axe, "23-cancelled")

    cancelled = smtp_server.messages[3]
    assert subject(cancelled).startswith("Ihr Termin wurde abgesagt")
    calendar, cancelled_event = calendar_event(cancelled)
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled_event["UID"] == event["UID"]
    assert cancelled_event["SEQUENCE"] > moved_event["SEQUENCE"]
    assert len(smtp_server.messages) == 4
    assert {message["To"] for message in smtp_server.messages} == {EMAIL}
    assert trouble == [], "\n".join(trouble)


def test_citizen_whose_time_was_taken_meanwhile_books_an_offered_alternative(
    town, page, axe, smtp_server, trouble
):
    page.goto(f"{town.url}/termin/")
    choose_services(page)
    press_continue(page)
    page.get_by_label("Bürgerbüro Nord", exact=False).check()
    press_continue(page)
    page.get_by_role("link", name=FREE_DAY).first.click()
    chosen = page.get_by_role("main").get_by_role("button", name=TIME).first
    start = offered_start(chosen)
    chosen.click()
    enter_contact(page)
    solve_altcha(page)
    press_continue(page)

    # A clerk books the same time for a caller before the citizen presses the button.
    booking.book(
        location=town.north,
        items=[Item(town.id_card, 1)],
        start=start,
        contact=booking.Contact("Max Mustermann", phone="0171 2345678"),
        channel=Channel.PHONE,
        now=timezone.now(),
    )
    page.get_by_role("button", name="Verbindlich buchen").click()
    expect(page.locator("h1")).to_have_text("Diese Zeit wurde gerade vergeben")
    look(page, axe, "24-taken")
    alternative = page.get_by_role("main").get_by_role("button").first
    instead = offered_start(alternative)
    alternative.click()
    # The proof vouched for the taken time: the browser solves it again for the new one.
    expect(page.locator("h1")).to_have_text("Ihre Kontaktdaten")
    look(page, axe, "24-contact-again")
    solve_altcha(page)
    press_continue(page)
    page.get_by_role("button", name="Verbindlich buchen").click()

    # Nord needs no email confirmation and the proof of work was done: booked at once.
    expect(page.get_by_role("heading", name="Gebucht", exact=True)).to_be_visible()
    [booked] = smtp_server.messages  # the caller gave no address
    assert_starts_at(calendar_event(booked)[1], instead)

    manage = page.url.split("?")[0]
    page.goto(f"{manage}verschieben/pruefen/?beginn={start.isoformat().replace('+', '%2B')}")
    expect(page.locator("h1")).to_have_text("Diese Zeit ist nicht mehr frei")
    look(page, axe, "25-move-taken")
    assert trouble == [], "\n".join(trouble)


def test_keyboard_user_books_without_touching_the_mouse(town, page, smtp_server, trouble):
    page.goto(f"{town.url}/termin/")
    tab_to(page, page.get_by_label("Personalausweis", exact=True))
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    tab_to(page, page.get_by_label("Anmeldung einer Wohnung"))
    page.keyboard.press("ArrowUp")
    selection = page.get_by_role("complementary", name="Ihre Auswahl")
    expect(selection).to_contain_text("2 × Personalausweis")
    expect(selection).to_contain_text("1 × Anmeldung einer Wohnung")
    tab_to(page, page.get_by_role("button", name="Weiter"))
    photograph(page, "k1-services-focus")
    page.keyboard.press("Enter")

    # In a radio group the arrow keys move and choose; Tab leaves the group.
    tab_to(page, page.get_by_label("Bürgerbüro Mitte", exact=False))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Bürgerbüro Nord", exact=False)).to_be_checked()
    tab_to(page, page.get_by_role("button", name="Weiter"))
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("link", name=FREE_DAY).first)
    photograph(page, "k2-day-focus")
    page.keyboard.press("Enter")

    chosen = page.get_by_role("main").get_by_role("button", name=TIME).first
    start = offered_start(chosen)
    tab_to(page, chosen)
    photograph(page, "k3-time-focus")
    page.keyboard.press("Space")

    tab_to(page, page.get_by_label("Vor- und Nachname"))
    page.keyboard.type("Erika Mustermann")
    tab_to(page, page.get_by_label("E-Mail-Adresse"))
    page.keyboard.type(EMAIL)
    tab_to(page, page.get_by_label("Ich habe die Datenschutzhinweise gelesen", exact=False))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("checkbox", name="Ich bin kein Roboter"))
    photograph(page, "k4-contact-focus")
    page.keyboard.press("Space")
    wait_until_solved(page)
    tab_to(page, page.get_by_role("button", name="Weiter"))
    page.keyboard.press("Enter")

    tab_to(page, page.get_by_role("button", name="Verbindlich buchen"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", name="Gebucht", exact=True)).to_be_visible()
    [booked] = smtp_server.messages
    assert subject(booked).startswith("Ihr Termin ist gebucht")
    assert_starts_at(calendar_event(booked)[1], start)
    assert trouble == [], "\n".join(trouble)


def test_citizen_without_javascript_books_a_held_time_and_confirms_it_by_mail(
    town, browser, smtp_server
):
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{town.url}/termin/")
        choose_services(page)
        press_continue(page)
        page.get_by_label("Bürgerbüro Nord", exact=False).check()
        press_continue(page)
        page.get_by_role("link", name=FREE_DAY).first.click()
        chosen = page.get_by_role("main").get_by_role("button", name=TIME).first
        start = offered_start(chosen)
        chosen.click()

        # The proof of work cannot run: the page says what happens instead. (Playwright's text
        # locators skip <noscript>, so the paragraph inside is located by its tag.)
        notice = page.locator("noscript p")
        expect(notice).to_be_visible()
        expect(notice).to_contain_text("Ohne JavaScript können wir")
        photograph(page, "n1-contact-without-javascript")
        enter_contact(page)
        press_continue(page)
        expect(page.get_by_role("heading", name="Bitte per E-Mail bestätigen")).to_be_visible()
        photograph(page, "n2-review-without-javascript")
        page.get_by_role("button", name="Verbindlich buchen").click()

        expect(page.get_by_role("heading", name="Noch nicht bestätigt")).to_be_visible()
        [request] = smtp_server.messages
        assert subject(request).startswith("Bitte bestätigen Sie Ihren Termin")
        page.goto(link_in(request, "/termin/bestaetigen/"))
        page.get_by_role("button", name="Termin bestätigen").click()
        expect(page.get_by_role("heading", name="Gebucht", exact=True)).to_be_visible()
        assert_starts_at(calendar_event(smtp_server.messages[1])[1], start)
    finally:
        context.close()


def test_citizen_past_the_booking_limit_gets_a_page_that_explains_it(
    town, page, axe, monkeypatch, trouble
):
    page.goto(f"{town.url}/termin/")
    choose_services(page)
    press_continue(page)
    page.get_by_label("Bürgerbüro Nord", exact=False).check()
    press_continue(page)
    page.get_by_role("link", name=FREE_DAY).first.click()
    page.get_by_role("main").get_by_role("button", name=TIME).first.click()
    enter_contact(page)
    solve_altcha(page)
    press_continue(page)
    # As if this connection had sent its ten booking attempts already.
    monkeypatch.setattr(limits, "BOOKING", limits.Rate("booking", posts=0, window_seconds=600))

    page.get_by_role("button", name="Verbindlich buchen").click()

    expect(page.locator("h1")).to_have_text("Zu viele Versuche")
    expect(page.get_by_role("main")).to_contain_text("Ihre bisherige Auswahl bleibt erhalten")
    look(page, axe, "26-too-many-attempts")
    page.get_by_role("link", name="Zurück zu Ihrer Buchung").click()
    expect(page.get_by_role("button", name="Verbindlich buchen")).to_be_visible()
    assert trouble == [], "\n".join(trouble)


# Issue 11: wizard fixes


def search_and_add_id_cards(page) -> None:
    """Anmeldung first, then a search for the ID card and two of them: the search must not drop
    the Anmeldung typed before it."""
    page.get_by_label("Anmeldung einer Wohnung").fill("1")
    page.get_by_label("Dienstleistungen suchen").fill("Personalausweis")
    page.get_by_role("button", name="Suchen").click()
    expect(page.get_by_role("status")).to_contain_text("Zuvor gewählte Dienstleistungen bleiben")
    expect(page.get_by_label("Anmeldung einer Wohnung")).to_have_count(0)  # not among those found
    page.get_by_label("Personalausweis", exact=True).fill("2")


def test_a_search_keeps_the_services_chosen_before_it(town, page, axe, trouble):
    page.goto(f"{town.url}/termin/")
    search_and_add_id_cards(page)
    selection = page.get_by_role("complementary", name="Ihre Auswahl")
    expect(selection).to_contain_text("1 × Anmeldung einer Wohnung")
    look(page, axe, "w1-search-keeps-choice")
    # Enter in a number field goes on (the form's first button is a hidden "Weiter").
    page.get_by_label("Personalausweis", exact=True).press("Enter")

    page.get_by_label("Bürgerbüro Mitte", exact=False).check()
    press_continue(page)
    chosen = page.locator(".amt-chosen")
    expect(chosen).to_contain_text("2 × Personalausweis")
    expect(chosen).to_contain_text("1 × Anmeldung einer Wohnung")
    expect(chosen).to_contain_text("Bürgerbüro Mitte, Marktplatz 1")
    assert trouble == [], "\n".join(trouble)


def test_a_search_without_javascript_keeps_the_services_chosen_before_it(town, browser):
    context = browser.new_context(locale="de-DE", java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    try:
        page.goto(f"{town.url}/termin/")
        search_and_add_id_cards(page)
        press_continue(page)
        page.get_by_label("Bürgerbüro Nord", exact=False).check()
        press_continue(page)
        chosen = page.locator(".amt-chosen")
        expect(chosen).to_contain_text("2 × Personalausweis")
        expect(chosen).to_contain_text("1 × Anmeldung einer Wohnung")
    finally:
        context.close()


def test_on_a_phone_continue_stays_in_reach_while_scrolling_the_services(town, page):
    page.set_viewport_size(PHONE)
    page.goto(f"{town.url}/termin/")
    page.get_by_label("Personalausweis", exact=True).scroll_into_view_if_needed()

    button = page.get_by_role("button", name="Weiter").bounding_box()

    assert button["y"] >= 0 and button["y"] + button["height"] <= PHONE["height"], button
    if SCREENSHOTS:  # the screen as the phone shows it, not the whole page
        page.screenshot(path=Path(SCREENSHOTS) / "w4-phone-continue-in-reach-320.png")
    # Descriptions are folded away until asked for.
    description = page.get_by_text("Für alle ab 16 Jahren mit Wohnsitz in Musterstadt.")
    expect(description).to_be_hidden()
    page.get_by_text("Mehr zu dieser Dienstleistung").first.click()
    expect(description).to_be_visible()


def test_a_month_past_the_horizon_says_it_cannot_be_booked_yet(town, page, axe, trouble):
    page.goto(f"{town.url}/termin/")
    choose_services(page)
    press_continue(page)
    page.get_by_label("Bürgerbüro Mitte", exact=False).check()
    press_continue(page)
    later = town.centre.last_bookable_day(town.centre.local_date(timezone.now()))
    month = (later.replace(day=28) + timedelta(days=4)).strftime("%Y-%m")

    page.goto(f"{town.url}/termin/tag/?monat={month}")

    expect(page.get_by_role("status")).to_contain_text("kann noch nicht gebucht werden")
    expect(page.locator(".amt-day--later").first).to_contain_text("noch nicht")
    expect(page.locator(".amt-day--free")).to_have_count(0)
    look(page, axe, "w2-day-not-yet")
    assert trouble == [], "\n".join(trouble)


def test_a_form_sent_after_the_cookies_were_lost_leads_back_to_it(town, page, axe):
    page.goto(f"{town.url}/termin/")
    choose_services(page)
    page.context.clear_cookies()  # the session ran out, or the browser dropped its cookies

    press_continue(page)

    expect(page.locator("h1")).to_have_text("Ihr Formular konnte nicht gesendet werden")
    expect(page).to_have_title(re.compile("^Fehler: Formular abgelaufen"))
    look(page, axe, "w3-csrf-failure")
    page.get_by_role("link", name="Zurück zum Formular").click()
    expect(page.locator("h1")).to_have_text("Welche Dienstleistungen brauchen Sie?")
    choose_services(page)
    press_continue(page)  # the fresh cookie makes the form work again
    expect(page.get_by_text("Schritt 2 von 6")).to_be_visible()
