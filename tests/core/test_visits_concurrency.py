"""Clerks pressing "call next" at the same moment never get the same citizen."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections

from amtstermin.core import visits
from amtstermin.core.items import Item
from amtstermin.core.models import Counter, Visit
from tests import factories
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.xdist_group("threads")]

CLERKS = 6
NOW = berlin(2026, 12, 7, 10, 0)


def test_simultaneous_calls_call_each_waiting_citizen_once(office):
    for minute in range(CLERKS):
        visits.walk_in(office.location, [Item(office.id_card)], now=NOW + timedelta(seconds=minute))
    clerks = [
        factories.staff(skills=[office.id_card], department_=office.id_card.department)
        for _ in range(CLERKS)
    ]
    counters = [
        Counter.objects.create(location=office.location, name=str(n)) for n in range(CLERKS)
    ]
    barrier = threading.Barrier(CLERKS)

    def press(number):
        try:
            barrier.wait()
            called = visits.call_next(
                clerks[number], counters[number], now=NOW + timedelta(minutes=1)
            )
            return called.pk if called else None
        finally:
            connections.close_all()

    with ThreadPoolExecutor(CLERKS) as pool:
        called = list(pool.map(press, range(CLERKS)))

    assert sorted(called) == sorted(Visit.objects.values_list("pk", flat=True))
    assert Visit.objects.filter(state=Visit.State.CALLED).count() == CLERKS
