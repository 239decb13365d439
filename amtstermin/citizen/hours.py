"""A location's regular opening hours: its official ones if entered, else as its rosters make them.

Official hours ("Öffnungszeiten", entered in the admin) win because a town may roster staff for
back-office work while the doors are shut; without them, the hours are when someone is there.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language

from amtstermin.core.models import Location, OpeningHours, RosterBlock
from amtstermin.core.models.staff import WEEKDAYS

CACHE_SECONDS = 24 * 60 * 60  # the key names the day, so a stale day is never read


@dataclass(frozen=True)
class Day:
    label: str
    spans: list[tuple[time, time]]


def opening_hours(location: Location, day: date) -> list[Day]:
    """Each weekday with its official hours, or else its rostered blocks on `day` (no holidays).

    Overlapping spans are joined. Cached by the location's version, which every roster change
    and every save of the location in the admin bumps (core/signals.py, core/rosters.py,
    core/admin.py): the start page asks on every visit.
    """
    key = f"opening-hours:{location.pk}:{location.version}:{day}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = _official(location) or _from_rosters(location, day)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _official(location: Location) -> list[Day]:
    rows = OpeningHours.objects.filter(location=location).order_by("weekday", "opens")
    return _days((row.weekday, row.opens, row.closes) for row in rows)


def _from_rosters(location: Location, day: date) -> list[Day]:
    blocks = RosterBlock.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        location=location,
        valid_from__lte=day,
        staff__active=True,
    ).order_by("weekday", "start_time")
    return _days((block.weekday, block.start_time, block.end_time) for block in blocks)


def _days(spans: Iterable[tuple[int, time, time]]) -> list[Day]:
    """Spans ordered by weekday and start, each weekday's overlapping or touching spans joined."""
    joined_by_weekday: dict[int, list[tuple[time, time]]] = {}
    for weekday, start, end in spans:
        joined = joined_by_weekday.setdefault(weekday, [])
        if joined and start <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], end))
        else:
            joined.append((start, end))
    labels = dict(WEEKDAYS)
    return [
        Day(str(labels[weekday]), joined) for weekday, joined in sorted(joined_by_weekday.items())
    ]
