"""What the day and time steps share between booking anew and moving an appointment."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest
from django.utils import timezone

from amtstermin.core import inputs
from amtstermin.core.items import Item, total_fee
from amtstermin.core.models import Channel, Location
from amtstermin.core.scheduling import availability

from ...core import calendar_month

# Starts before this wall-clock time are listed under "morning".
NOON = time(12, 0)
LATEST_MONTH = timedelta(days=366)


@dataclass(frozen=True)
class Journey:
    """One request for a time: the services, where, and which appointment it would replace."""

    location: Location
    items: list[Item]
    exclude: int | None = None  # the appointment being moved: its own time counts as free
    current: datetime | None = None  # …but is never offered as the new one

    def free(self, *, now: datetime) -> availability.Availability:
        # The calendar of a new booking is the hot path: served from the cache, checked
        # against the location's bookings counter.
        found = availability.compute(
            self.location,
            self.items,
            now=now,
            channel=Channel.ONLINE,
            exclude=self.exclude,
            cached=self.exclude is None,
        )
        return found.without(self.current) if self.current else found

    def window(self, *, now: datetime) -> availability.Window:
        return availability.window(self.location, channel=Channel.ONLINE, now=now)

    @property
    def minutes(self) -> int:
        return sum(item.minutes for item in self.items)

    @property
    def fee(self):
        return total_fee(self.items)


def month_context(request: HttpRequest, journey: Journey) -> dict:
    """The day step's calendar for the month asked for (?monat=2026-12), or the first free one."""
    now = timezone.now()
    found = journey.free(now=now)
    bounds = journey.window(now=now)
    first_free = found.first_day()
    shown = inputs.parse_month(request.GET.get("monat")) or first_free or bounds.first
    # A month past the horizon is shown with its days marked "not yet bookable" (a link saved
    # for later must not silently show another month); at most a year ahead.
    shown = min(max(shown, bounds.first.replace(day=1)), bounds.first + LATEST_MONTH)
    month = calendar_month.month(found, shown, bounds.first, bounds.last)
    return {
        "journey": journey,
        "month": month,
        "weekdays": calendar_month.weekday_names(),
        "first_free": first_free,
        "last_day": bounds.last,
        "not_yet": month.first > bounds.last,
    }


def day_context(journey: Journey, day: date) -> dict | None:
    """The time step's free starts on `day`, split at noon; None outside the booking window."""
    now = timezone.now()
    bounds = journey.window(now=now)
    if not bounds.first <= day <= bounds.last:
        return None
    zone = journey.location.zone
    starts = [start.astimezone(zone) for start in journey.free(now=now).starts(day)]
    return {
        "journey": journey,
        "day": day,
        "morning": [start for start in starts if start.time() < NOON],
        "afternoon": [start for start in starts if start.time() >= NOON],
    }


def is_free(journey: Journey, start: datetime) -> bool:
    day = journey.location.local_date(start)
    return start in journey.free(now=timezone.now()).starts(day)


def parse_start(value: str | None) -> datetime | None:
    """An offered start as posted back ("2026-12-08T08:30:00+00:00"); None unless aware."""
    return inputs.parse_instant(value)
