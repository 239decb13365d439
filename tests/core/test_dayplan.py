"""The back office's day plan: who works when, who is away, and who is booked."""

from datetime import date, time

import pytest

from amtstermin.core import booking
from amtstermin.core.dayplan import day_plan
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Channel, Closure
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

MONDAY = date(2026, 12, 7)


def book(office, start, name="Erika Mustermann"):
    with booking.without_mail():
        return booking.book(
            location=office.location,
            items=[Item(office.id_card, 2)],
            start=start,
            contact=booking.Contact(name=name, phone="02381 123456"),
            channel=Channel.PHONE,
            now=berlin(2026, 12, 4, 15, 0),
        ).appointment


def test_the_plan_shows_roster_blocks_absences_and_appointments_per_clerk(office):
    factories.roster(
        office.clerk, office.location, start=time(13), end=time(15), online_bookable=False
    )
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 7, 10), end=berlin(2026, 12, 7, 11)
    )
    appointment = book(office, berlin(2026, 12, 7, 9, 0))
    cancelled = book(office, berlin(2026, 12, 7, 11, 0), name="Max")
    booking.cancel(appointment=cancelled, now=berlin(2026, 12, 5, 9), channel=Channel.PHONE)

    plan = day_plan(office.location, MONDAY)

    [lane] = plan.lanes
    assert lane.staff == office.clerk
    assert [(b.start.hour, b.end.hour, b.kind) for b in lane.blocks] == [
        (8, 12, "online"),
        (10, 11, "absence"),
        (13, 15, "kept_back"),
    ]
    assert [a.pk for a in lane.appointments] == [appointment.pk, cancelled.pk]
    assert lane.booked_minutes == appointment.duration_minutes
    assert plan.holiday is None and plan.closures == []


def test_a_holiday_has_no_roster_and_a_closure_is_shown(office):
    christmas = date(2026, 12, 25)
    Closure.objects.create(
        location=office.location,
        start=berlin(2026, 12, 25, 0),
        end=berlin(2026, 12, 26, 0),
        reason="Weihnachten",
    )

    plan = day_plan(office.location, christmas)

    assert plan.holiday
    assert all(lane.blocks == [] for lane in plan.lanes)
    assert [(c.kind, c.note) for c in plan.closures] == [("closure", "Weihnachten")]


def test_the_plan_shows_only_the_departments_asked_for(office):
    other = factories.staff(department_=factories.department(name="Standesamt"))
    factories.roster(other, office.location)

    mine = day_plan(office.location, MONDAY, departments=[office.clerk.department])
    everyone = day_plan(office.location, MONDAY)

    assert [lane.staff for lane in mine.lanes] == [office.clerk]
    assert {lane.staff for lane in everyone.lanes} == {office.clerk, other}


def test_the_plan_needs_few_queries_whatever_the_number_of_clerks(
    office, django_assert_max_num_queries
):
    for _ in range(5):
        clerk = factories.staff(skills=[office.id_card])
        factories.roster(clerk, office.location)
    for hour in (8, 9, 10):
        book(office, berlin(2026, 12, 7, hour, 0))

    # clerks, rosters, absences, appointments + items + services, closures, visits, counters
    with django_assert_max_num_queries(9):
        plan = day_plan(office.location, MONDAY)
        sum(len(lane.appointments) for lane in plan.lanes)
        [
            item.service.name
            for lane in plan.lanes
            for a in lane.appointments
            for item in a.items.all()
        ]


def test_the_plan_lists_who_was_called_to_which_counter(office):
    from amtstermin.core import visits
    from amtstermin.core.models import Counter

    appointment = book(office, berlin(2026, 12, 7, 9, 0))
    desk, spare = (Counter.objects.create(location=office.location, name=n) for n in ("1", "2"))
    visits.check_in(appointment, now=berlin(2026, 12, 7, 8, 55))
    visits.call_next(office.clerk, desk, now=berlin(2026, 12, 7, 9, 2))

    plan = day_plan(office.location, MONDAY)

    assert [(lane.counter, [v.waiting_number for v in lane.visits]) for lane in plan.counters] == [
        (desk, [appointment.waiting_number]),
        (spare, []),
    ]
