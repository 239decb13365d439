"""What the booking wizard's tests share: a fixed clock and the way through the steps.

The clock (`clock`, tests/fixtures/clock.py) stands on Friday 4 December 2026, 15:00 in Berlin,
so the calendar shows the same month, days and labels on every run; the `office` fixture
(tests/conftest.py) opens Monday to Friday 08–12 for Personalausweis and Anmeldung, bookable up
to Friday 15 January 2027.
"""

import base64
import json
import re
from datetime import date, datetime

import altcha
import pytest
from django.urls import reverse
from django.utils import timezone

from amtstermin.core import booking, captcha
from amtstermin.core.items import Item
from amtstermin.core.models import Channel
from tests import factories
from tests.conftest import berlin
from tests.fixtures.transactions import as_committed

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday afternoon
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)
MONDAY_9 = berlin(2026, 12, 7, 9, 0)
CONTACT = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "phone": "02381 123456",
    "language": "de",
    "consent": "on",
}
DRAFT = "booking_draft"  # the session key of the wizard's state (wizard/draft.py)


@pytest.fixture
def easy_captcha(monkeypatch):
    """ALTCHA with a few hundred microseconds of work instead of half a second (as in core)."""
    monkeypatch.setattr(captcha, "COST", 2)
    monkeypatch.setattr(captcha, "COUNTER_MIN", 5)
    monkeypatch.setattr(captcha, "COUNTER_MAX", 50)


def quantities(*pairs) -> dict[str, int]:
    """The services form's data: quantities((service, 2), …) → {"service-<pk>": 2, …}."""
    return {f"service-{service.pk}": quantity for service, quantity in pairs}


def time_step(day: date) -> str:
    return f"{reverse('citizen:time')}?tag={day.isoformat()}"


def offered(response) -> list[str]:
    """The start instants a time page offers, as its buttons post them back."""
    return re.findall(r'name="start" value="([^"]+)"', response.content.decode())


def draft_of(client) -> dict | None:
    return client.session.get(DRAFT)


def choose_services(client, office, *, services=None) -> None:
    """Services chosen (one Personalausweis unless told): the calendar is next."""
    data = quantities(*(services or [(office.id_card, 1)]))
    response = client.post(reverse("citizen:services"), data)
    assert response.status_code == 302, response.content.decode()


def choose_time(client, start: datetime) -> None:
    day = start.astimezone(NOW.tzinfo).date()
    response = client.post(time_step(day), {"start": start.isoformat()})
    assert response.status_code == 302, response.content.decode()


def walk_to_review(client, office, *, start=MONDAY_9, services=None, contact=None) -> None:
    """Services, time and contact given (no ALTCHA solved): the review page is next."""
    choose_services(client, office, services=services)
    choose_time(client, start)
    response = client.post(reverse("citizen:contact"), {**CONTACT, **(contact or {})})
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("citizen:review")


def review_key(client) -> str:
    """The idempotency key the review page's form carries."""
    page = client.get(reverse("citizen:review")).content.decode()
    return re.search(r'name="key" value="([^"]+)"', page).group(1)


def solved_captcha() -> str:
    """What the ALTCHA widget posts after solving a fresh challenge of ours."""
    issued = timezone.now()
    made = json.loads(json.dumps(captcha.challenge(issued)))  # as the widget receives it
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(made), timeout=10)
    payload = {"challenge": made, "solution": solution.to_dict()}
    return base64.b64encode(json.dumps(payload).encode()).decode()


def tampered(change) -> str:
    """A solved payload with one thing changed after solving."""
    data = json.loads(base64.b64decode(solved_captcha()))
    change(data)
    return base64.b64encode(json.dumps(data).encode()).decode()


def forged_key(data):
    key = data["solution"]["derivedKey"]
    data["solution"]["derivedKey"] = key[:-1] + ("0" if key[-1] != "0" else "1")


def longer_life(data):
    data["challenge"]["parameters"]["expiresAt"] += 3600


def book_directly(office, start, *, name="Max Muster", email="max@example.org", **options):
    """An appointment someone else booked (through the core, not the wizard), committed."""
    with as_committed():
        return booking.book(
            location=office.location,
            items=options.pop("items", None) or [Item(office.id_card)],
            start=start,
            contact=booking.Contact(name=name, email=email),
            channel=Channel.ONLINE,
            now=timezone.now(),
            **options,
        )


@pytest.fixture
def north(office):
    """A second location offering Personalausweis (not Anmeldung), with its own clerk."""
    where = factories.location(name="Bürgerbüro Nord", street="Nordring 5")
    office.id_card.locations.add(where)
    factories.roster(factories.staff(skills=[office.id_card]), where)
    return where
