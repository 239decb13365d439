"""The waiting area's rules: check-in, walk-ins, call next, recall, no-show, queue status."""

from datetime import time, timedelta

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from amtstermin.core import booking, visits
from amtstermin.core.errors import (
    NotCalled,
    NotConfirmed,
    NotToday,
    OutsideOpeningHours,
    TooEarly,
    TooLate,
    UnknownReference,
)
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Channel,
    Closure,
    Counter,
    OpeningHours,
    Status,
    Visit,
    VisitEvent,
)
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

BOOKED_AT = berlin(2026, 12, 4, 15, 0)  # the Friday before
MONDAY = berlin(2026, 12, 7, 9, 30)


def book(office, start=MONDAY, *, items=None, email="erika@example.org", **options):
    with booking.without_mail():
        return booking.book(
            location=office.location,
            items=items or [Item(office.id_card)],
            start=start,
            contact=booking.Contact(name="Erika Mustermann", email=email),
            channel=Channel.PHONE,
            now=BOOKED_AT,
            **options,
        ).appointment


def counter(office, name="3") -> Counter:
    return Counter.objects.create(location=office.location, name=name)


def status_of(appointment) -> str:
    appointment.refresh_from_db()
    return appointment.status


# Check-in


def test_checking_in_just_in_time_queues_the_citizen_with_their_waiting_number(office):
    appointment = book(office)

    visit = visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))

    assert visit.state == Visit.State.WAITING
    assert visit.waiting_number == appointment.waiting_number
    assert visit.due_at == MONDAY
    assert [item.service_id for item in visit.items.all()] == [office.id_card.pk]
    assert status_of(appointment) == Status.CHECKED_IN
    assert list(visit.events.values_list("kind", flat=True)) == [VisitEvent.Kind.CHECKED_IN]


def test_checking_in_twice_keeps_the_first_visit(office):
    appointment = book(office)
    first = visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))

    again = visits.check_in(appointment, now=MONDAY - timedelta(minutes=2))

    assert again.pk == first.pk
    assert Visit.objects.count() == 1


def test_too_early_says_when_to_come_back(office):
    appointment = book(office)

    with translation.override("de"), pytest.raises(TooEarly) as refused:
        visits.check_in(appointment, now=MONDAY - timedelta(minutes=40))

    assert refused.value.come_back_at == MONDAY - timedelta(minutes=5)
    assert "09:25" in refused.value.message
    with translation.override("de"):
        assert refused.value.clerk_message == (
            "Erika Mustermann ist zu früh da: Der Termin ist um 09:30 Uhr, Einchecken ab 09:15 Uhr."
        )
    assert not Visit.objects.exists()
    assert status_of(appointment) == Status.BOOKED


def test_late_arrivals_are_served_after_those_on_time(office):
    appointment = book(office)
    late = MONDAY + timedelta(minutes=25)

    visit = visits.check_in(appointment, now=late)

    assert visit.due_at == late


def test_late_arrivals_rebook_where_the_location_says_so(office):
    office.location.late_rule = "rebook"
    office.location.save()
    appointment = book(office)

    with pytest.raises(TooLate) as refused:
        visits.check_in(appointment, now=MONDAY + timedelta(minutes=25))
    assert not Visit.objects.exists()
    with translation.override("de"):
        assert refused.value.clerk_message == (
            "Der Termin von Erika Mustermann war um 09:30 Uhr; an diesem Standort buchen "
            "Verspätete einen neuen Termin."
        )


def test_a_visit_on_another_day_is_refused_and_the_clerk_is_told_which_day(office):
    appointment = book(office)

    with pytest.raises(NotToday) as refused:
        visits.check_in(appointment, now=MONDAY - timedelta(days=3))
    assert not Visit.objects.exists()
    with translation.override("de"):
        assert refused.value.message.startswith("Ihr Termin ist nicht heute.")  # the kiosk's
        assert refused.value.clerk_message == (
            "Der Termin von Erika Mustermann ist am Montag, 7. Dezember – nicht heute."
        )
    with translation.override("en"):
        assert refused.value.clerk_message == (
            "The appointment of Erika Mustermann is on Monday, 7 December – not today."
        )


def test_an_unconfirmed_hold_cannot_check_in(office):
    held = book(office, require_confirmation=True)  # a phone booking that still asks
    held.status = Status.RESERVED
    held.save(update_fields=["status"])

    with pytest.raises(NotConfirmed) as refused:
        visits.check_in(held, now=MONDAY - timedelta(minutes=5))
    with translation.override("de"):
        assert refused.value.clerk_message == (
            "Erika Mustermann hat den Termin noch nicht per E-Mail bestätigt."
        )


def test_a_cancelled_appointment_cannot_check_in_and_the_clerk_is_told_why(office):
    appointment = book(office)
    booking.cancel(appointment=appointment, now=BOOKED_AT, channel=Channel.PHONE)

    with pytest.raises(UnknownReference) as refused:
        visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    assert not Visit.objects.exists()
    with translation.override("de"):
        assert refused.value.clerk_message == (
            "Der Termin von Erika Mustermann kann nicht eingecheckt werden: Status „abgesagt“."
        )


def test_the_kiosk_reads_a_reference_typed_loosely(office):
    appointment = book(office)
    typed = appointment.reference.replace("-", "").lower().replace("0", "o")

    visit = visits.check_in_reference(office.location, typed, now=MONDAY - timedelta(minutes=5))

    assert visit.appointment_id == appointment.pk


@pytest.mark.parametrize("typed", ["", "ABCD-EFGH-J", "not a number"])
def test_the_kiosk_refuses_unknown_references(office, typed):
    book(office)

    with pytest.raises(UnknownReference):
        visits.check_in_reference(office.location, typed, now=MONDAY)


def test_a_reference_of_another_location_is_unknown_here(office):
    appointment = book(office)
    elsewhere = factories.location(name="Bürgerbüro Nord")

    with pytest.raises(UnknownReference):
        visits.check_in_reference(elsewhere, appointment.reference, now=MONDAY)


# Calling


def test_call_next_calls_the_due_appointment_to_the_counter(office):
    appointment = book(office)
    visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    desk = counter(office)

    called = visits.call_next(office.clerk, desk, now=MONDAY)

    assert called.appointment_id == appointment.pk
    assert (called.state, called.counter, called.staff) == (Visit.State.CALLED, desk, office.clerk)
    assert status_of(appointment) == Status.CALLED
    [call] = visits.latest_calls(office.location, now=MONDAY)
    assert (call.number, call.counter) == (appointment.waiting_number, "3")


def test_pressing_next_again_finishes_the_last_visitor(office):
    first = book(office)
    second = book(office, MONDAY + timedelta(minutes=15), email="max@example.org")
    for appointment in (first, second):
        visits.check_in(appointment, now=appointment.start - timedelta(minutes=5))
    desk = counter(office)

    visits.call_next(office.clerk, desk, now=MONDAY)
    called = visits.call_next(office.clerk, desk, now=MONDAY + timedelta(minutes=14))

    assert called.appointment_id == second.pk
    assert status_of(first) == Status.DONE


def test_nobody_is_called_a_clerk_is_not_skilled_for(office):
    appointment = book(office, items=[Item(office.registration)])
    visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    novice = factories.staff(skills=[office.id_card])

    assert visits.call_next(novice, counter(office), now=MONDAY) is None
    assert visits.call_next(office.clerk, counter(office, "4"), now=MONDAY) is not None


def test_two_clerks_calling_get_two_different_citizens(office):
    for minutes, email in ((0, "a@example.org"), (15, "b@example.org")):
        appointment = book(office, MONDAY + timedelta(minutes=minutes), email=email)
        visits.check_in(appointment, now=appointment.start - timedelta(minutes=5))
    colleague = factories.staff(skills=[office.id_card], department_=office.id_card.department)

    one = visits.call_next(office.clerk, counter(office, "1"), now=MONDAY + timedelta(minutes=15))
    two = visits.call_next(colleague, counter(office, "2"), now=MONDAY + timedelta(minutes=15))

    assert one.pk != two.pk


def test_a_walk_in_fills_a_gap_but_never_delays_a_booked_citizen(office):
    book(office, MONDAY + timedelta(minutes=20))  # the clerk's next booked citizen, not here yet
    short = visits.walk_in(office.location, [Item(office.id_card)], now=MONDAY)  # 15 minutes
    desk = counter(office)

    assert visits.call_next(office.clerk, desk, now=MONDAY + timedelta(minutes=10)) is None
    assert visits.call_next(office.clerk, desk, now=MONDAY).pk == short.pk


def test_walk_ins_draw_the_next_waiting_number_of_the_day(office):
    appointment = book(office)

    walk_in = visits.walk_in(office.location, [Item(office.id_card)], now=MONDAY)

    assert walk_in.waiting_number != appointment.waiting_number
    assert walk_in.waiting_number.startswith(office.location.waiting_prefix + "-")
    assert walk_in.kind == Visit.Kind.WALK_IN and walk_in.minutes == 15


# Walk-ins outside opening hours

FRIDAY_EVENING = berlin(2026, 12, 4, 17, 43)


def open_mornings(office):
    """Official hours Monday to Friday 08:00–12:00, as the demo's Bürgerbüro has them."""
    for weekday in range(5):
        OpeningHours.objects.create(
            location=office.location, weekday=weekday, opens=time(8), closes=time(12)
        )


def test_walk_in_after_closing_time_is_refused_unless_the_clerk_confirms(office):
    open_mornings(office)
    items = [Item(office.id_card)]

    with translation.override("de"), pytest.raises(OutsideOpeningHours) as refused:
        visits.walk_in(office.location, items, now=FRIDAY_EVENING)
    assert refused.value.message == (
        "Bürgerbüro Mitte ist jetzt geschlossen. Öffnungszeiten heute: 08:00–12:00 Uhr."
    )
    assert not Visit.objects.exists()

    visit = visits.walk_in(office.location, items, now=FRIDAY_EVENING, despite_closed=True)
    assert visit.kind == Visit.Kind.WALK_IN and visit.state == Visit.State.WAITING


@pytest.mark.parametrize(
    ("hour", "minute", "issued"), [(7, 59, False), (8, 0, True), (11, 59, True), (12, 0, False)]
)
def test_walk_ins_are_issued_from_opening_until_closing_time(office, hour, minute, issued):
    open_mornings(office)
    at = berlin(2026, 12, 4, hour, minute)

    if issued:
        assert visits.walk_in(office.location, [Item(office.id_card)], now=at)
    else:
        with pytest.raises(OutsideOpeningHours):
            visits.walk_in(office.location, [Item(office.id_card)], now=at)


def test_walk_in_is_refused_on_a_weekday_without_opening_hours(office):
    open_mornings(office)
    saturday = berlin(2026, 12, 5, 10, 0)

    with translation.override("de"), pytest.raises(OutsideOpeningHours) as refused:
        visits.walk_in(office.location, [Item(office.id_card)], now=saturday)
    assert refused.value.message == "Bürgerbüro Mitte ist heute den ganzen Tag geschlossen."


def test_walk_in_is_refused_on_a_public_holiday_and_during_a_closure(office):
    items = [Item(office.id_card)]  # no official hours: rosters alone do not close the doors
    assert visits.walk_in(office.location, items, now=berlin(2026, 12, 4, 19, 0))

    with translation.override("de"), pytest.raises(OutsideOpeningHours) as refused:
        visits.walk_in(office.location, items, now=berlin(2026, 12, 25, 10, 0))
    assert refused.value.message == "Bürgerbüro Mitte ist heute geschlossen (Erster Weihnachtstag)."

    Closure.objects.create(
        location=office.location,
        start=berlin(2026, 12, 7, 9, 0),
        end=berlin(2026, 12, 7, 13, 0),
        reason="Betriebsausflug.",
    )
    with translation.override("de"), pytest.raises(OutsideOpeningHours) as refused:
        visits.walk_in(office.location, items, now=MONDAY)
    assert refused.value.message == "Bürgerbüro Mitte ist geschlossen: Betriebsausflug."
    assert visits.walk_in(office.location, items, now=berlin(2026, 12, 7, 13, 0))
    assert Visit.objects.count() == 2


def test_recall_no_show_and_done_are_recorded(office):
    appointment = book(office)
    visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    desk = counter(office)
    called = visits.call_next(office.clerk, desk, now=MONDAY)

    visits.recall(called, now=MONDAY + timedelta(minutes=2))
    gone = visits.no_show(called, now=MONDAY + timedelta(minutes=4))

    assert gone.state == Visit.State.NO_SHOW and gone.calls == 2
    assert status_of(appointment) == Status.NO_SHOW
    assert list(gone.events.values_list("kind", flat=True)) == [
        VisitEvent.Kind.CHECKED_IN,
        VisitEvent.Kind.CALLED,
        VisitEvent.Kind.RECALLED,
        VisitEvent.Kind.NO_SHOW,
    ]
    with pytest.raises(NotCalled):
        visits.finish(gone, now=MONDAY + timedelta(minutes=5))


def test_the_display_lists_each_number_once_and_only_todays_calls(office):
    first = book(office)
    second = book(office, MONDAY + timedelta(minutes=15), email="max@example.org")
    for appointment in (first, second):
        visits.check_in(appointment, now=appointment.start - timedelta(minutes=5))
    desk = counter(office)
    called = visits.call_next(office.clerk, desk, now=MONDAY)
    visits.call_next(office.clerk, desk, now=MONDAY + timedelta(minutes=15))
    visits.recall(Visit.objects.get(appointment=second), now=MONDAY + timedelta(minutes=16))

    today = visits.latest_calls(office.location, now=MONDAY + timedelta(minutes=20))
    tomorrow = visits.latest_calls(office.location, now=MONDAY + timedelta(days=1))

    assert [call.number for call in today] == [second.waiting_number, called.waiting_number]
    assert tomorrow == []


# Queue status


def test_queue_status_counts_who_is_ahead_and_says_when_the_office_runs_late(office):
    first = book(office)
    second = book(office, MONDAY + timedelta(minutes=15), email="max@example.org")
    for appointment in (first, second):
        visits.check_in(appointment, now=appointment.start - timedelta(minutes=5))
    arrived = second.start - timedelta(minutes=5)

    before = visits.queue_status(second, now=arrived)
    visits.call_next(office.clerk, counter(office), now=MONDAY + timedelta(minutes=12))
    after = visits.queue_status(second, now=MONDAY + timedelta(minutes=12))

    assert (before.position, before.expected_at, before.running_late) == (2, second.start, False)
    assert after.position == 1
    assert after.expected_at == second.start + timedelta(minutes=12)  # the office's delay
    assert after.running_late


# The choice itself, for any queue


def _visit(kind, due_minutes, minutes=15, pk=0):
    visit = Visit(
        kind=kind,
        due_at=MONDAY + timedelta(minutes=due_minutes),
        checked_in_at=MONDAY + timedelta(minutes=min(due_minutes, 0)),
        minutes=minutes,
    )
    visit.pk = pk
    return visit


queues = st.lists(
    st.tuples(
        st.sampled_from([Visit.Kind.APPOINTMENT, Visit.Kind.WALK_IN]),
        st.integers(-60, 60),
        st.integers(5, 60),
    ),
    max_size=12,
)


@given(queue=queues, gap=st.one_of(st.none(), st.integers(0, 90)))
def test_pick_follows_the_rules_for_any_queue(queue, gap):
    candidates = [_visit(kind, due, minutes, pk) for pk, (kind, due, minutes) in enumerate(queue)]
    next_booked = None if gap is None else MONDAY + timedelta(minutes=gap)

    chosen = visits.pick(candidates, now=MONDAY, next_booked=next_booked)

    due = [v for v in candidates if v.kind == Visit.Kind.APPOINTMENT and v.due_at <= MONDAY]
    fitting = [
        v
        for v in candidates
        if v.kind == Visit.Kind.WALK_IN
        and (next_booked is None or MONDAY + timedelta(minutes=v.minutes) <= next_booked)
    ]
    appointments = [v for v in candidates if v.kind == Visit.Kind.APPOINTMENT]
    if due:
        assert chosen.due_at == min(v.due_at for v in due) and chosen in due
    elif fitting:
        assert chosen in fitting
    elif appointments:
        assert chosen.due_at == min(v.due_at for v in appointments)
    else:
        assert chosen is None
