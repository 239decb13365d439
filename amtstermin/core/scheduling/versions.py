"""The version a cached calendar of a location is keyed by (ADR 0006).

Two parts: `Location.version`, bumped in the transaction of every catalogue, location and
roster change (rare, and those take the location's lock exclusively anyway), and a counter in
the cache bumped by every booking, move, cancellation and expired hold. The counter keeps
bookings off a hot row: an UPDATE of the location row would make every booking of the location
wait for the one before it to commit.
"""

from django.db import transaction

from .. import counters
from ..models import Location

_key = counters.bookings_key


def bookings(location_id: int) -> int:
    """The bookings' counter of a location (core/counters.py: a lost one restarts at random)."""
    return counters.read(_key(location_id))


def bookings_with(location_id: int, key: str) -> tuple[int, object]:
    """The counter and the cache entry `key`, in one round trip: a stored page is checked
    against the counter it was stored with (citizen/wizard/page_cache.py)."""
    values, found = counters.read_with([_key(location_id)], [key])
    return values[_key(location_id)], found.get(key)


def of_all(locations: list[Location]) -> dict[int, str]:
    """Both parts per location, with the versions of instances the request has just loaded;
    the counters in one round trip."""
    values, _found = counters.read_with([_key(location.pk) for location in locations], [])
    return {
        location.pk: f"{location.version}.{values[_key(location.pk)]}" for location in locations
    }


def bump_bookings(location_id: int) -> None:
    """Call inside the transaction that takes or frees time: the counter moves after the commit.

    Not before it: a calendar computed between the bump and the commit would still show the
    time as free and be stored under the new version. A process killed between commit and bump
    leaves the old entries to their short lifetime (availability.CACHE_SECONDS): such a calendar
    may offer a taken time, and booking it gets "just taken" with the nearest free ones.
    """
    transaction.on_commit(lambda: counters.move(_key(location_id)))
