"""Keyboard only, end to end (issue 12): a citizen books in Arabic, right to left, from the start
page to the booked page, and a clerk calls the next visitor in German, with Tab, Shift+Tab,
Enter, Space, the arrow keys and typing; no click, and the focus always shows.

Elements are found by id, name and data rather than by words, so the Arabic test does not
depend on a translation; the page's lang and dir say it is Arabic.
"""

import re
from datetime import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from amtstermin.core import visits
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Visit
from tests.e2e.test_booking_browser import town, wait_until_solved  # noqa: F401 (a fixture)
from tests.e2e.test_counter_browser import counter_office  # noqa: F401 (a fixture)
from tests.fixtures.browser import WCAG_AA
from tests.office.logins import PASSWORD, app_code

pytestmark = pytest.mark.browser

# The focused element shows it: an outline or a box shadow (KERN draws some rings as shadows).
FOCUS_SHOWN = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  return outline || style.boxShadow !== 'none';
}"""


def focus_on(page, target, *, key: str = "Tab", limit: int = 80) -> None:
    """Press `key` (Tab or Shift+Tab) until `target` has the focus, and see the focus shown."""
    for _press in range(limit):
        page.keyboard.press(key)
        if target.evaluate("element => element === document.activeElement"):
            break
    else:
        raise AssertionError(f"{limit} presses of {key} never reached {target}")
    assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {target}"


def test_citizen_books_in_arabic_with_the_keyboard_alone(town, page, axe):  # noqa: F811
    page.goto(f"{town.url}/")
    focus_on(page, page.locator(".amt-language__summary"))
    page.keyboard.press("Enter")  # opens the list of languages
    focus_on(page, page.locator(".amt-language a[hreflang=ar]"))
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")

    focus_on(page, page.locator("a[aria-describedby=entry-booking]"))
    page.keyboard.press("Enter")
    expect(page.locator("#services-form")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    focus_on(page, page.locator(f"#id_service-{town.id_card.pk}"))
    page.keyboard.press("ArrowUp")  # 0 → 1
    expect(page.locator(f"#id_service-{town.id_card.pk}")).to_have_value("1")
    focus_on(page, page.locator(".amt-wizard-actions button"))
    page.keyboard.press("Enter")

    # Two offices offer it: the arrow keys move and choose in a radio group, Tab leaves it.
    focus_on(page, page.get_by_label("Bürgerbüro Mitte", exact=False))
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("Bürgerbüro Nord", exact=False)).to_be_checked()
    focus_on(page, page.locator("main button[type=submit]").last)
    page.keyboard.press("Enter")

    focus_on(page, page.locator(".amt-first-free a"))
    page.keyboard.press("Enter")

    chosen = page.locator("main button.amt-time").first
    start = datetime.fromisoformat(chosen.get_attribute("value"))
    focus_on(page, chosen)
    page.keyboard.press("Space")

    focus_on(page, page.locator("#id_name"))
    page.keyboard.type("Erika Mustermann")
    focus_on(page, page.locator("#id_email"))
    page.keyboard.type("erika@example.org")
    focus_on(page, page.locator("#id_consent"))
    page.keyboard.press("Space")
    expect(page.locator("#id_consent")).to_be_checked()
    # Back up once with Shift+Tab and forward again: the order holds both ways.
    focus_on(page, page.locator("#id_email"), key="Shift+Tab")
    focus_on(page, page.locator("#id_consent"))
    focus_on(page, page.locator("altcha-widget input[type=checkbox]"))
    page.keyboard.press("Space")  # starts the proof of work
    wait_until_solved(page)
    focus_on(page, page.locator("main form button.kern-btn--primary[type=submit]"))
    page.keyboard.press("Enter")

    expect(page.locator("html")).to_have_attribute("lang", "ar")
    axe(page, tags=WCAG_AA)  # the review and booked pages, which no GET reaches
    focus_on(page, page.locator("main form button.kern-btn--primary[type=submit]"))
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"/termin/verwalten/[^/]+/\?neu=1$"))
    booked = Appointment.objects.get(name="Erika Mustermann")
    assert booked.location == town.north and booked.start == start
    facts = page.locator("dd.amt-code")
    expect(facts.filter(has_text=booked.reference)).to_have_count(1)
    expect(facts.filter(has_text=booked.waiting_number)).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    axe(page, tags=WCAG_AA)


def test_clerk_calls_the_next_visitor_with_the_keyboard_alone(
    live_server,
    counter_office,  # noqa: F811
    page,
):
    where = counter_office.location
    now = timezone.now()
    waiting = visits.walk_in(where, [Item(counter_office.registration)], now=now)
    page.goto(live_server.url + "/verwaltung/")
    focus_on(page, page.get_by_label("Benutzername"))
    page.keyboard.type("skowalski")
    focus_on(page, page.get_by_label("Passwort"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    focus_on(page, page.get_by_label("Code"))
    page.keyboard.type(app_code(counter_office.device))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Übersicht")

    focus_on(page, page.get_by_role("link", name="Schalter: aufrufen, einchecken, ohne Termin"))
    page.keyboard.press("Enter")
    focus_on(page, page.get_by_label("Schalter 3"))
    page.keyboard.press("Space")
    expect(page.get_by_label("Schalter 3")).to_be_checked()
    focus_on(page, page.get_by_role("button", name="An diesem Schalter arbeiten"))
    page.keyboard.press("Enter")

    call = page.get_by_role("button", name="Nächste Person aufrufen")
    expect(call).to_be_focused()  # autofocus: Enter is all a clerk presses
    assert page.evaluate(FOCUS_SHOWN), "no visible focus on the call button"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(
        f"{waiting.waiting_number} ist zu Schalter 3 aufgerufen."
    )
    focus_on(page, page.get_by_role("button", name="Erledigt"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_have_text(f"{waiting.waiting_number} ist erledigt.")
    assert Visit.objects.get(pk=waiting.pk).state == Visit.State.DONE
