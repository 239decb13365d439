"""Free starts for a request over the booking horizon: what the calendar and time pages show."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.core.cache import cache

from ..items import Item, service_ids, units_needed
from ..models import Channel, Location
from . import capacity, engine, versions


@dataclass(frozen=True)
class Window:
    """The days and earliest instant a channel may book at a location."""

    first: date
    last: date
    earliest: datetime


# The wish-list sees a day released at a published time (Location.release_time) this much
# earlier than anyone online: the minute job serves the waiting wishes in between.
WISHES_AHEAD = timedelta(minutes=10)


def window(location: Location, *, channel: str, now: datetime, for_wishes: bool = False) -> Window:
    """Online: after the minimum notice and within the horizon, whose last day opens only at
    the location's release time if it has one. Staff: from now on, the whole horizon.

    `for_wishes`: the wish-list's view of the online window, which sees a released day
    WISHES_AHEAD before the public does.
    """
    notice = location.min_notice_minutes if channel == Channel.ONLINE else 0
    today = location.local_date(now)
    earliest = now.astimezone(UTC) + timedelta(minutes=notice)
    last = location.last_bookable_day(today)
    if channel == Channel.ONLINE and location.release_time is not None:
        released = datetime.combine(today, location.release_time, tzinfo=location.zone)
        if now < released - (WISHES_AHEAD if for_wishes else timedelta(0)):
            last -= timedelta(days=1)
    return Window(today, last, earliest)


@dataclass
class Availability:
    location: Location
    grids: dict[date, capacity.DayGrid]
    masks: dict[date, int]

    def count(self, day: date) -> int:
        return self.masks.get(day, 0).bit_count()

    def days(self) -> list[date]:
        """Days with at least one free start, ascending."""
        return sorted(day for day, mask in self.masks.items() if mask)

    def first_day(self) -> date | None:
        days = self.days()
        return days[0] if days else None

    def without(self, start: datetime) -> "Availability":
        """The same free starts but `start`: an appointment being moved is not offered its own
        time (its own time still counts as free for every other start, by `exclude`)."""
        masks = dict(self.masks)
        for day, grid in self.grids.items():
            unit = (start - grid.start) / timedelta(minutes=self.location.slot_minutes)
            if 0 <= unit < grid.units and unit == int(unit):
                masks[day] = masks.get(day, 0) & ~(1 << int(unit))
        return Availability(self.location, self.grids, masks)

    def starts(self, day: date) -> list[datetime]:
        grid = self.grids.get(day)
        if grid is None:
            return []
        unit = self.location.slot_minutes
        return [grid.instant(index, unit) for index in engine.bits(self.masks.get(day, 0))]


def allowed_starts(grid: capacity.DayGrid, earliest: datetime, unit_minutes: int) -> int:
    """Mask of the starts on this day at or after `earliest`."""
    if grid.start >= earliest:
        return -1
    first = -int(-(earliest - grid.start).total_seconds() // (unit_minutes * 60))
    return 0 if first >= grid.units else -1 << first


def compute(
    location: Location,
    items: Sequence[Item],
    *,
    now: datetime,
    channel: str = Channel.ONLINE,
    first: date | None = None,
    last: date | None = None,
    exclude: int | None = None,
    cached: bool = False,
    for_wishes: bool = False,
) -> Availability:
    """Free starts per day for `items` between `first` and `last`, clipped to the window.

    `cached` (the whole window only) serves the free time from the cache while the location's
    bookings counter is unchanged (versions.py); notice and horizon are applied afresh on every
    call. `for_wishes`:
    what the wish-list may be offered, ahead of everyone online (a cancelled time before its
    re-release delay, a released day before its release time).
    """
    bounds = window(location, channel=channel, now=now, for_wishes=for_wishes)
    first = max(first or bounds.first, bounds.first)
    last = min(last or bounds.last, bounds.last)
    if last < first:
        return Availability(location, {}, {})
    length = units_needed(items, location)
    wanted = service_ids(items)
    if cached and not for_wishes and (first, last, exclude) == (bounds.first, bounds.last, None):
        grids = capacity.day_grids(location, first, last)
        free = _cached_free(location, grids, wanted, length, channel=channel, now=now)
    else:
        grids, free = capacity.free_starts(
            location,
            first,
            last,
            length=length,
            services=wanted,
            channel=channel,
            now=now,
            exclude=exclude,
            held_back=not for_wishes,
        )
    masks = {
        grid.day: free[grid.day] & allowed_starts(grid, bounds.earliest, location.slot_minutes)
        for grid in grids
    }
    return Availability(location, {grid.day: grid for grid in grids}, masks)


# A cached calendar is at most this old when nothing was written: holds that expire and
# cancelled times that are re-released change nothing in the database, so only time shows them.
CACHE_SECONDS = 60


def _cached_free(location, grids, wanted, length, *, channel, now) -> dict[date, int]:
    """Free starts per day from the cache, checked against the location's bookings counter.

    Every write that takes time (booking, rescheduling, roster, absence, catalogue and location
    changes) moves that counter after its commit (versions.py, Location.bump_versions), so a
    cached calendar does not show a taken time as free; it may show a freed time as taken, for
    at most CACHE_SECONDS. The counter is stored with the entry and read with it in one round
    trip, as the wizard's pages do: no database read (ADR 0006).
    """
    services = ",".join(str(service) for service in sorted(wanted))
    # Both ends: a day released at its release time lengthens the window.
    days = f"{grids[0].day}:{grids[-1].day}"
    key = f"availability:{location.pk}:{channel}:{days}:{length}:{services}"
    counter, entry = versions.bookings_with(location.pk, key)
    if isinstance(entry, tuple) and entry[0] == counter:
        return entry[1]
    first, last = grids[0].day, grids[-1].day
    _grids, free = capacity.free_starts(
        location, first, last, length=length, services=wanted, channel=channel, now=now
    )
    cache.set(key, (counter, free), CACHE_SECONDS)
    return free


def nearest(
    location: Location,
    items: Sequence[Item],
    wanted: datetime,
    *,
    now: datetime,
    channel: str = Channel.ONLINE,
    count: int = 3,
) -> list[datetime]:
    """The `count` free starts closest in time to `wanted`, in time order (searches ±7 days)."""
    wanted = wanted.astimezone(UTC)
    day = location.local_date(wanted)
    found = compute(
        location,
        items,
        now=now,
        channel=channel,
        first=day - timedelta(days=7),
        last=day + timedelta(days=7),
    )
    starts = [start for free_day in found.days() for start in found.starts(free_day)]
    return sorted(sorted(starts, key=lambda start: abs(start - wanted))[:count])
