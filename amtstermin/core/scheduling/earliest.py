"""The earliest free start of a request at each location that offers it ("earliest anywhere").

The location step shows it for every location and picks the earliest of all. Loading each
location's whole horizon would cost ten calendars; instead the search loads a few days at a time
from the first bookable day and stops at the first day with a free start, which at a location
that is not booked out is today or the next working day. Same rules as availability.compute():
the channel's window (notice, horizon), its roster blocks, holds and re-release.
"""

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.cache import cache
from django.db.models import Max, Q

from ..items import Item, service_ids, units_needed
from ..models import Channel, Location, RosterBlock
from . import availability, capacity, versions

# Days loaded per step once the rostered days are known: the first week's working days one by
# one (the first usually has a free start), then growing chunks, so a booked-out location costs
# about ten loads, not one per day of the horizon.
STEPS = (1, 1, 1, 1, 1, 7, 14)


@dataclass(frozen=True)
class Earliest:
    """The first free start at a location (None: nothing free up to `last`)."""

    location: Location
    start: datetime | None
    last: date

    @property
    def day(self) -> date | None:
        return self.location.local_date(self.start) if self.start else None

    @property
    def local_start(self) -> datetime | None:
        return self.start.astimezone(self.location.zone) if self.start else None

    @property
    def horizon_weeks(self) -> int | None:
        """The horizon in whole weeks, or None when it is not a multiple of seven days."""
        days = self.location.horizon_days
        return days // 7 if days and days % 7 == 0 else None


# Pre-notice free starts per searched day, in order, and whether the search reached the horizon.
Searched = tuple[list[tuple[date, int]], bool]


def everywhere(
    locations: Sequence[Location],
    items: Sequence[Item],
    *,
    now: datetime,
    channel: str = Channel.ONLINE,
    cached: bool = False,
) -> list[Earliest]:
    """The earliest free start of `items` at each location, in the order given.

    `cached` serves each location's search from the cache while its bookings counter is
    unchanged (as the calendar does: never a taken time as free; a freed one after at most
    CACHE_SECONDS); notice is applied afresh on every call.
    """
    wanted = service_ids(items)
    keys = _cache_keys(locations, items, wanted, now=now, channel=channel) if cached else {}
    counter, stored = versions.all_with(list(keys), list(keys.values())) if keys else ({}, {})
    rosters = _Rosters(locations, channel=channel, now=now)
    found = []
    for place in locations:
        key = keys.get(place.pk)
        known = None
        if key:
            entry = stored.get(key)
            if isinstance(entry, tuple) and entry[0] == counter[place.pk]:
                known = entry[1]
        earliest, searched = _search(place, items, wanted, rosters, now=now, known=known)
        if key and searched != known:
            cache.set(key, (counter[place.pk], searched), availability.CACHE_SECONDS)
        found.append(earliest)
    return found


def at(
    location: Location,
    items: Sequence[Item],
    *,
    now: datetime,
    channel: str = Channel.ONLINE,
    cached: bool = False,
) -> Earliest:
    """The earliest free start of `items` at `location`."""
    return everywhere([location], items, now=now, channel=channel, cached=cached)[0]


def soonest(found: Sequence[Earliest]) -> Earliest | None:
    """The earliest of all (the first listed on a tie), or None when nothing is free anywhere."""
    free = [(earliest.start, index) for index, earliest in enumerate(found) if earliest.start]
    return found[min(free)[1]] if free else None


def _cache_keys(locations, items, wanted, *, now: datetime, channel: str) -> dict[int, str]:
    """Per location, the key of its search for the channel, today and the request; an entry is
    stored with the location's bookings counter and served only while it is unchanged."""
    services = ",".join(str(service) for service in sorted(wanted))
    keys = {}
    for place in locations:
        first = availability.window(place, channel=channel, now=now).first
        length = units_needed(items, place)
        keys[place.pk] = f"earliest:{place.pk}:{channel}:{first}:{length}:{services}"
    return keys


class _Rosters:
    """Which days could have free time at all, from one small query over every location.

    Loading days costs two queries; a weekend, a holiday, or the rest of a day whose roster
    has already ended cannot have a free start. The screen only skips days: it is looser than
    capacity.load (no skills, absences, closures), never stricter, so it cannot hide a free start.
    Read on first use only: a search served from the cache needs no rosters.
    """

    def __init__(self, locations: Sequence[Location], *, channel: str, now: datetime):
        self.locations, self.channel, self.now = locations, channel, now
        self.blocks: dict[int, list[tuple]] | None = None

    def _read(self) -> dict[int, list[tuple]]:
        bounds = [
            availability.window(place, channel=self.channel, now=self.now)
            for place in self.locations
        ]
        first = min(window.first for window in bounds)
        last = max(window.last for window in bounds)
        rows = RosterBlock.objects.filter(
            location__in=[place.pk for place in self.locations],
            staff__active=True,
            valid_from__lte=last,
        ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
        if self.channel == Channel.ONLINE:
            rows = rows.filter(online_bookable=True)
        blocks: dict[int, list[tuple]] = defaultdict(list)
        grouped = rows.values_list("location", "weekday", "valid_from", "valid_until").annotate(
            latest=Max("end_time")
        )
        for location_id, weekday, valid_from, valid_until, latest in grouped.order_by():
            blocks[location_id].append((weekday, valid_from, valid_until, latest))
        return blocks

    def days(self, location: Location, first: date, window: availability.Window) -> Iterator[date]:
        """Days from `first` to the window's end on which a roster block could offer a start."""
        if self.blocks is None:
            self.blocks = self._read()
        by_weekday: dict[int, list[tuple]] = defaultdict(list)
        for weekday, valid_from, valid_until, latest in self.blocks.get(location.pk, []):
            by_weekday[weekday].append((valid_from, valid_until, latest))
        holidays = location.holidays_between(first, window.last)
        day = first
        while day <= window.last:
            ends = [
                latest
                for valid_from, valid_until, latest in by_weekday.get(day.weekday(), ())
                if valid_from <= day and (valid_until is None or day <= valid_until)
            ]
            # A start lies before the roster's end: skip a day whose rosters end before notice.
            if (
                ends
                and day not in holidays
                and datetime.combine(day, max(ends), tzinfo=location.zone) > window.earliest
            ):
                yield day
            day += timedelta(days=1)


def _search(
    location: Location,
    items: Sequence[Item],
    wanted: frozenset[int],
    rosters: _Rosters,
    *,
    now: datetime,
    known: Searched | None,
) -> tuple[Earliest, Searched]:
    """Walk the window day by day: first the days `known` from the cache, then the rostered days,
    loaded by STEPS."""
    channel = rosters.channel
    bounds = availability.window(location, channel=channel, now=now)
    unit = location.slot_minutes
    days, exhausted = known if known else ([], False)
    days = list(days)
    for day, free in days:
        if not free or not bounds.first <= day <= bounds.last:
            continue
        grid = capacity.day_grids(location, day, day)[0]
        start = _first_start(grid, free, bounds.earliest, unit)
        if start is not None:
            return Earliest(location, start, bounds.last), (days, exhausted)
    if exhausted:
        return Earliest(location, None, bounds.last), (days, exhausted)
    length = units_needed(items, location)
    first = days[-1][0] + timedelta(days=1) if days else bounds.first
    steps = iter(STEPS)
    last = first - timedelta(days=1)
    for day in rosters.days(location, first, bounds):
        if day <= last:
            continue  # loaded with the chunk before
        last = min(day + timedelta(days=next(steps, STEPS[-1]) - 1), bounds.last)
        grids, found = capacity.free_starts(
            location, day, last, length=length, services=wanted, channel=channel, now=now
        )
        for grid in grids:
            free = found[grid.day]
            days.append((grid.day, free))
            start = _first_start(grid, free, bounds.earliest, unit)
            if start is not None:
                return Earliest(location, start, bounds.last), (days, False)
    return Earliest(location, None, bounds.last), (days, True)


def _first_start(
    grid: capacity.DayGrid, free: int, earliest: datetime, unit: int
) -> datetime | None:
    """The first start of `free` on this day at or after `earliest` (minimum notice)."""
    allowed = free & availability.allowed_starts(grid, earliest, unit)
    if not allowed:
        return None
    return grid.instant((allowed & -allowed).bit_length() - 1, unit)
