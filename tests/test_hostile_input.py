"""Hostile input never reaches a 500: every URL the resolver knows, fed what an attacker or a
broken client sends, answers below 500, on SQLite and on PostgreSQL (NUL bytes only break the
latter, so the suite's PostgreSQL run is the one that proves the NUL guard).

The URLs come from get_resolver(), so a page added later is swept without editing this file.
Each URL is first asked with plausible values (real ids and link keys, a day in the booking
window, a free time). The query and form names the view reads then are recorded (on QueryDict),
and each is fired at with every hostile value while the others stay plausible: a view that
refuses one bad value early cannot hide a crash on another one read later. The Django admin's
forms are many and alike: there all names read take the hostile value at once.
"""

import logging
import re
import sys
from collections.abc import Iterator
from datetime import date
from urllib.parse import quote

import pytest
from django.db import connection
from django.http import QueryDict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern
from pytest_django.asserts import assertContains

from amtstermin.core import booking, devices, online_requests, visits
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Absence,
    Appointment,
    Channel,
    Closure,
    Counter,
    DeviceLink,
    OnlineRequest,
    RosterBlock,
    Service,
    StaffMember,
)
from tests import factories
from tests.conftest import berlin
from tests.office.logins import PASSWORD, log_in_verified

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday
MONDAY = date(2026, 12, 7)
BOOKED = berlin(2026, 12, 7, 9, 0)
FREE = berlin(2026, 12, 7, 10, 30)

# Percent-encoded, as they travel in a query string, a form body or a path.
TYPED_VALUES = [
    quote(value, safe="")
    for value in (
        "9999-12-31",
        "0001-01-01",
        "9999-12-31T23:59:59+00:00",
        "0001-01-01T00:30:00+01:00",
        "²",  # str.isdigit() says yes, int() says no
        "-1",
        "9" * 40,
        "x" * 5_000,
    )
]
HOSTILE_VALUES = [*TYPED_VALUES, "%00", "2026-12-07%00", "%ff%fe%c0%af"]  # NUL; not UTF-8
# A path value must match its converter to reach a view: int and slug paths get what matches.
PATH_VALUES = {
    "IntConverter": ["0", "9" * 40],
    "SlugConverter": ["x" * 1000],
    "StringConverter": ["%00", "1%002", "%C2%B2", "-1", "9" * 40, "x" * 1000, "%ff%fe"],
    "PathConverter": ["%00", "1%002", "%C2%B2", "-1", "9" * 40, "x" * 1000, "%ff%fe"],
}
DATE_HIERARCHIES = ("start", "created_at")
# Names each read by some view (issue 10 lists them): the sweep must have reached their parsers.
PARSED = {
    "tag",
    "day",
    "beginn",
    "start",
    "last_day",
    "monat",
    "q",
    "nummer",
    "block",
    "row",
    "key",
}
# Submitting these ends what the other requests need (a session, an appointment): asked last.
LAST = ("logout", "cancel")
NUL_GUARD = "amtstermin.bad_requests.refuse_nul_bytes"


@pytest.fixture
def town(office, django_user_model):
    """Something behind every id and link key the URLs name, and an administrator to see it."""
    where = office.location
    booked = booking.book(
        location=where,
        items=[Item(office.id_card)],
        start=BOOKED,
        contact=booking.Contact("Erika Mustermann", "erika@example.org"),
        channel=Channel.PHONE,
        now=NOW,
    )
    information = factories.service(
        name="Melderegisterauskunft",
        slug="melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        department=office.id_card.department,
    )
    application = online_requests.submit(
        service=information,
        kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        requester=online_requests.Requester(
            name="Max Antragsteller", email="max@example.org", postal_address="Markt 3"
        ),
        data=factories.melderegister_data(),
        now=NOW,
    )
    counter = Counter.objects.create(location=where, name="1")
    visit = visits.walk_in(where, [Item(office.registration)], now=NOW)
    absence = Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 14, 8), end=berlin(2026, 12, 14, 12)
    )
    Closure.objects.create(
        location=where, start=berlin(2026, 12, 21), end=berlin(2026, 12, 22), reason="Betriebsfeier"
    )
    user = django_user_model.objects.create_superuser("verwaltung", password=PASSWORD)
    administrator = factories.staff(
        department_=office.id_card.department,
        role=StaffMember.Role.ADMINISTRATOR,
        name="Ada Admin",
        user=user,
    )
    administrator.locations.set([where])
    plausible = {
        "tag": MONDAY.isoformat(),
        "day": MONDAY.isoformat(),
        "monat": "2026-12",
        "period": "week",
        "start": FREE.isoformat(),
        "beginn": FREE.isoformat(),
        "q": "Perso",
        "nummer": str(visit.pk),
        "block": str(RosterBlock.objects.filter(staff=office.clerk).first().pk),
        "row": str(absence.pk),
        "dienst": str(office.id_card.pk),
        f"service-{office.id_card.pk}": "1",
        "location": str(where.pk),
        "counter": str(counter.pk),
        "visit": str(visit.pk),
        "action": "call",
        "reference": booked.appointment.reference,
        "staff": str(office.clerk.pk),
        "weekday": "0",
        "start_time": "13:00",
        "end_time": "15:00",
        "valid_from": MONDAY.isoformat(),
        "first_day": "2026-12-28",
        "last_day": "2026-12-28",
        "reason": "leave",
        "channel": "phone",
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "phone": "02381 123456",
        "language": "de",
        "consent": "on",
        "status": "open",
        "page": "1",
    }
    return type(
        "Town",
        (),
        {
            "office": office,
            "user": user,
            "plausible": plausible,
            "path": {
                "location_id": str(where.pk),
                "appointment_id": str(booked.appointment.pk),
                "reference": booked.appointment.reference,
                "request_detail:reference": application.request.reference,
                "token": booked.token,
                "request_status:token": application.token,
                "board:token": devices.issue(where, DeviceLink.Kind.DISPLAY, "Warten", now=NOW),
                "calls:token": devices.issue(where, DeviceLink.Kind.DISPLAY, "Flur", now=NOW),
                "kiosk:token": devices.issue(where, DeviceLink.Kind.KIOSK, "Eingang", now=NOW),
                "slug": office.id_card.slug,
                "request_form:slug": information.slug,
                "pk": "1",
                "app_label": "core",
                "url": "nichts/",
            },
        },
    )


def _patterns(patterns, prefix: str = "", kinds=None) -> Iterator[tuple[str, dict, URLPattern]]:
    """(route with "<name>" placeholders, {name: converter class name}, pattern), recursively."""
    for entry in patterns:
        found = {**(kinds or {}), **_kinds(entry.pattern)}
        if isinstance(entry, URLResolver):
            yield from _patterns(entry.url_patterns, prefix + _route(entry.pattern), found)
        else:
            yield prefix + _route(entry.pattern), found, entry


def _route(pattern) -> str:
    if isinstance(pattern, RoutePattern):
        return re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", str(pattern))
    return re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", str(pattern)).lstrip("^").rstrip("$")


def _kinds(pattern) -> dict[str, str]:
    return {name: type(kind).__name__ for name, kind in getattr(pattern, "converters", {}).items()}


ROUTES = sorted(
    _patterns(get_resolver().url_patterns),
    key=lambda found: (found[2].name in LAST, found[0].startswith("admin/"), found[0]),
)


class Reads:
    """The names a view reads from the query string or the form, recorded while `names` is a
    set. Only direct reads count: a template writing the whole query back is no parser."""

    names: set[str] | None = None

    @classmethod
    def record(cls, method):
        def reading(self, key, *args, **kwargs):
            caller = sys._getframe(1).f_code.co_filename
            if cls.names is not None and not caller.endswith(LIBRARY_READERS):
                cls.names.add(key)
            return method(self, key, *args, **kwargs)

        return reading


LIBRARY_READERS = ("datastructures.py", "http/request.py")


@pytest.fixture
def recorded(monkeypatch):
    for name in ("__getitem__", "get", "getlist", "__contains__"):
        monkeypatch.setattr(QueryDict, name, Reads.record(getattr(QueryDict, name)))
    yield Reads
    Reads.names = None


def _encode(fields: dict[str, str], hostile: dict[str, str]) -> str:
    """Plausible fields percent-encoded, and the hostile ones (encoded already) over them."""
    pairs = {quote(key, safe=""): quote(text, safe="") for key, text in fields.items()}
    pairs.update({quote(name, safe=""): value for name, value in hostile.items()})
    return "&".join(f"{key}={text}" for key, text in pairs.items())


def _each(names, value: str) -> dict[str, str]:
    return dict.fromkeys(names, value)


class Sweep:
    """One actor's requests, and every answer of 500 or more among them."""

    def __init__(self, client: Client, actor: str, town, failures: list[str]) -> None:
        self.client, self.actor, self.town, self.failures = client, actor, town, failures
        self.asked = 0
        self.read: set[str] = set()

    def ask(self, method: str, url: str, hostile=None, *, plausible=True):
        """The status, and the names the view read. On a POST the query goes in the form too:
        views read the query string on a POST as well (the time step's day, a move's time)."""
        hostile = hostile or {}
        query = _encode(self.town.plausible if plausible else {}, hostile)
        Reads.names = set()
        if method == "GET":
            response = self.client.get(f"{url}?{query}")
        else:
            form = "application/x-www-form-urlencoded"
            response = self.client.post(f"{url}?{query}", data=query, content_type=form)
        self.asked += 1
        if response.status_code >= 500:
            values = sorted({value[:40] for value in hostile.values()})
            given = f" with {'/'.join(values)} in {', '.join(hostile)[:200]}" if hostile else ""
            error = repr(response.exc_info[1])[:200] if response.exc_info else ""
            self.failures.append(
                f"{self.actor} {method} {url[:200]}{given} → {response.status_code} {error}"
            )
        names, Reads.names = Reads.names, None
        self.read |= names
        return response.status_code, names

    def url(self, route: str, pattern: URLPattern, hostile: tuple[str, str] | None = None) -> str:
        def value(match) -> str:
            parameter = match.group(1)
            if hostile and hostile[0] == parameter:
                return hostile[1]
            path = self.town.path
            return path.get(f"{pattern.name}:{parameter}") or path.get(parameter, "1")

        return "/" + re.sub(r"<(\w+)>", value, route)

    def everything(self, route: str, kinds: dict[str, str], pattern: URLPattern) -> None:
        """Hostile values in each path value, and in the names the view reads: all at once,
        then one by one with the others plausible (a view refusing one early must not hide a
        crash on another)."""
        url = self.url(route, pattern)
        paths_done = False
        for method in ("GET", "POST"):
            status, read = self.ask(method, url)
            self.ask(method, url, {"\x00": "1"})  # a NUL byte in a name
            if status == 405:
                continue
            if not paths_done:
                paths_done = True
                for parameter, kind in kinds.items():
                    for value in PATH_VALUES[kind]:
                        self.ask(method, self.url(route, pattern, (parameter, value)))
            if not read:
                continue
            for value in HOSTILE_VALUES:
                self.ask(method, url, _each(read, value))
            parsed = sorted(read & self.town.plausible.keys())
            for name in parsed if len(parsed) > 1 else ():
                for value in TYPED_VALUES:
                    self.ask(method, url, {name: value})

    def admin(self, route: str, kinds: dict[str, str], pattern: URLPattern) -> None:
        """Django's admin is many alike pages: each is asked plainly; lists with hostile
        searches, sorting, paging and date drill-downs; forms with every field hostile at once;
        one object page per model with hostile ids."""
        url = self.url(route, pattern)
        self.ask("GET", url, plausible=False)
        name = pattern.name or ""
        if name.endswith("_changelist"):
            for value in HOSTILE_VALUES:
                self.ask("GET", url, _each(["q", "p", "o", "all"], value), plausible=False)
            for field in DATE_HIERARCHIES:
                for drill_down in ({"year": "9999", "month": "12", "day": "31"}, {"year": "1"}):
                    asked = {f"{field}__{part}": value for part, value in drill_down.items()}
                    self.ask("GET", url, asked, plausible=False)
        elif name.endswith("_add"):
            _status, read = self.ask("POST", url, plausible=False)
            for value in HOSTILE_VALUES:
                self.ask("POST", url, _each(read, value), plausible=False)
        elif name.endswith("_change"):
            for value in PATH_VALUES["PathConverter"]:
                self.ask("GET", self.url(route, pattern, ("object_id", value)), plausible=False)
        for parameter in [name for name, kind in kinds.items() if kind == "IntConverter"]:
            for value in PATH_VALUES["IntConverter"]:  # e.g. django-otp's QR code of a device
                self.ask("GET", self.url(route, pattern, (parameter, value)), plausible=False)

    def plainly(self, route: str, kinds: dict[str, str], pattern: URLPattern) -> None:
        """Someone else's pages (the office's, to a visitor): the plain request, a NUL name."""
        url = self.url(route, pattern)
        for method in ("GET", "POST"):
            self.ask(method, url)
            self.ask(method, url, {"\x00": "1"})


def test_no_url_answers_hostile_input_with_a_server_error(town, recorded, caplog):
    # Thousands of 404s and 400s, and the admin's refusals of hostile "_to_field" values.
    for noisy in ("django.request", "django.security"):
        caplog.set_level(logging.CRITICAL, logger=noisy)
    failures: list[str] = []
    visitor = Sweep(Client(raise_request_exception=False), "visitor", town, failures)
    administrator = Sweep(Client(raise_request_exception=False), "administrator", town, failures)
    log_in_verified(administrator.client, town.user)
    for route, kinds, pattern in ROUTES:
        if route.startswith("admin/"):
            visitor.plainly(route, kinds, pattern)
            administrator.admin(route, kinds, pattern)
        elif route.startswith("verwaltung/"):
            visitor.plainly(route, kinds, pattern)
            administrator.everything(route, kinds, pattern)
        else:
            if route.startswith("termin/"):
                _choose_a_service(visitor.client, town)  # a booking under way, for the wizard
            visitor.everything(route, kinds, pattern)
    asked = visitor.asked + administrator.asked
    assert not failures, f"{len(failures)} of {asked} requests failed:\n" + "\n".join(failures[:60])
    # The sweep got past the doors (logins, device links, a booking under way) to the parsers.
    assert PARSED <= visitor.read | administrator.read, PARSED - visitor.read - administrator.read


def _choose_a_service(client: Client, town) -> None:
    if not client.session.get("booking_draft", {}).get("location"):
        chosen = {f"service-{town.office.id_card.pk}": "1"}
        assert client.post("/termin/", chosen).status_code == 302


# The crashes the review found, each as the person meets it now.


@pytest.fixture
def administrator(client, town) -> Client:
    log_in_verified(client, town.user)
    return client


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:30:00+01:00"])
def test_a_citizen_posting_a_time_past_the_calendar_is_told_it_is_not_free(client, town, start):
    _choose_a_service(client, town)
    response = client.post(f"/termin/zeit/?tag={MONDAY}", {"start": start})
    assert response.status_code == 409
    assertContains(response, "Diese Zeit wurde leider inzwischen", status_code=409)


@pytest.mark.parametrize("start", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:30:00+01:00"])
def test_a_move_to_a_time_past_the_calendar_is_refused_without_moving(client, town, start):
    response = client.get(
        f"/termin/verwalten/{town.path['token']}/verschieben/pruefen/", {"beginn": start}
    )
    assertContains(response, "Diese Zeit wurde leider inzwischen", status_code=409)
    assert Appointment.objects.get(reference=town.plausible["reference"]).start == BOOKED


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "2026-12-07\u00b2"])
def test_the_day_plan_of_a_day_past_the_calendar_asks_for_a_date(administrator, town, day):
    response = administrator.get(
        f"/verwaltung/standort/{town.path['location_id']}/tagesplan/", {"tag": day}
    )
    assertContains(response, "Geben Sie den Tag als Datum ein", status_code=422)


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
def test_statistics_of_a_week_past_the_calendar_show_today_and_say_why(administrator, town, day):
    url = f"/verwaltung/statistik/{town.path['location_id']}/"
    response = administrator.get(url, {"period": "week", "day": day})
    assertContains(response, "Geben Sie ein Datum zwischen den Jahren 2000 und 2099 ein.")
    csv = administrator.get(f"{url}csv/", {"period": "week", "day": day})
    assert csv["Content-Disposition"].endswith(f'-{NOW.date():%Y-%m-%d}.csv"')


def test_an_absence_until_the_end_of_the_calendar_is_refused_with_a_reason(administrator, town):
    url = f"/verwaltung/dienstplan/{town.path['location_id']}/abwesenheit/"
    form = {"staff": town.office.clerk.pk, "reason": "leave", "first_day": "2026-12-28"}
    response = administrator.post(url, {**form, "last_day": "9999-12-31"})
    assertContains(response, "zwischen den Jahren 2000 und 2099", status_code=422)


@pytest.mark.parametrize("number", ["²", "١", "-1", "9" * 40])
def test_a_roster_block_named_by_no_plain_number_is_not_found(administrator, town, number):
    url = f"/verwaltung/dienstplan/{town.path['location_id']}/block/"
    assert administrator.get(url, {"block": number}).status_code == 404


def test_a_waiting_number_that_is_no_plain_number_shows_the_walk_in_form(administrator, town):
    url = f"/verwaltung/standort/{town.path['location_id']}/schalter/ohne-termin/"
    response = administrator.get(url, {"nummer": "²"})
    assert response.status_code == 200
    assert response.context["issued"] is None


@pytest.mark.parametrize(
    "url",
    [
        "/termin/?q=%00",
        "/dienstleistungen/?q=Perso%00",
        "/verwaltung/antraege/?q=Erika%00",
        "/verwaltung/antraege/%00/",
        "/verwaltung/standort/1/buchen/%00/",
    ],
)
def test_a_nul_byte_gets_the_friendly_bad_request_page(administrator, url):
    response = administrator.get(url)
    assertContains(response, "Diese Anfrage kann nicht bearbeitet werden", status_code=400)
    assertContains(response, "Zur Startseite", status_code=400)


def test_a_nul_byte_in_a_form_or_a_cookie_gets_the_bad_request_page(client, town):
    assert client.post("/termin/", {"q": "a\x00b"}).status_code == 400
    client.cookies["sessionid"] = "\x00abcdefgh"  # sent quoted as "\000abcdefgh", read as NUL
    assert client.get("/termin/").status_code == 400


def test_without_the_nul_guard_postgresql_fails_on_a_nul_in_a_search(client, town, settings):
    """The guard is what keeps the NUL from the database: PostgreSQL refuses it (a 500)."""
    settings.MIDDLEWARE = [name for name in settings.MIDDLEWARE if name != NUL_GUARD]
    client.raise_request_exception = False
    status = client.get("/termin/", {"q": "Perso\x00"}).status_code
    assert status == (500 if connection.vendor == "postgresql" else 200)


def test_a_username_longer_than_any_login_is_refused_like_a_wrong_password(client, town):
    response = client.post("/verwaltung/anmelden/", {"username": "x" * 5000, "password": "x"})
    assertContains(response, "Benutzername oder Passwort ist falsch.", status_code=422)


def test_the_admin_treats_a_date_past_the_calendar_as_an_invalid_filter(administrator):
    response = administrator.get(
        "/admin/core/appointment/?start__year=9999&start__month=12&start__day=31"
    )
    assert response.status_code == 302
    assert response.url.endswith("?e=1")


def test_the_admin_lists_the_year_1_without_a_server_error(administrator):
    """SQLite overflows moving the year 1 to UTC: an invalid filter; PostgreSQL lists nothing."""
    response = administrator.get("/admin/core/appointment/?start__year=1")
    assert response.status_code == (302 if connection.vendor == "sqlite" else 200)


def test_the_admin_shows_no_authenticators_secret(administrator, town):
    device = town.user.totpdevice_set.get()
    for page in ("config", "qrcode"):
        assert (
            administrator.get(f"/admin/otp_totp/totpdevice/{device.pk}/{page}/").status_code == 403
        )
    assert administrator.get("/admin/otp_totp/totpdevice/0/qrcode/").status_code == 403
