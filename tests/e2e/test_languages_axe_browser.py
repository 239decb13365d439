"""axe-core finds no WCAG 2.2 AA violation (rules tagged wcag2a, wcag2aa, wcag21a, wcag21aa,
wcag22aa) on any page of the citizen face, the kiosk and the call display in German, Arabic
(right to left) and Leichte Sprache, nor on any office page, which speaks German to staff.

The pages are the ones tests/e2e/test_narrow_screens_browser.py measures at 320 px: every route
the URL resolver knows, with the demo town's data behind each placeholder, and the booking wizard
as far as a GET reaches. One test, so the town is seeded once (seeding takes most of a minute, and
pytest-django empties the database after every live-server test); each language gets its own
browser context, the choice made through the switch link (a cookie) and, for the shared screens,
also named in the address (?sprache=). Every page is checked before the test reports, so one run
lists all that is wrong. The wizard's review and booked pages, which only a POST reaches, are
checked in Arabic by tests/e2e/test_keyboard_browser.py.
"""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from amtstermin.core.models import Service
from tests.e2e.test_narrow_screens_browser import (  # noqa: F401 (demo is a fixture)
    Ruler,
    demo,
    log_in_as_administrator,
    routes,
)
from tests.fixtures.browser import WCAG_AA, axe_report, axe_violations

pytestmark = pytest.mark.browser

LANGUAGES = ("de", "ar", "de-x-ls")
DESKTOP = {"width": 1280, "height": 900}
# Not pages: the sign language video's file, the JSON challenge the ALTCHA widget fetches, and
# a clerk's calendar feed.
SKIPPED = {"sign_language_video", "challenge", "feed"}
# Known, strict exceptions (URL name, axe rule): the test fails when one no longer occurs.
# None at present: the day plan's 11 px blocks are text, its controls are in the list below.
KNOWN: set[tuple[str, str]] = set()
# The Leichte Sprache page speaks it whatever language the visitor chose.
SPEAKS = {"easy_language": "de-x-ls"}


class Auditor(Ruler):
    """Opens the pages the Ruler would measure and runs axe on each instead; keeps what it finds
    and whether the page speaks the language asked for. German opens a page for every value of
    its placeholders (each service's page, say); the other languages only the first, as the
    words around the data are the same and the machine has two cores."""

    def __init__(self, page, town, language: str) -> None:
        super().__init__(page, town)
        self.language = language
        self.found: list[str] = []
        self.known: set[tuple[str, str]] = set()

    def urls(self, route: str, name: str) -> list[str]:
        every = super().urls(route, name)
        return every if self.language == "de" else every[:1]

    def measure(self, face: str, label: str) -> None:
        # A click on a link only starts the navigation: the new document may not exist yet.
        self.page.wait_for_load_state()
        address = self.page.url.removeprefix(self.demo.url)
        if address in self.seen:
            return
        self.seen.add(address)
        expected = "de" if face == "office" else SPEAKS.get(label, self.language)
        spoken = self.page.evaluate("document.documentElement.lang")
        if spoken != expected:
            self.found.append(f"{address} ({label}): lang={spoken!r}, not {expected!r}")
        violations = []
        for violation in axe_violations(self.page, tags=WCAG_AA):
            if (label, violation["id"]) in KNOWN:
                self.known.add((label, violation["id"]))
            else:
                violations.append(violation)
        if violations:
            self.found.append(f"{address} ({label}, {expected}): {axe_report(violations)}")

    def visit_face(self, face: str) -> None:
        for found, route, name in routes():
            if found == face and name not in SKIPPED:
                self.visit(face, route, name)


def in_language(town, language: str):
    """The town with the day, search and language a view may read (a copy per language)."""
    return type("Demo", (town,), {"query": {**town.query, "sprache": language}})


def audit_citizen_and_screens(page, town, language: str, id_card: int) -> Auditor:
    auditor = Auditor(page, in_language(town, language), language)
    page.goto(f"{town.url}/sprache/{language}/?next=/termin/")
    auditor.measure("citizen", "services")
    # The wizard as far as a GET reaches, by ids rather than words: any language.
    page.locator(f"#id_service-{id_card}").fill("1")
    page.locator(".amt-wizard-actions button").click()
    expect(page.locator(".amt-first-free a")).to_be_visible()
    auditor.measure("citizen", "day")
    page.locator(".amt-first-free a").click()
    auditor.measure("citizen", "time")
    day = parse_qs(urlsplit(page.url).query)["tag"][0]
    page.locator("main button.amt-time").first.click()
    expect(page.locator("altcha-widget")).to_have_count(1)
    auditor.measure("citizen", "contact")
    auditor.demo.query["monat"] = day[:7]
    auditor.visit_face("citizen")
    auditor.visit_face("display")
    return auditor


def audit_office(page, town) -> Auditor:
    auditor = Auditor(page, in_language(town, "de"), "de")
    log_in_as_administrator(page, auditor.demo)
    auditor.measure("office", "overview")
    page.goto(f"{town.url}/verwaltung/standort/{town.location.pk}/schalter/waehlen/")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="An diesem Schalter arbeiten").click()
    expect(page.get_by_role("button", name="Nächste Person aufrufen")).to_be_visible()
    auditor.demo.query["nummer"] = str(town.walk_in.pk)
    auditor.visit_face("office")
    return auditor


def test_every_page_passes_axe_in_german_arabic_and_easy_german(browser, demo):  # noqa: F811
    id_card = Service.objects.get(slug="personalausweis").pk
    found: list[str] = []
    known: set[tuple[str, str]] = set()
    for language in (*LANGUAGES, "office"):
        context = browser.new_context(locale="de-DE", viewport=DESKTOP)
        context.set_default_timeout(10_000)
        page = context.new_page()
        try:
            if language == "office":
                auditor = audit_office(page, demo)
            else:
                auditor = audit_citizen_and_screens(page, demo, language, id_card)
        finally:
            context.close()
        assert len(auditor.seen) > 20, f"{language}: only {sorted(auditor.seen)}"
        found += auditor.found
        known |= auditor.known
    assert known == KNOWN, f"fixed, so no longer an exception: {KNOWN - known}"
    assert not found, f"{len(found)} page(s) with findings:\n\n" + "\n\n".join(found)
