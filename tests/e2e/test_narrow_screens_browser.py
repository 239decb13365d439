"""No page scrolls sideways on a 320 px phone (WCAG 1.4.10 Reflow): every page of the citizen,
office and display faces that the URL resolver knows, opened in Chromium at 320 × 640 with the
demo town's data (its long German service names and pages), the office as an administrator who
passed the second factor. A table may scroll inside its own wrapper; the page itself may not.

The routes come from get_resolver(), as in tests/test_hostile_input.py, so a page added later is
measured without editing this file. With E2E_SCREENSHOTS=<folder> each page is also saved at
320 px, for a person to look at.
"""

import os
import re
from datetime import timedelta
from io import StringIO
from itertools import product
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

from amtstermin.core import booking, devices, online_requests, visits
from amtstermin.core.demo.musterstadt import MUSTERSTADT
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Appointment,
    Closure,
    DeviceLink,
    Location,
    OnlineRequest,
    Service,
    Status,
)
from tests.e2e.test_booking_browser import FREE_DAY, TIME, look
from tests.e2e.test_counter_browser import counter_office, log_in  # noqa: F401 (a fixture)
from tests.office.logins import app_code

pytestmark = pytest.mark.browser

PHONE = {"width": 320, "height": 640}
SCREENSHOTS = os.environ.get("E2E_SCREENSHOTS")
FACES = ("citizen", "office", "display")
# Not pages: downloads (a calendar file, a clerk's calendar feed, a CSV, the sign language
# video), the queue's htmx fragment, the display's feed, and two links that would end the visit
# being measured (logging out, switching language).
NOT_PAGES = {
    "calendar",
    "feed",
    "statistics_csv",
    "sign_language_video",
    "counter_queue",
    "calls",
    "logout",
    "language",
}
# Each page's width, and when it is too wide, the innermost elements whose box or content sticks
# out (leaving out what scrolls inside its own wrapper).
MEASURE = """() => {
  const root = document.documentElement;
  const edge = root.clientWidth;
  if (root.scrollWidth <= edge) return {scroll: root.scrollWidth, client: edge, wide: []};
  const wrapped = element => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const sticks = element => {
    const box = element.getBoundingClientRect();
    const clipped = getComputedStyle(element).overflowX !== 'visible';
    const content = clipped ? box.width : element.scrollWidth;
    return box.width && Math.max(box.right, box.left + content) > edge + 0.5;
  };
  const all = [...document.body.querySelectorAll('*')].filter(e => sticks(e) && !wrapped(e));
  const innermost = all.filter(e => !all.some(other => other !== e && e.contains(other)));
  const describe = e => `<${e.tagName.toLowerCase()} class="${e.className}">`
    + ` ${(e.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 50)}`;
  return {scroll: root.scrollWidth, client: edge, wide: innermost.slice(0, 3).map(describe)};
}"""


def routes() -> list[tuple[str, str, str]]:
    """(face, route with "<name>" placeholders, URL name) of every page of the three faces."""
    found = []

    def walk(patterns, prefix: str, face: str | None) -> None:
        for entry in patterns:
            route = prefix + _route(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route, face or _face(entry))
            elif isinstance(entry, URLPattern):
                # amtstermin.<face>.…; the API's views live in django-ninja's modules.
                module = entry.callback.__module__.split(".")
                where = face or (module[1] if module[0] == "amtstermin" else None)
                if where in FACES and entry.name not in NOT_PAGES:
                    found.append((where, route, entry.name))

    walk(get_resolver().url_patterns, "", None)
    return found


def _face(resolver: URLResolver) -> str | None:
    name = getattr(resolver, "namespace", None) or getattr(resolver, "app_name", None)
    return name if name in FACES else None


def _route(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", str(pattern))
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", str(pattern)).lstrip("^").rstrip("$")


@pytest.fixture
def demo(transactional_db, live_server, settings):
    """The demo town Musterstadt, and something real behind every id and key a URL names."""
    settings.SITE_URL = live_server.url
    call_command("seed_demo", "--i-know-this-is-a-demo", stdout=StringIO())
    now = timezone.now()
    where = Location.objects.get(slug="buergerbuero")
    upcoming = (
        Appointment.objects.filter(location=where, status=Status.BOOKED, start__gt=now)
        .order_by("start")
        .first()
    )
    information = Service.objects.get(slug="melderegisterauskunft")
    application = online_requests.submit(
        service=information,
        kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        requester=online_requests.Requester(
            name="Maximilian Antragsteller-Schulze",
            email="max@example.org",
            postal_address="Hauptstraße 12, 12345 Musterstadt",
        ),
        data={
            "first_name": "Gesine",
            "last_name": "Gesucht",
            "date_of_birth": "1980-04-01",
            "last_known_address": "Hauptstraße 5",
            "purpose": "Zustellung einer Klage",
            "consent": True,
        },
        now=now,
    )
    walk_in = visits.walk_in(
        where, [Item(Service.objects.get(slug="anmeldung"))], now=now, despite_closed=True
    )
    admin = MUSTERSTADT.admin_username
    return type(
        "Demo",
        (),
        {
            "url": live_server.url,
            "location": where,
            "admin": admin,
            "password": MUSTERSTADT.admin_password,
            "device": TOTPDevice.objects.get(user__username=admin),
            "query": {"tag": where.local_date(now).isoformat(), "q": upcoming.name[:6]},
            "walk_in": walk_in,
            "path": {
                "location_id": str(where.pk),
                "appointment_id": str(upcoming.pk),
                "reference": upcoming.reference,
                "request_detail:reference": application.request.reference,
                "desk_booked:reference": upcoming.reference,
                "token": booking.issue_access_token(upcoming, now=now),
                "request_status:token": application.token,
                "board:token": devices.issue(where, DeviceLink.Kind.DISPLAY, "Warten", now=now),
                "kiosk:token": devices.issue(where, DeviceLink.Kind.KIOSK, "Eingang", now=now),
                "slug": list(Service.objects.values_list("slug", flat=True)),
                "request_form:slug": list(
                    Service.objects.filter(mode=Service.Mode.ONLINE_REQUEST).values_list(
                        "slug", flat=True
                    )
                ),
            },
        },
    )


class Ruler:
    """Opens pages at 320 px and keeps every one that is wider than the screen."""

    def __init__(self, page, demo) -> None:
        self.page, self.demo = page, demo
        self.seen: set[str] = set()
        self.offenders: list[tuple[str, str]] = []  # (URL name, what sticks out)

    def urls(self, route: str, name: str) -> list[str]:
        """The route with every value its placeholders take (each service's page, say)."""
        path = self.demo.path
        names = re.findall(r"<(\w+)>", route)
        choices = []
        for placeholder in names:
            found = path.get(f"{name}:{placeholder}") or path[placeholder]
            choices.append(found if isinstance(found, list) else [found])
        pieces = re.split(r"<\w+>", route)
        return [
            "/" + "".join(piece + value for piece, value in zip(pieces, [*values, ""], strict=True))
            for values in product(*choices)
        ]

    def measure(self, face: str, label: str) -> None:
        """The page as it is now; each address once."""
        # A click on a link only starts the navigation: the new document may not exist yet.
        self.page.wait_for_load_state()
        address = self.page.url.removeprefix(self.demo.url)
        if address in self.seen:
            return
        self.seen.add(address)
        self.page.evaluate("document.fonts.ready.then(() => true)")
        width = self.page.evaluate(MEASURE)
        if width["scroll"] > width["client"]:
            wide = "; ".join(width["wide"])
            self.offenders.append((label, f"{address} ({label}): {width['scroll']} px. {wide}"))
        if SCREENSHOTS:
            folder = Path(SCREENSHOTS)
            folder.mkdir(parents=True, exist_ok=True)
            slug = re.sub(r"[^\w-]+", "_", f"{face}-{label}-{address}")[:120]
            self.page.screenshot(path=folder / f"{slug}.png", full_page=True)

    def visit(self, face: str, route: str, name: str) -> None:
        """Each of its pages bare, then with the plausible day and search a view may read."""
        query = "?" + "&".join(f"{key}={value}" for key, value in self.demo.query.items())
        for url in self.urls(route, name):
            for asked in (url, url + query):
                address = self.demo.url + asked
                if self.page.request.get(address).status == 405:  # a form's target, no page
                    return
                self.page.goto(address)
                self.measure(face, name)


def log_in_as_administrator(page, demo) -> None:
    page.goto(demo.url + "/verwaltung/")
    page.get_by_label("Benutzername").fill(demo.admin)
    page.get_by_label("Passwort").fill(demo.password)
    page.get_by_role("button", name="Weiter").click()
    page.get_by_label("Code").fill(app_code(demo.device))
    page.get_by_role("button", name="Anmelden").click()
    expect(page.locator("h1")).to_have_text("Übersicht")


def test_no_page_scrolls_sideways_at_320_px(page, demo):
    page.set_viewport_size(PHONE)
    ruler = Ruler(page, demo)
    pages = routes()
    assert {face for face, _route, _name in pages} == set(FACES)

    # The wizard as far as a GET reaches: a service, the first free day, its first time.
    page.goto(demo.url + "/termin/")
    page.get_by_label("Personalausweis", exact=True).fill("1")
    page.get_by_role("button", name="Weiter").click()
    ruler.measure("citizen", "day")
    page.get_by_role("link", name=FREE_DAY).first.click()
    ruler.measure("citizen", "time")
    day = parse_qs(urlsplit(page.url).query)["tag"][0]
    page.get_by_role("main").get_by_role("button", name=TIME).first.click()
    ruler.measure("citizen", "contact")
    demo.query["monat"] = day[:7]
    for face in ("citizen", "display"):
        for found, route, name in pages:
            if found == face:
                ruler.visit(face, route, name)

    log_in_as_administrator(page, demo)
    ruler.measure("office", "overview")
    page.goto(demo.url + f"/verwaltung/standort/{demo.location.pk}/schalter/waehlen/")
    page.get_by_role("radio").first.check()
    page.get_by_role("button", name="An diesem Schalter arbeiten").click()
    expect(page.get_by_role("button", name="Nächste Person aufrufen")).to_be_visible()
    demo.query["nummer"] = str(demo.walk_in.pk)
    for found, route, name in pages:
        if found == "office":
            ruler.visit("office", route, name)

    assert len(ruler.seen) > 40
    too_wide = [line for _name, line in ruler.offenders]
    assert not too_wide, "Wider than 320 px:\n" + "\n".join(too_wide)


def test_the_ruler_reports_a_page_wider_than_the_screen(page, transactional_db, live_server):
    """A heading forced onto one line sticks out: the ruler names the page and the element."""
    page.set_viewport_size(PHONE)
    ruler = Ruler(page, type("Bare", (), {"url": live_server.url}))
    page.goto(live_server.url + "/impressum/")
    ruler.measure("citizen", "legal_notice")
    assert ruler.offenders == []
    heading = page.locator("h1")
    heading.evaluate(
        "h1 => { h1.style.whiteSpace = 'nowrap'; h1.textContent += ' Übermittlungssperre' }"
    )
    ruler.seen.clear()
    ruler.measure("citizen", "legal_notice")
    [(_name, offender)] = ruler.offenders
    assert offender.startswith("/impressum/ (legal_notice)") and "<h1" in offender


def test_clerk_confirms_a_walk_in_number_while_the_office_is_closed(
    page,
    axe,
    live_server,
    counter_office,  # noqa: F811 (the imported fixture)
):
    """The walk-in page during a closure: a notice, then the refusal with its checkbox (axe and
    screenshots at 1280 and 320 px), then the number once the clerk ticks it."""
    now = timezone.now()
    where = counter_office.location
    Closure.objects.create(
        location=where,
        start=now - timedelta(hours=1),
        end=now + timedelta(hours=1),
        reason="Personalversammlung",
    )
    server = live_server.url
    log_in(page, server, counter_office, axe)
    page.goto(f"{server}/verwaltung/standort/{where.pk}/schalter/ohne-termin/")
    closed = f"{where.name} ist geschlossen: Personalversammlung."
    expect(page.get_by_role("status")).to_contain_text(closed)
    look(page, axe, "narrow-walk-in-closed")

    page.get_by_label("Anmeldung").fill("1")
    page.get_by_role("button", name="Wartenummer vergeben").click()
    expect(page).to_have_title(re.compile("^Fehler: Wartenummer ohne Termin"))
    expect(page.get_by_role("alert")).to_contain_text(closed)
    look(page, axe, "narrow-walk-in-closed-refused")
    assert not where.visits.exists()

    page.get_by_label("Trotzdem Wartenummer ausgeben").check()
    page.get_by_role("button", name="Wartenummer vergeben").click()
    walk_in = where.visits.get()
    expect(page.locator(".amt-counter-big")).to_have_text(walk_in.waiting_number)
