"""Check in, walk in, call next, recall, no-show, done: the only writers of visits.

The waiting area stays empty when people come just in time: check-in opens a few minutes before
the appointment, and the clerk who presses "call next" gets the person who is due. Appointments
are called in time order; a walk-in is called when it fits the gap before the clerk's next
booked appointment, so walk-ins never make booked citizens wait.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import median

from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from . import numbers, staff_scope, webhooks
from .errors import (
    NotCalled,
    NotConfirmed,
    NotToday,
    OutsideOpeningHours,
    TooEarly,
    TooLate,
    UnknownReference,
)
from .items import Item, total_minutes, validate
from .models import (
    Appointment,
    Counter,
    Location,
    StaffMember,
    Status,
    Visit,
    VisitEvent,
    VisitItem,
)
from .summary import ARRIVE_BEFORE

# The events a call display shows.
CALL_KINDS = (VisitEvent.Kind.CALLED, VisitEvent.Kind.RECALLED)
# Statuses of an appointment the office may still receive.
RECEIVABLE = (Status.BOOKED, Status.CHECKED_IN)
# How many recent calls estimate whether the office runs late, and from when it says so.
LATENESS_SAMPLE = 5
RUNNING_LATE = timedelta(minutes=10)


def check_in_reference(location: Location, typed: str, *, now: datetime) -> Visit:
    """Check in with a typed or scanned reference number (kiosk, desk)."""
    reference = numbers.parse_reference(typed or "")
    appointment = (
        Appointment.objects.filter(reference=reference, location=location).first()
        if reference
        else None
    )
    if appointment is None:
        raise UnknownReference()
    return check_in(appointment, now=now)


def check_in(appointment: Appointment, *, now: datetime) -> Visit:
    """The citizen is here. Checking in twice returns the first visit.

    Raises NotToday, NotConfirmed, TooEarly (with the time to come back) or TooLate (when the
    location asks late arrivals to book again).
    """
    with transaction.atomic(durable=True):
        appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
        existing = Visit.objects.filter(appointment=appointment).first()
        if existing:
            return existing
        location = appointment.location
        if location.local_date(appointment.start) != location.local_date(now):
            raise NotToday(appointment=appointment)
        if appointment.status == Status.RESERVED:
            raise NotConfirmed(appointment=appointment)
        if appointment.status not in RECEIVABLE:
            raise UnknownReference(appointment=appointment)
        opens_at = appointment.start - timedelta(minutes=location.check_in_early_minutes)
        if now < opens_at:
            raise TooEarly(
                come_back_at=(appointment.start - ARRIVE_BEFORE).astimezone(location.zone),
                appointment=appointment,
                opens_at=opens_at,
            )
        due = appointment.start
        if now > appointment.start + timedelta(minutes=location.late_tolerance_minutes):
            if location.late_rule == "rebook":
                raise TooLate(appointment=appointment)
            due = now  # still served, after those who came on time
        visit = Visit.objects.create(
            location=location,
            kind=Visit.Kind.APPOINTMENT,
            appointment=appointment,
            waiting_day=appointment.waiting_day,
            waiting_number=appointment.waiting_number,
            due_at=due,
            minutes=appointment.duration_minutes,
            checked_in_at=now,
        )
        VisitItem.objects.bulk_create(
            VisitItem(visit=visit, service_id=row.service_id, quantity=row.quantity)
            for row in appointment.items.all()
        )
        _event(visit, VisitEvent.Kind.CHECKED_IN, now)
        _set_status(appointment, Status.CHECKED_IN, now)
    return visit


def walk_in(
    location: Location, items: Sequence[Item], *, now: datetime, despite_closed: bool = False
) -> Visit:
    """A waiting number for someone without an appointment; they fill the gaps.

    Raises OutsideOpeningHours while the location is closed, unless the clerk confirmed
    `despite_closed` (someone let in just before closing is still served).
    """
    items = list(items)
    validate(items, location)
    if not despite_closed:
        reason = closed_because(location, now=now)
        if reason:
            raise OutsideOpeningHours(reason)
    with transaction.atomic(durable=True):
        day = location.local_date(now)
        visit = Visit.objects.create(
            location=location,
            kind=Visit.Kind.WALK_IN,
            waiting_day=day,
            waiting_number=numbers.next_waiting_number(location, day),
            due_at=now,
            minutes=total_minutes(items),
            checked_in_at=now,
        )
        VisitItem.objects.bulk_create(
            VisitItem(visit=visit, service=item.service, quantity=item.quantity) for item in items
        )
        _event(visit, VisitEvent.Kind.CHECKED_IN, now)
    return visit


def closed_because(location: Location, *, now: datetime) -> str | None:
    """Why `location` lets nobody in at `now` (closure, public holiday, outside its official
    opening hours), or None when it is open.

    Without official hours entered only closures and holidays close it: rosters alone cannot
    tell opening hours from back-office time.
    """
    local = now.astimezone(location.zone)
    closure = location.closures.filter(start__lte=now, end__gt=now).first()
    if closure:
        return _("%(location)s is closed: %(reason)s.") % {
            "location": location.name,
            "reason": closure.reason.rstrip("."),  # staff may end it with a full stop
        }
    holiday = location.holidays_between(local.date(), local.date()).get(local.date())
    if holiday:
        return _("%(location)s is closed today (%(holiday)s).") % {
            "location": location.name,
            "holiday": holiday,
        }
    hours = list(location.opening_hours.all())
    if not hours:
        return None
    today = [span for span in hours if span.weekday == local.weekday()]
    if any(span.opens <= local.time() < span.closes for span in today):
        return None
    if not today:
        return _("%(location)s is closed all day today.") % {"location": location.name}
    return _("%(location)s is closed now. Opening hours today: %(hours)s.") % {
        "location": location.name,
        "hours": ", ".join(
            f"{formats.time_format(span.opens)}–{formats.time_format(span.closes)}"
            for span in today
        ),
    }


def call_next(staff: StaffMember, counter: Counter, *, now: datetime) -> Visit | None:
    """Call the next visitor `staff` is skilled for to `counter`; None if nobody fits now.

    Whoever the clerk called before is done: pressing "next" means the last one has left.
    Only visitors of the clerk's own department are called, whatever the skills say (a skill
    entered by mistake must not open another department's queue).
    """
    with transaction.atomic(durable=True):
        for current in Visit.objects.select_for_update().filter(
            staff=staff, state=Visit.State.CALLED
        ):
            _finish(current, now)
        skills = set(staff.skills.values_list("pk", flat=True))
        # Locked in the order of their due time: two clerks pressing at once get two people.
        waiting = list(
            staff_scope.of_own_department(Visit.objects.select_for_update(), staff)
            .filter(location=counter.location, state=Visit.State.WAITING)
            .order_by("due_at", "pk")
            .prefetch_related("items")
        )
        candidates = [v for v in waiting if {i.service_id for i in v.items.all()} <= skills]
        chosen = pick(candidates, now=now, next_booked=_next_booked_start(staff, now))
        if chosen is None:
            return None
        chosen.state = Visit.State.CALLED
        chosen.called_at = now
        chosen.counter = counter
        chosen.staff = staff
        chosen.calls = 1
        chosen.save(update_fields=["state", "called_at", "counter", "staff", "calls"])
        _event(chosen, VisitEvent.Kind.CALLED, now)
        if chosen.appointment_id:
            _set_status(chosen.appointment, Status.CALLED, now)
    return chosen


def pick(candidates: Sequence[Visit], *, now: datetime, next_booked: datetime | None):
    """Who is next among waiting visitors a clerk can serve (in due order); pure, for testing.

    1. appointments that are due, earliest first;
    2. walk-ins, first come first served, if they end before the clerk's next booked start;
    3. appointments checked in early, earliest first;
    otherwise nobody: a walk-in that does not fit waits rather than making a booked citizen wait.
    """
    appointments = [v for v in candidates if v.kind == Visit.Kind.APPOINTMENT]
    walk_ins = [v for v in candidates if v.kind == Visit.Kind.WALK_IN]
    due = [v for v in appointments if v.due_at <= now]
    if due:
        return min(due, key=lambda v: (v.due_at, v.pk))
    for visit in sorted(walk_ins, key=lambda v: (v.checked_in_at, v.pk)):
        if next_booked is None or now + timedelta(minutes=visit.minutes) <= next_booked:
            return visit
    if appointments:
        return min(appointments, key=lambda v: (v.due_at, v.pk))
    return None


def recall(visit: Visit, *, now: datetime) -> Visit:
    """Call the same number again (the display shows it once more)."""
    with transaction.atomic(durable=True):
        visit = _called(visit)
        visit.calls += 1
        visit.save(update_fields=["calls"])
        _event(visit, VisitEvent.Kind.RECALLED, now)
    return visit


def no_show(visit: Visit, *, now: datetime) -> Visit:
    """Called, but nobody came."""
    with transaction.atomic(durable=True):
        visit = _called(visit)
        visit.state = Visit.State.NO_SHOW
        visit.finished_at = now
        visit.save(update_fields=["state", "finished_at"])
        _event(visit, VisitEvent.Kind.NO_SHOW, now)
        if visit.appointment is not None:
            _set_status(visit.appointment, Status.NO_SHOW, now)
    return visit


def finish(visit: Visit, *, now: datetime) -> Visit:
    with transaction.atomic(durable=True):
        visit = _called(visit)
        _finish(visit, now)
    return visit


@dataclass(frozen=True)
class QueueStatus:
    position: int  # 1 = next
    expected_at: datetime
    running_late: bool


def queue_status(appointment: Appointment, *, now: datetime) -> QueueStatus | None:
    """Where a checked-in citizen stands: "Sie sind Nummer 3, voraussichtlich um 09:40 dran"."""
    visit = Visit.objects.filter(appointment=appointment, state=Visit.State.WAITING).first()
    if visit is None:
        return None
    ahead = Visit.objects.filter(
        location=visit.location, state=Visit.State.WAITING, due_at__lt=visit.due_at
    ).count()
    late = lateness(visit.location, now=now)
    return QueueStatus(ahead + 1, max(visit.due_at + late, now), late >= RUNNING_LATE)


def lateness(location: Location, *, now: datetime) -> timedelta:
    """How late the office calls booked citizens today: the median of the latest calls."""
    recent = (
        Visit.objects.filter(
            location=location,
            kind=Visit.Kind.APPOINTMENT,
            waiting_day=location.local_date(now),
            called_at__isnull=False,
        )
        .order_by("-called_at")
        .values_list("called_at", "due_at")[:LATENESS_SAMPLE]
    )
    delays = [max(called - due, timedelta(0)) for called, due in recent if called and due]
    # typeshed's median takes numbers only; timedeltas sort and average, so it works.
    return median(delays) if delays else timedelta(0)  # type: ignore[type-var]


@dataclass(frozen=True)
class Call:
    number: str
    counter: str
    at: datetime


def latest_calls(location: Location, *, now: datetime, limit: int = 6) -> list[Call]:
    """The call display's list, latest first: today's calls only (not yesterday's last ones in
    the morning), each number once at its latest call; numbers and counters, never a name."""
    events = (
        VisitEvent.objects.filter(
            location=location,
            kind__in=CALL_KINDS,
            at__gte=location.local_day_start(location.local_date(now)),
        )
        .select_related("visit", "counter")
        .order_by("-at", "-pk")[: 3 * limit]  # recalls repeat numbers; enough to fill `limit`
    )
    calls: dict[str, Call] = {}
    for event in events:
        number = event.visit.waiting_number
        if number not in calls:
            calls[number] = Call(number, event.counter.name if event.counter else "", event.at)
    return list(calls.values())[:limit]


def _called(visit: Visit) -> Visit:
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    if visit.state != Visit.State.CALLED:
        raise NotCalled()
    return visit


def _finish(visit: Visit, now: datetime) -> None:
    visit.state = Visit.State.DONE
    visit.finished_at = now
    visit.save(update_fields=["state", "finished_at"])
    _event(visit, VisitEvent.Kind.DONE, now)
    if visit.appointment is not None:
        _set_status(visit.appointment, Status.DONE, now)


def _next_booked_start(staff: StaffMember, now: datetime) -> datetime | None:
    """When the clerk's next booked citizen is due: walk-ins must be done by then."""
    return (
        Appointment.objects.filter(
            staff=staff, start__gte=now, status__in=[Status.BOOKED, Status.CHECKED_IN]
        )
        .order_by("start")
        .values_list("start", flat=True)
        .first()
    )


def _event(visit: Visit, kind: str, now: datetime) -> None:
    VisitEvent.objects.create(
        visit=visit,
        location_id=visit.location_id,
        kind=kind,
        at=now,
        counter_id=visit.counter_id,
        staff_id=visit.staff_id,
    )


def _set_status(appointment: Appointment, status: str, now: datetime) -> None:
    # The appointment follows its visit; booking.py owns every other change of an appointment.
    Appointment.objects.filter(pk=appointment.pk).update(status=status)
    appointment.status = status
    if event := webhooks.VISIT_EVENTS.get(status):
        webhooks.emit(event, appointment, now=now)
