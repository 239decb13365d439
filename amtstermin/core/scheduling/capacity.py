"""Load rosters, absences, closures, holidays and bookings of a location into the engine.

One indexed range query per table, selecting only the columns the engine needs; the cost grows
with staff × days, never with stored history.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import connections
from django.db.models import F, FloatField, Func, IntegerField, Q, Value

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


class EpochSeconds(Func):
    """A datetime column as seconds since 1970 (UTC).

    The engine needs numbers, not datetime objects: on PostgreSQL, building 13,000 aware
    datetimes costs five times as much as reading the numbers (bench/availability.py).
    """

    output_field = FloatField()

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="EXTRACT(EPOCH FROM %(expressions)s)::float8"
        )

    def as_sqlite(self, compiler, connection, **extra):
        # Django stores SQLite datetimes as UTC text. julianday() works on every SQLite 3 (unlike
        # unixepoch(), 3.38+) and keeps fractions; rounding to the millisecond keeps 09:00:00
        # from becoming 08:59:59.99999 and taking the unit before it.
        return self.as_sql(
            compiler,
            connection,
            template="ROUND((julianday(%(expressions)s) - 2440587.5) * 86400.0, 3)",
        )


def epochs(*names: str) -> list[EpochSeconds]:
    return [EpochSeconds(F(name)) for name in names]


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

    busy: dict[tuple[int, int], int] = {}
    units = [grid.units for grid in grids]

    def mark(rows: Iterable[tuple[int, float, float]]) -> None:
        # Every unit an interval touches is taken: round the start down and the end up.
        # The hottest loop of a calendar request (one pass per booked appointment).
        for staff_id, begin, end in rows:
            index = bisect_right(starts, begin) - 1
            if index < 0:
                index = 0
            while index < len(starts) and starts[index] < end:
                origin = starts[index]
                low = int((begin - origin) // unit_seconds)
                high = -int((origin - end) // unit_seconds)
                if low < 0:
                    low = 0
                if high > units[index]:
                    high = units[index]
                key = (staff_id, index)
                busy[key] = busy.get(key, 0) | (((1 << (high - low)) - 1) << low)
                index += 1

    # Appointments, absences and closures (for every clerk: no staff id) in one round trip.
    appointments = Appointment.objects.filter(
        staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start
    ).filter(taking_time(now=now, online=online))
    if exclude is not None:
        appointments = appointments.exclude(pk=exclude)
    absences = Absence.objects.filter(
        staff_id__in=staff_ids, start__lt=range_end, end__gt=range_start
    )
    closures = Closure.objects.filter(location=location, start__lt=range_end, end__gt=range_start)
    # order_by(): SQLite refuses the models' default ordering inside a UNION.
    intervals = (
        appointments.order_by()
        .values_list("staff_id", *epochs("start", "end"))
        .union(
            absences.order_by().values_list("staff_id", *epochs("start", "end")),
            closures.order_by().values_list(
                Value(None, output_field=IntegerField()), *epochs("start", "end")
            ),
            all=True,
        )
    )
    rows = _raw_rows(intervals)
    mark(row for row in rows if row[0] is not None)
    for _nobody, begin, end in (row for row in rows if row[0] is None):
        mark((staff_id, begin, end) for staff_id in staff_ids)

    holidays = location.holidays_between(first, last)
    roster_masks = _roster_masks(location, grids, blocks, holidays)
    staff_days: dict[date, list[StaffDay]] = {grid.day: [] for grid in grids}
    frozen_skills = {staff_id: frozenset(skills[staff_id]) for staff_id in staff_ids}
    for (staff_id, index), mask in roster_masks.items():
        free = mask & ~busy.get((staff_id, index), 0)
        if free:
            staff_days[grids[index].day].append(StaffDay(staff_id, frozen_skills[staff_id], free))
    return Capacity(location, grids, staff_days)


def _raw_rows(queryset) -> list[tuple]:
    """The rows of a values_list() query as the driver returns them.

    The ORM still writes the SQL; skipping its per-value converters saves a third of a calendar
    request with thousands of bookings (bench/availability.py).
    """
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


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
    plain_day_units = 24 * 3600 // unit_seconds
    for index, grid in enumerate(grids):
        if grid.day in holidays:
            continue
        origin = grid.start.timestamp()
        for staff_id, _weekday, start_time, end_time, valid_from, valid_until in by_weekday[
            grid.day.weekday()
        ]:
            if valid_from > grid.day or (valid_until is not None and valid_until < grid.day):
                continue
            begin: float  # seconds since the day's origin
            end: float
            if grid.units == plain_day_units:
                # A day without a DST switch: wall clock and real time since midnight agree.
                begin, end = _seconds(start_time), _seconds(end_time)
            else:
                begin = _at(grid.day, start_time, zone) - origin
                end = _at(grid.day, end_time, zone) - origin
            # Working time counts in whole units: round the start up and the end down.
            low = -int(-begin // unit_seconds)
            high = int(end // unit_seconds)
            masks[staff_id, index] |= span(low, min(high, grid.units))
    return masks


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _at(day: date, clock: time, zone) -> float:
    return datetime.combine(day, clock, tzinfo=zone).timestamp()
