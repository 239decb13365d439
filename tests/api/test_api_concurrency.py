"""Systems racing for one time through the API over real HTTP: one 201, the rest 409.

Like tests/citizen/test_wizard_concurrency.py for the pages: each thread solves its own ALTCHA
challenge and builds its body first, then a barrier releases every POST at once against the
live server. Runs on SQLite and on PostgreSQL (scripts/test.sh runs the suite on each).
"""

import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from urllib.error import HTTPError
from urllib.request import Request, urlopen

import pytest

from amtstermin.core.models import HOLDING, Appointment
from tests.citizen.conftest import MONDAY_9, solved_captcha

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("clock", "easy_captcha"),
    pytest.mark.xdist_group("threads"),
]

CALLERS = 8  # within the booking rate limit of one network (core/limits.py allows 10)


def post(url: str, body: dict) -> tuple[int, dict]:
    request = Request(
        url, json.dumps(body).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urlopen(request, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except HTTPError as error:
        with error:
            return error.status, json.loads(error.read())


def test_concurrent_reservations_of_one_time_book_it_exactly_once(live_server, office):
    barrier = threading.Barrier(CALLERS, timeout=60)

    def attempt(number: int) -> tuple[int, dict]:
        body = {
            "location": office.location.pk,
            "items": [{"service": office.id_card.pk}],
            "start": MONDAY_9.isoformat(),
            "name": f"Bürger {number}",
            "email": f"citizen{number}@example.org",
            "consent": True,
            "altcha": solved_captcha(),
        }
        barrier.wait()
        return post(f"{live_server.url}/api/v1/appointments", body)

    with ThreadPoolExecutor(CALLERS) as pool:
        answers = list(pool.map(attempt, range(CALLERS)))

    statuses = Counter(status for status, _body in answers)
    assert statuses == Counter({201: 1, 409: CALLERS - 1}), answers
    (booked,) = Appointment.objects.filter(status__in=HOLDING)
    assert booked.start == MONDAY_9
    for status, body in answers:
        if status == 409:
            assert body["type"].endswith("/slot-taken")
            assert body["alternatives"] and MONDAY_9.isoformat() not in body["alternatives"]
