"""Citizens racing for one time through the wizard over real HTTP: one appointment, never two.

Each thread is a browser of its own (its own cookies, so its own session and draft) that walks
the wizard to Monday 09:00 against pytest-django's live server; a barrier then releases all
"Verbindlich buchen" clicks at once. As in tests/core/test_concurrency.py, a twin first switches
the database's guard off and shows that the race is real over HTTP too, so the guarded test
cannot pass because the server happened to answer one request at a time. Last, the two clicks of
one double click arrive together from one browser. All run on SQLite and on PostgreSQL
(scripts/test.sh runs the suite on each): PostgreSQL's exclusion constraint and SQLite's
BEGIN IMMEDIATE are the two guards.
"""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest
from django.core.cache import cache
from django.urls import reverse

from amtstermin.core import booking
from amtstermin.core.models import HOLDING, Appointment
from tests.citizen.conftest import CONTACT, MONDAY, MONDAY_9, time_step
from tests.core.test_concurrency import guard_off

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clock"),
    pytest.mark.xdist_group("threads"),
]

# Within the booking rate limit: every browser posts from 127.0.0.1 (core/limits.py allows 10).
BROWSERS = 8
TAKEN_HEADING = "Diese Zeit wurde gerade vergeben</h1>"


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class Browser:
    """A client with its own cookie jar; answers are (status, headers, body), never raised."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())
        self.csrf = ""

    def get(self, path: str):
        return self._send(Request(self.base_url + path))

    def post(self, path: str, data: dict):
        body = urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        return self._send(Request(self.base_url + path, data=body, method="POST"))

    def _send(self, request: Request):
        try:
            response = self.opener.open(request, timeout=60)
        except HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            response = error
        with response:
            page = response.read().decode()
        if token := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page):
            self.csrf = token.group(1)
        return response.status, response.headers, page


def walk_to_review(browser: Browser, office, number: int) -> str:
    """Services, Monday 09:00 and a contact of its own; returns the review form's key."""
    browser.get(reverse("citizen:services"))
    steps = [
        (reverse("citizen:services"), {f"service-{office.id_card.pk}": 1}),
        (time_step(MONDAY), {"start": MONDAY_9.isoformat()}),
        (reverse("citizen:contact"), {**CONTACT, "email": f"citizen{number}@example.org"}),
    ]
    for path, data in steps:
        status, headers, page = browser.post(path, data)
        assert status == 302, f"{path}: {status}\n{page}"
    status, _headers, page = browser.get(reverse("citizen:review"))
    assert status == 200, page
    return re.search(r'name="key" value="([^"]+)"', page).group(1)


def race(live_server, office) -> list[tuple[int, str, str]]:
    """Every browser walks to the review, then all click "Verbindlich buchen" at once."""
    barrier = threading.Barrier(BROWSERS, timeout=60)

    def attempt(number: int):
        browser = Browser(live_server.url)
        try:
            key = walk_to_review(browser, office, number)
        except BaseException:
            barrier.abort()  # the others must not wait for a browser that will never come
            raise
        barrier.wait()
        status, headers, page = browser.post(reverse("citizen:review"), {"key": key})
        return status, headers.get("Location", ""), page

    with ThreadPoolExecutor(BROWSERS) as pool:
        return list(pool.map(attempt, range(BROWSERS)))


def test_citizens_clicking_book_at_once_get_the_time_exactly_once(live_server, office):
    answers = race(live_server, office)

    statuses = Counter(status for status, _location, _page in answers)
    assert statuses == Counter({302: 1, 409: BROWSERS - 1}), statuses
    [winner] = [location for status, location, _page in answers if status == 302]
    assert re.fullmatch(r"/termin/verwalten/[^/]+/\?neu=1", winner), winner
    [booked] = Appointment.objects.filter(status__in=HOLDING)
    assert booked.start == MONDAY_9
    for status, _location, page in answers:
        if status == 409:  # a page to go on from: the nearest free times, not an error
            assert TAKEN_HEADING in page
            assert "Die nächsten freien Zeiten" in page
            alternatives = re.findall(r'name="start" value="([^"]+)"', page)
            assert alternatives and MONDAY_9.isoformat() not in alternatives


def test_without_the_guard_the_race_over_http_is_real(live_server, office):
    """Proves the test above can fail: unguarded, the same clicks double-book or fail."""
    with guard_off():
        for _round in range(3):  # a race is a race: give it three chances to show itself
            answers = race(live_server, office)
            booked = Appointment.objects.filter(start=MONDAY_9, status__in=HOLDING).count()
            errors = sum(1 for status, _location, _page in answers if status >= 500)
            if booked > 1 or errors:
                break
            Appointment.objects.all().delete()
            cache.clear()  # the rate limit's count and the calendar of the round before
    # PostgreSQL double-books; SQLite without IMMEDIATE fails writers with "database is locked".
    assert booked > 1 or errors, Counter(status for status, _location, _page in answers)


def test_a_double_click_arriving_at_once_books_once_and_both_clicks_land_on_it(live_server, office):
    """A browser sends both clicks of a double click and shows the answer to the second."""
    browser = Browser(live_server.url)
    key = walk_to_review(browser, office, 1)
    barrier = threading.Barrier(2, timeout=60)

    def click(_number):
        barrier.wait()
        status, headers, page = browser.post(reverse("citizen:review"), {"key": key})
        return status, headers.get("Location", ""), page

    with ThreadPoolExecutor(2) as pool:
        answers = list(pool.map(click, range(2)))

    statuses = [status for status, _location, _page in answers]
    assert statuses == [302, 302], (
        f"BUG: {statuses}: one click of the double click was told its own time was taken "
        "(core/booking.py book() answers _Taken without looking for the repeat)"
    )
    tokens = [
        re.search(r"/termin/verwalten/([^/]+)/", location).group(1) for _s, location, _p in answers
    ]
    [booked] = Appointment.objects.all()
    assert {booking.find_by_token(token) for token in tokens} == {booked}
