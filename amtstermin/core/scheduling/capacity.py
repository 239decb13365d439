"""Load rosters, absences, closures, holidays and bookings of a location into the engine.

Two indexed queries (capacity_sql.py), selecting only the columns the engine needs; a booking
reads both in one statement (send_day). The cost grows with staff × days, never with stored
history.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache, lru_cache, partial
from zoneinfo import ZoneInfo

from .. import sql
from ..models import Channel, Location
from ..models.organisation import local_midnight
from . import capacity_sql
from .engine import StaffDay, run_starts, span


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
    return list(_day_grids(location.time_zone, location.slot_minutes, first, last))


@lru_cache(maxsize=1024)
def _day_grids(time_zone: str, slot_minutes: int, first: date, last: date) -> tuple[DayGrid, ...]:
    """Cached: a cached calendar (availability._cached_free) would spend a third of its time
    converting the same 43 local midnights to UTC again. Grids are frozen, so shareable."""
    zone, unit = ZoneInfo(time_zone), timedelta(minutes=slot_minutes)
    grids = []
    day = first
    while day <= last:
        start, end = local_midnight(day, zone), local_midnight(day + timedelta(days=1), zone)
        grids.append(DayGrid(day, start, (end - start) // unit))
        day += timedelta(days=1)
    return tuple(grids)


def load(
    location: Location,
    first: date,
    last: date,
    *,
    channel: str,
    now: datetime,
    exclude: int | None = None,
    services: frozenset[int] | None = None,
    held_back: bool = True,
) -> Capacity:
    """Free time per staff member and day from `first` to `last` (local dates, inclusive).

    Online bookings see only online-bookable roster blocks, and a cancelled time only after the
    location's re-release delay (`held_back=False`: at once, for the wish-list, which is served
    before anyone online). `exclude` ignores one appointment (the one being rescheduled).
    `services` loads only the staff skilled for all of them (a booking needs no one else).
    """
    grids = day_grids(location, first, last)
    rows, skills, staff_ids = _read(location, grids, channel, now, exclude, services, held_back)
    return _assemble(location, grids, rows, skills, staff_ids)


def free_starts(
    location: Location,
    first: date,
    last: date,
    *,
    length: int,
    services: frozenset[int],
    channel: str,
    now: datetime,
    exclude: int | None = None,
    held_back: bool = True,
) -> tuple[list[DayGrid], dict[date, int]]:
    """The day grids, and per day the starts where a clerk skilled for all `services` has
    `length` free units: engine.free_starts() over load()'s staff days, without making them (a
    calendar's 6 weeks had 860, a tenth of its time). The reads and arguments are load()'s."""
    grids = day_grids(location, first, last)
    rows, _skills, staff_ids = _read(location, grids, channel, now, exclude, services, held_back)
    union = [0] * len(grids)
    for _staff_id, index, free in _free_time(location, grids, rows, staff_ids):
        union[index] |= run_starts(free, length)
    return grids, {grid.day: union[index] for index, grid in enumerate(grids)}


def _read(
    location, grids, channel, now, exclude, services, held_back
) -> tuple[capacity_sql.Day, dict[int, frozenset[int]], list[int]]:
    """load()'s reads: the rosters and skills, then the taken time of the staff skilled for all
    `services`. Returns the rows, and those staff's skills and ids (_skilled)."""
    first, last = grids[0].day, grids[-1].day
    online = channel == Channel.ONLINE
    weekday = first.weekday() if first == last else None
    rosters = sql.fetch(
        *capacity_sql.rosters_and_skills(location.pk, first, last, online=online, weekday=weekday)
    )
    blocks, skill_rows = capacity_sql.split_rosters(rosters)
    skills, staff_ids = _skilled(blocks, skill_rows, services)
    if not staff_ids:
        return capacity_sql.Day(blocks, skill_rows), skills, staff_ids
    taken = capacity_sql.intervals(
        location.pk,
        staff_ids,
        grids[0].start,
        location.local_day_start(last + timedelta(days=1)),
        unit_minutes=location.slot_minutes,
        online=online,
        now=now,
        exclude=exclude,
        held_back=held_back,
    )
    return capacity_sql.Day(blocks, skill_rows, sql.fetch(*taken)), skills, staff_ids


def send_day(
    batch: sql.Batch,
    location: Location,
    day: date,
    *,
    channel: str,
    now: datetime,
    also: Sequence[sql.Statement | None] = (),
    services: frozenset[int] | None = None,
) -> tuple[Callable[[], Capacity], list[Callable[[], list[tuple]]]]:
    """load() of one day as one statement in `batch` (core/sql.py), for a booking: the taken
    time of everyone rostered that day is read alongside the rosters, not after them, and so
    are the `also` reads (one column each). Returns what gives the capacity and what gives each
    `also` read's rows, to call once the batch has ended."""
    grids = day_grids(location, day, day)
    sent = batch.send(
        capacity_sql.day_for_booking(
            location.pk,
            day,
            grids[0].start,
            location.local_day_start(day + timedelta(days=1)),
            unit_minutes=location.slot_minutes,
            online=channel == Channel.ONLINE,
            now=now,
            also=also,
        )
    )

    @cache
    def split() -> capacity_sql.Day:
        return capacity_sql.split_day(sent.rows(), len(also))

    def loaded() -> Capacity:
        rows = split()
        skills, staff_ids = _skilled(rows.blocks, rows.skills, services)
        return _assemble(location, grids, rows, skills, staff_ids)

    def also_rows(index: int) -> list[tuple]:
        return split().also[index]

    return loaded, [partial(also_rows, index) for index in range(len(also))]


def _skilled(
    blocks: list[capacity_sql.RosterRow],
    skill_rows: list[tuple[int, int]],
    services: frozenset[int] | None,
) -> tuple[dict[int, frozenset[int]], list[int]]:
    """Skills per staff id, and the rostered staff (of `blocks`) skilled for all `services`."""
    skills: dict[int, set[int]] = defaultdict(set)
    for staff_id, service_id in skill_rows:
        skills[staff_id].add(service_id)
    staff_ids = [
        staff_id
        for staff_id in sorted({block[0] for block in blocks})
        if services is None or services <= skills[staff_id]
    ]
    return {staff_id: frozenset(skills[staff_id]) for staff_id in staff_ids}, staff_ids


def _assemble(
    location: Location,
    grids: list[DayGrid],
    rows: capacity_sql.Day,
    skills: dict[int, frozenset[int]],
    staff_ids: list[int],
) -> Capacity:
    """Free time per day of each of `staff_ids`, with their `skills`."""
    staff_days: dict[date, list[StaffDay]] = {grid.day: [] for grid in grids}
    for staff_id, index, free in _free_time(location, grids, rows, staff_ids):
        staff_days[grids[index].day].append(StaffDay(staff_id, skills[staff_id], free))
    return Capacity(location, grids, staff_days)


def _free_time(
    location: Location,
    grids: list[DayGrid],
    rows: capacity_sql.Day,
    staff_ids: list[int],
) -> Iterator[tuple[int, int, int]]:
    """(staff id, day index, free units) of each of `staff_ids` with any free time that day:
    their roster minus the taken intervals."""
    if not staff_ids:
        return
    busy = _busy(grids, rows.taken, staff_ids)
    holidays = location.holidays_between(grids[0].day, grids[-1].day)
    wanted = set(staff_ids)
    roster_masks = _roster_masks(
        location, grids, (block for block in rows.blocks if block[0] in wanted), holidays
    )
    for (staff_id, index), mask in roster_masks.items():
        free = mask & ~busy[index].get(staff_id, 0)
        if free:
            yield staff_id, index, free


def _busy(
    grids: list[DayGrid],
    rows: list[capacity_sql.IntervalRow],
    staff_ids: list[int],
) -> list[dict[int, int]]:
    """Taken units per day index, per staff id: every unit an interval touches is taken.

    The hottest loop of a calendar request, one pass per booked appointment. The rows count
    units from the first grid's start (capacity_sql.intervals()), and the days follow each
    other unit by unit (every local midnight lies on the unit grid, DST days included), so a
    unit's day is a list lookup. An appointment lies within one day and is marked inline;
    longer intervals (absences, closures) day by day.
    """
    days = _unit_days(tuple(grid.units for grid in grids))
    owner, offsets, total = days.owner, days.offsets, days.total
    busy: list[dict[int, int]] = [{} for _grid in grids]

    def mark(staff_id: int, low: int, high: int) -> None:
        low, high = max(low, 0), min(high, total)
        while low < high:
            index = owner[low]
            until = min(high, offsets[index + 1])
            day, origin = busy[index], offsets[index]
            day[staff_id] = day.get(staff_id, 0) | (((1 << (until - low)) - 1) << (low - origin))
            low = until

    for staff_id, low, high in rows:
        if staff_id is None:  # a closure: nobody works
            for everyone in staff_ids:
                mark(everyone, low, high)
            continue
        if low < 0 or high > total:
            mark(staff_id, low, high)
            continue
        index = owner[low]
        origin = offsets[index]
        if high > offsets[index + 1]:
            mark(staff_id, low, high)
            continue
        day = busy[index]
        day[staff_id] = day.get(staff_id, 0) | (((1 << (high - low)) - 1) << (low - origin))
    return busy


@dataclass(frozen=True)
class _UnitDays:
    owner: list[int]  # the day index of every unit of the read
    offsets: list[int]  # each day's first unit, and the read's end
    total: int


@lru_cache(maxsize=64)
def _unit_days(units: tuple[int, ...]) -> _UnitDays:
    owner: list[int] = []
    offsets = [0]
    for index, count in enumerate(units):
        owner += [index] * count
        offsets.append(offsets[-1] + count)
    return _UnitDays(owner, offsets, offsets[-1])


def _roster_masks(
    location: Location,
    grids: list[DayGrid],
    blocks: Iterable[tuple],
    holidays: dict[date, str],
) -> dict[tuple[int, int], int]:
    unit_seconds = location.slot_minutes * 60
    plain_day_units = 24 * 3600 // unit_seconds
    by_weekday: dict[int, list[tuple]] = defaultdict(list)
    for staff_id, weekday, start_time, end_time, valid_from, valid_until in blocks:
        plain = _plain_mask(start_time, end_time, unit_seconds)
        by_weekday[weekday].append(
            (staff_id, start_time, end_time, valid_from, valid_until or date.max, plain)
        )
    masks: dict[tuple[int, int], int] = defaultdict(int)
    zone = location.zone
    for index, grid in enumerate(grids):
        day = grid.day
        if day in holidays:
            continue
        for staff_id, start_time, end_time, valid_from, valid_until, plain in by_weekday[
            day.weekday()
        ]:
            if valid_from > day or valid_until < day:
                continue
            if grid.units != plain_day_units:
                origin = grid.start.timestamp()
                plain = _units(
                    _at(day, start_time, zone) - origin,
                    _at(day, end_time, zone) - origin,
                    unit_seconds,
                    grid.units,
                )
            masks[staff_id, index] |= plain
    return masks


@lru_cache(maxsize=4096)
def _plain_mask(start_time: time, end_time: time, unit_seconds: int) -> int:
    """A roster block's mask on a day without a DST switch, where wall clock and real time
    since midnight agree: the same on each of its days, so worked out once per process (a
    booking's day has some 30 blocks of a few distinct times)."""
    return _units(_seconds(start_time), _seconds(end_time), unit_seconds, 24 * 3600 // unit_seconds)


def _units(begin: float, end: float, unit_seconds: int, day_units: int) -> int:
    """Working time counts in whole units: round the start up and the end down."""
    return span(-int(-begin // unit_seconds), min(int(end // unit_seconds), day_units))


def _seconds(clock: time) -> int:
    return clock.hour * 3600 + clock.minute * 60 + clock.second


def _at(day: date, clock: time, zone) -> float:
    return datetime.combine(day, clock, tzinfo=zone).timestamp()
