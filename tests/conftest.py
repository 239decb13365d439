"""Shared fixtures. Bigger fixture families live in tests/fixtures/ and are plugged in here."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.utils import translation
from django_tasks import task_backends
from django_tasks_db import DatabaseBackend

from tests import factories

pytest_plugins = [
    "tests.fixtures.clock",
    "tests.fixtures.smtp",
    "tests.fixtures.browser",
    "tests.office.logins",
]

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached calendars are keyed by ids and versions, which a rolled-back test hands out again."""
    cache.clear()


@pytest.fixture(autouse=True)
def _german_by_default():
    """Each test starts in German: a request activating English must not leak into the next."""
    translation.activate("de")
    yield
    translation.deactivate()


def berlin(*args) -> datetime:
    """An aware Europe/Berlin instant, e.g. berlin(2026, 12, 7, 9, 30)."""
    return datetime(*args, tzinfo=BERLIN)


@pytest.fixture
def office(db):
    """A Bürgerbüro with one clerk (Mon–Fri 08–12) skilled for Personalausweis and Anmeldung."""
    where = factories.location(name="Bürgerbüro Mitte")
    id_card = factories.service(
        name="Personalausweis",
        locations=[where],
        documents=[
            ("bisheriger Personalausweis", "per_unit"),
            ("Code Ihres digitalen Passbilds", "per_unit"),
        ],
        fee=Decimal("46.00"),
    )
    registration = factories.service(
        name="Anmeldung",
        duration_minutes=15,
        additional_minutes=5,
        department=id_card.department,
        locations=[where],
        documents=[
            ("bisheriger Personalausweis", "per_unit"),
            ("Wohnungsgeberbestätigung", "once"),
        ],
        fee=Decimal("0.00"),
    )
    clerk = factories.staff(skills=[id_card, registration])
    factories.roster(clerk, where)
    return type(
        "Office",
        (),
        {"location": where, "id_card": id_card, "registration": registration, "clerk": clerk},
    )


@pytest.fixture
def db_tasks(settings):
    """Tasks go to the database table, as in production, until a worker runs them."""
    settings.TASKS = {
        "default": {
            "BACKEND": "amtstermin.core.outbox_backend.OutboxBackend",
            "QUEUES": ["default"],
        }
    }
    # django_tasks caches backends; its setting_changed receiver drops the cache.
    assert isinstance(task_backends["default"], DatabaseBackend)
