"""Load rosters, absences, closures, holidays and bookings of a location into the engine.

One indexed range query per table, selecting only the columns the engine needs; the cost grows
with staff × days, never with stored history.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from ..models import (
    HOLDING,
    Absence,
    Appointment,
    Channel,
    Closure,
    Location,
    RosterBlock,
    StaffMember,
    Status,
)
from .engine import StaffDay, span


@dataclass(frozen=True)
class DayGrid:
    """The unit grid of one local day: its first instant (UTC) and how many units it has."""

    day: date
    start: datetime
    units: int

    def instant(self, unit: int, unit_minutes: int) -> datetime:
        return self.start + timedelta(minutes=unit * unit_minutes)


@dataclass
class Capacity:
    """Free time of every staff member at a location, per day, for one channel."""

    location: Location
    grids: list[DayGrid]
    staff_days: dict[date, list[StaffDay]]

    def grid(self, day: date) -> DayGrid | None:
        for grid in self.grids:
            if grid.day == day:
                return grid
        return None


def day_grids(location: Location, first: date, last: date) -> list[DayGrid]:
    unit = timedelta(minutes=location.slot_minutes)
    grids = []
    day = first
    while day <= last:
        start = location.local_day_start(day)
        end = location.local_day_start(day + timedelta(days=1))
        grids.append(DayGrid(day, start, (end - start) // unit))
        day += timedelta(days=1)
    return grids


def load(
    location: Location,
    first: date,
    last: date,
    *,
    channel: str,
    now: datetime,
    exclude: int | None = None,
) -> Capacity:
    """Free time per staff member and day from `first` to `last` (local dates, inclusive).

    Online bookings see only online-bookable roster blocks, and a cancelled time only after the
    location's re-release delay. `exclude` ignores one appointment (the one being rescheduled).
    """
    grids = day_grids(location, first, last)
    range_start = grids[0].start
    range_end = location.local_day_start(last + timedelta(days=1))
    unit_seconds = location.slot_minutes * 60
    starts = [grid.start.timestamp() for grid in grids]
    online = channel == Channel.ONLINE

    rosters = RosterBlock.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first),
        location=location,
        valid_from__lte=last,
        staff__active=True,
    )
    if online:
        rosters = rosters.filter(online_bookable=True)
    blocks = list(
        rosters.values_list(
            "staff_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
        )
    )
    staff_ids = sorted({block[0] for block in blocks})
    if not staff_ids:
        return Capacity(location, grids, {grid.day: [] for grid in grids})

    skills: dict[int, set[int]] = defaultdict(set)
    for staff_id, service_id in StaffMember.skills.through.objects.filter(
        staffmember_id__in=staff_ids
    ).values_list("staffmember_id", "service_id"):
        skills[staff_id].add(service_id)

    busy: dict[tuple[int, int], int] = defaultdict(int)

    def mark(staff_id: int, begin: datetime, end: datetime) -> None:
        # Every unit the interval touches is taken: round the start down and the end up.
        begin_ts, end_ts = begin.timestamp(), end.timestamp()
        index = max(bisect_right(starts, begin_ts) - 1, 0)
        while index < len(grids) and starts[index] < end_ts:
            low = int((begin_ts - starts[index]) // unit_seconds)
            high = -int(-(end_ts - starts[index]) // unit_seconds)
            busy[staff_id, index] |= span(low, min(high, grids[index].units))
            index += 1

    appointments = Appointment.objects.filter(
        staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start
    ).filter(taking_time(now=now, online=online))
    if exclude is not None:
        appointments = appointments.exclude(pk=exclude)
    for staff_id, begin, end in appointments.values_list("staff_id", "start", "end"):
        mark(staff_id, begin, end)

    for staff_id, begin, end in Absence.objects.filter(
        staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start
    ).values_list("staff_id", "start", "end"):
        mark(staff_id, begin, end)

    closed = list(
        Closure.objects.filter(
            location=location, start__lt=range_end, end__gt=range_start
        ).values_list("start", "end")
    )
    for begin, end in closed:
        for staff_id in staff_ids:
            mark(staff_id, begin, end)

    holidays = location.holidays_between(first, last)
    roster_masks = _roster_masks(location, grids, blocks, holidays)
    staff_days: dict[date, list[StaffDay]] = {grid.day: [] for grid in grids}
    frozen_skills = {staff_id: frozenset(skills[staff_id]) for staff_id in staff_ids}
    for (staff_id, index), mask in roster_masks.items():
        free = mask & ~busy.get((staff_id, index), 0)
        if free:
            staff_days[grids[index].day].append(StaffDay(staff_id, frozen_skills[staff_id], free))
    return Capacity(location, grids, staff_days)


def taking_time(*, now: datetime, online: bool) -> Q:
    """Appointments whose time is not free: holding ones, except reserved holds that expired.

    For online bookings a freshly cancelled time stays taken until the re-release delay has
    passed, so bots watching for cancellations gain nothing; staff may book it at once.
    """
    holding = Q(status__in=HOLDING) & ~Q(status=Status.RESERVED, hold_expires_at__lte=now)
    if not online:
        return holding
    return holding | Q(status=Status.CANCELLED, online_release_at__gt=now)


def _roster_masks(
    location: Location,
    grids: list[DayGrid],
    blocks: Iterable[tuple],
    holidays: dict[date, str],
) -> dict[tuple[int, int], int]:
    unit_seconds = location.slot_minutes * 60
    by_weekday: dict[int, list[tuple]] = defaultdict(list)
    for block in blocks:
        by_weekday[block[1]].append(block)
    masks: dict[tuple[int, int], int] = defaultdict(int)
    zone = location.zone
    for index, grid in enumerate(grids):
        if grid.day in holidays:
            continue
        origin = grid.start.timestamp()
        for staff_id, _weekday, start_time, end_time, valid_from, valid_until in by_weekday[
            grid.day.weekday()
        ]:
            if valid_from > grid.day or (valid_until is not None and valid_until < grid.day):
                continue
            # Working time counts in whole units: round the start up and the end down.
            low = -int(-(_at(grid.day, start_time, zone) - origin) // unit_seconds)
            high = int((_at(grid.day, end_time, zone) - origin) // unit_seconds)
            masks[staff_id, index] |= span(low, min(high, grid.units))
    return masks


def _at(day: date, clock: time, zone) -> float:
    return datetime.combine(day, clock, tzinfo=zone).timestamp()
