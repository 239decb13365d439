"""The wish-list's figures per service of a location (core/wishes/statistics.py), with numbers.

The clock starts on Friday 4 December 2026, 15:00 in Berlin; the period is that ISO week
(30 November to 6 December). The wishes take any time on Monday 7 December.
"""

from datetime import date, timedelta

import pytest

from amtstermin.core.items import Item
from amtstermin.core.models import StaffMember, WishOffer
from amtstermin.core.statistics import Period
from amtstermin.core.wishes import offers, rounds, statistics, store
from tests import factories
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db]

NOW = berlin(2026, 12, 4, 15, 0)
WEEK = Period.week(date(2026, 12, 4))


def by_phone(office, staff, services, phone, *, locations=None, now=NOW):
    return store.leave_for_caller(
        items=[Item(service) for service in services],
        wanted=store.Wanted(
            locations=locations or [office.location], latest_date=date(2026, 12, 7)
        ),
        wisher=store.Wisher("Karl Anrufer", "", phone),
        staff=staff,
        now=now,
    )


def open_offer(wish) -> WishOffer:
    return wish.offers.get(state=WishOffer.State.OPEN)


def test_left_served_waited_declined_and_lapsed_per_service(office, clock):
    clerk = factories.staff(
        department_=office.id_card.department, role=StaffMember.Role.ADMINISTRATOR
    )
    elsewhere = factories.location(name="Rathaus Nord")
    factories.roster(factories.staff(skills=[office.id_card]), elsewhere)
    office.id_card.locations.add(elsewhere)
    clock.now = NOW
    first = by_phone(office, clerk, [office.id_card], "0171 1")
    second = by_phone(office, clerk, [office.id_card], "0171 2")
    third = by_phone(office, clerk, [office.registration], "0171 3")
    by_phone(office, clerk, [office.id_card], "0171 4", locations=[elsewhere])  # not here
    store.leave(  # never verified: no place in any queue, not counted
        items=[Item(office.id_card)],
        wanted=store.Wanted(locations=[office.location], latest_date=date(2026, 12, 7)),
        wisher=store.Wisher("Eve", "eve@example.org"),
        now=NOW,
    )
    clock.now = NOW + timedelta(minutes=10)
    offers.decline(offer=open_offer(second), now=clock.now)
    clock.now = NOW + timedelta(minutes=30)
    offers.accept(offer=open_offer(first), now=clock.now)  # waited half an hour
    clock.now = NOW + timedelta(hours=1)
    offers.accept(offer=open_offer(second), now=clock.now)  # waited an hour
    clock.now = NOW + timedelta(hours=2, minutes=5)
    rounds.tend(now=clock.now)  # the third's offer lapses; it is offered another time
    store.cancel(wish=third, now=clock.now)

    id_card, registration = statistics.figures(office.location, WEEK.first, WEEK.last)
    if id_card.service != office.id_card:
        id_card, registration = registration, id_card
    assert (id_card.left, id_card.served, id_card.declined, id_card.lapsed) == (2, 2, 1, 0)
    assert id_card.served_share == 1.0
    assert id_card.median_hours == 0.75
    assert registration.service == office.registration
    assert (registration.left, registration.served) == (1, 0)
    assert (registration.declined, registration.lapsed) == (0, 1)
    assert registration.served_share == 0.0 and registration.median_hours is None
    # The location elsewhere: its own wish, waiting.
    (there,) = statistics.figures(elsewhere, WEEK.first, WEEK.last)
    assert (there.service, there.left, there.served) == (office.id_card, 1, 0)
    # Nothing the week before; nothing for another department.
    before = WEEK.previous()
    assert statistics.figures(office.location, before.first, before.last) == []
    other = factories.department(name="Standesamt")
    assert statistics.figures(office.location, WEEK.first, WEEK.last, departments=[other]) == []
    assert (
        len(
            statistics.figures(
                office.location, WEEK.first, WEEK.last, departments=[office.id_card.department]
            )
        )
        == 2
    )


def test_the_figures_cost_three_queries_whatever_the_count(office, django_assert_num_queries):
    clerk = factories.staff(
        department_=office.id_card.department, role=StaffMember.Role.ADMINISTRATOR
    )
    for number in range(3):
        by_phone(office, clerk, [office.id_card, office.registration], f"0171 {number}")
    with django_assert_num_queries(3):
        rows = statistics.figures(office.location, WEEK.first, WEEK.last)
    assert [row.left for row in rows] == [3, 3]
