"""A bot without the proof of work cannot empty a day through the wizard; a citizen still books.

Over real HTTP against pytest-django's live server, with plain urllib: the bot walks the wizard
as a browser without JavaScript does (no ALTCHA payload), each time with a fresh session, a new
address of a catch-all domain and a new IPv4 address of its /24 (so the per-address rate limit
and the per-mailbox limit never stop it). It aims at every fifth start, so that each
15-minute hold blocks five starts. The findings: 31 such holds emptied a day's 91 starts in 23 s.
A twin switches the caps off and shows the same bot then takes nearly half the day.
"""

import re
from datetime import time, timedelta
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, Request, build_opener

import pytest
from django.urls import reverse

from amtstermin.core import limits
from amtstermin.core.models import Appointment, Status
from tests import factories
from tests.citizen.conftest import CONTACT, MONDAY, NOW, time_step
from tests.citizen.test_wizard_concurrency import _NoRedirects
from tests.conftest import berlin

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clock"),
    pytest.mark.xdist_group("threads"),
]

assert NOW == berlin(2026, 12, 4, 15, 0)  # the wizard's Friday; the bot aims at Monday
ATTEMPTS = 12
TARGETS = [berlin(2026, 12, 7, 8, 0) + timedelta(minutes=25 * n) for n in range(ATTEMPTS)]
REFUSAL = (
    "Zurzeit können wir für Buchungen ohne die automatische Prüfung gegen Bots keine weiteren "
    "Zeiten freihalten. Bitte versuchen Sie es später noch einmal, schalten Sie JavaScript ein, "
    "um sofort zu buchen, oder rufen Sie uns an: 02381 17-0."
)


class Browser:
    """A browser without JavaScript behind one address: own cookies, answers never raised."""

    def __init__(self, base_url: str, address: str) -> None:
        self.base_url, self.address, self.csrf = base_url, address, ""
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects())

    def get(self, path: str):
        return self._send(Request(self.base_url + path))

    def post(self, path: str, data: dict):
        body = urlencode({"csrfmiddlewaretoken": self.csrf, **data}).encode()
        return self._send(Request(self.base_url + path, data=body, method="POST"))

    def _send(self, request: Request):
        # The trusted proxy in front of the app (TRUSTED_PROXY_COUNT = 1) names the client.
        request.add_header("X-Forwarded-For", self.address)
        try:
            response = self.opener.open(request, timeout=60)
        except HTTPError as error:
            response = error
        with response:
            page = response.read().decode()
        if token := re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page):
            self.csrf = token.group(1)
        return response.status, page


def free_starts(base_url: str) -> list[str]:
    """Monday's starts as a new visitor's time page offers them."""
    browser = Browser(base_url, "192.0.2.1")
    browser.get(reverse("citizen:services"))
    browser.post(reverse("citizen:services"), {f"service-{SERVICE[0]}": 1})
    status, page = browser.get(time_step(MONDAY))
    assert status == 200, page
    return re.findall(r'name="start" value="([^"]+)"', page)


SERVICE: list[int] = []  # the service's pk, set by the fixture below


@pytest.fixture
def long_monday(settings):
    """One clerk, Monday 08:00–18:00: 118 starts of the 15-minute Personalausweis."""
    settings.TRUSTED_PROXY_COUNT = 1
    where = factories.location(name="Bürgerbüro Süd", phone="02381 17-0")
    service = factories.service(name="Personalausweis", duration_minutes=15, locations=[where])
    factories.roster(factories.staff(skills=[service]), where, weekdays=[0], end=time(18))
    SERVICE[:] = [service.pk]
    return where


def book_without_javascript(base_url: str, address: str, email: str, start: str):
    """One walk through the wizard without the ALTCHA payload; the answer to "book"."""
    browser = Browser(base_url, address)
    browser.get(reverse("citizen:services"))
    steps = [
        (reverse("citizen:services"), {f"service-{SERVICE[0]}": 1}),
        (time_step(MONDAY), {"start": start}),
        (reverse("citizen:contact"), {**CONTACT, "email": email}),
    ]
    for path, data in steps:
        status, page = browser.post(path, data)
        if status != 302:
            return status, page  # the time was taken meanwhile: the bot moves on
    status, page = browser.get(reverse("citizen:review"))
    key = re.search(r'name="key" value="([^"]+)"', page).group(1)
    return browser.post(reverse("citizen:review"), {"key": key})


def run_bot(base_url: str) -> list[int]:
    return [
        book_without_javascript(
            base_url, f"203.0.113.{n + 1}", f"reseller{n}@catchall.example", start.isoformat()
        )[0]
        for n, start in enumerate(TARGETS)
    ]


def test_a_bot_without_proof_takes_at_most_a_tenth_of_a_day_and_a_citizen_still_books(
    live_server, long_monday
):
    before = free_starts(live_server.url)
    assert len(before) == 118

    statuses = run_bot(live_server.url)

    after = free_starts(live_server.url)
    lost = len(before) - len(after)
    assert 0 < lost <= len(before) / 10, (lost, statuses)
    assert statuses.count(302) == 1 and statuses.count(422) == ATTEMPTS - 1, statuses
    status, page = book_without_javascript(
        live_server.url, "203.0.113.99", "reseller99@catchall.example", after[-1]
    )
    assert status == 422 and REFUSAL in page  # said plainly, in German, with the phone number
    assert free_starts(live_server.url) == after  # a refused hold held nothing

    # An honest citizen without JavaScript, on another network, books that day.
    status, page = book_without_javascript(
        live_server.url, "198.51.100.7", "erika@example.org", after[len(after) // 2]
    )
    assert status == 302, page
    erika = Appointment.objects.get(email="erika@example.org")
    assert erika.status == Status.RESERVED and erika.local_day == MONDAY


def test_without_the_caps_the_same_bot_takes_nearly_half_the_day(
    live_server, long_monday, monkeypatch
):
    """Proves the test above can fail: the rate and mailbox limits alone do not stop it."""
    monkeypatch.setattr(limits, "check_unproven_hold", lambda *args, **kwargs: None)
    before = free_starts(live_server.url)

    statuses = run_bot(live_server.url)

    lost = len(before) - len(free_starts(live_server.url))
    assert statuses == [302] * ATTEMPTS
    assert lost > 4 * len(before) / 10, lost  # 12 holds: 3 + 11 × 5 = 58 of 118 starts
