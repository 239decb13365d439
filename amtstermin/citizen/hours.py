"""A location's regular opening hours, as its rosters make them: someone is there to serve."""

from dataclasses import dataclass
from datetime import date, time

from django.core.cache import cache
from django.db.models import Q
from django.utils.translation import get_language

from amtstermin.core.models import Location, RosterBlock
from amtstermin.core.models.staff import WEEKDAYS

CACHE_SECONDS = 24 * 60 * 60  # the key names the day, so a stale day is never read


@dataclass(frozen=True)
class Day:
    label: str
    spans: list[tuple[time, time]]


def opening_hours(location: Location, day: date) -> list[Day]:
    """Each weekday with its rostered blocks on `day`, overlapping blocks joined (no holidays).

    Cached by the location's version, which every roster change bumps (core/signals.py,
    core/rosters.py): the start page asks on every visit.
    """
    key = f"opening-hours:{location.pk}:{location.version}:{day}:{get_language()}"
    found = cache.get(key)
    if found is None:
        found = _from_rosters(location, day)
        cache.set(key, found, CACHE_SECONDS)
    return found


def _from_rosters(location: Location, day: date) -> list[Day]:
    blocks = RosterBlock.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=day),
        location=location,
        valid_from__lte=day,
        staff__active=True,
    ).order_by("weekday", "start_time")
    spans: dict[int, list[tuple[time, time]]] = {}
    for block in blocks:
        joined = spans.setdefault(block.weekday, [])
        if joined and block.start_time <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], block.end_time))
        else:
            joined.append((block.start_time, block.end_time))
    labels = dict(WEEKDAYS)
    return [Day(str(labels[weekday]), joined) for weekday, joined in sorted(spans.items())]
