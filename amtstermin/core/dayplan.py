"""One day at one location as the back office sees it: per clerk, the roster blocks (online or
kept back for phone and walk-ins), absences, closures, and the appointments with their status.

Read-only and a handful of queries whatever the number of clerks: the day plan is opened many
times a day at every counter.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from .models import (
    Absence,
    Appointment,
    Closure,
    Counter,
    Department,
    Location,
    RosterBlock,
    StaffMember,
    Visit,
)

# Appointments that no longer take time are listed apart: the plan shows what happens today.
GONE = ("cancelled", "expired")


@dataclass(frozen=True)
class Block:
    start: datetime  # the location's wall clock
    end: datetime
    kind: str  # "online", "kept_back", "absence", "closure"
    note: str = ""


@dataclass
class Lane:
    staff: StaffMember
    blocks: list[Block] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def booked_minutes(self) -> int:
        return sum(a.duration_minutes for a in self.appointments if a.status not in GONE)


@dataclass(frozen=True)
class CounterLane:
    """Who was called to one counter that day, in call order (known once the day has begun:
    a clerk chooses a counter when they start calling)."""

    counter: Counter
    visits: list[Visit]


@dataclass(frozen=True)
class DayPlan:
    location: Location
    day: date
    lanes: list[Lane]
    closures: list[Block]
    holiday: str | None
    counters: list[CounterLane] = field(default_factory=list)

    @property
    def anyone_called(self) -> bool:
        return any(lane.visits for lane in self.counters)


def day_plan(
    location: Location, day: date, *, departments: list[Department] | None = None
) -> DayPlan:
    """The plan of `day`; `departments` limits it to those clerks (None: every department)."""
    zone = location.zone
    begin = location.local_day_start(day)
    end = location.local_day_start(day + timedelta(days=1))
    staff = StaffMember.objects.filter(active=True).filter(
        Q(roster__location=location)
        | Q(
            appointments__location=location,
            appointments__start__gte=begin,
            appointments__start__lt=end,
        )
    )
    if departments is not None:
        staff = staff.filter(department__in=departments)
    lanes = {member.pk: Lane(member) for member in staff.distinct().order_by("name")}

    holiday = location.holidays_between(day, day).get(day)
    if not holiday:
        blocks = RosterBlock.objects.filter(
            Q(valid_until__isnull=True) | Q(valid_until__gte=day),
            location=location,
            weekday=day.weekday(),
            valid_from__lte=day,
            staff_id__in=lanes,
        ).order_by("start_time")
        for block in blocks:
            lanes[block.staff_id].blocks.append(
                Block(
                    _at(day, block.start_time, zone),
                    _at(day, block.end_time, zone),
                    "online" if block.online_bookable else "kept_back",
                )
            )
    for absence in Absence.objects.filter(staff_id__in=lanes, start__lt=end, end__gt=begin):
        lanes[absence.staff_id].blocks.append(
            Block(
                max(absence.start, begin).astimezone(zone),
                min(absence.end, end).astimezone(zone),
                "absence",
                absence.get_reason_display(),
            )
        )
    appointments = (
        Appointment.objects.filter(
            location=location, start__gte=begin, start__lt=end, staff_id__in=lanes
        )
        .prefetch_related("items__service")
        .order_by("start")
    )
    by_staff = defaultdict(list)
    for appointment in appointments:
        by_staff[appointment.staff_id].append(appointment)
    for staff_id, listed in by_staff.items():
        lanes[staff_id].appointments = listed
    for lane in lanes.values():
        lane.blocks.sort(key=lambda block: block.start)
    closures = [
        Block(
            max(c.start, begin).astimezone(zone),
            min(c.end, end).astimezone(zone),
            "closure",
            c.reason,
        )
        for c in Closure.objects.filter(location=location, start__lt=end, end__gt=begin)
    ]
    served = defaultdict(list)
    for visit in Visit.objects.filter(
        location=location, waiting_day=day, counter__isnull=False
    ).order_by("called_at", "pk"):
        served[visit.counter_id].append(visit)
    counters = [
        CounterLane(counter, served[counter.pk])
        for counter in Counter.objects.filter(location=location).order_by("name")
        if counter.active or served[counter.pk]
    ]
    return DayPlan(location, day, list(lanes.values()), closures, holiday, counters)


def _at(day: date, clock: time, zone) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone)
