"""The version a cached calendar of a location is keyed by (ADR 0006).

Two parts: `Location.version`, bumped in the transaction of every catalogue, location and
roster change (rare, and those take the location's lock exclusively anyway), and a counter in
the cache bumped by every booking, move, cancellation and expired hold. The counter keeps
bookings off a hot row: an UPDATE of the location row would make every booking of the location
wait for the one before it to commit.
"""

import secrets

from django.core.cache import cache
from django.db import transaction

from ..models import Location


def _key(location_id: int) -> str:
    return f"bookings-version:{location_id}"


def bookings(location_id: int) -> int:
    """The counter; a lost one (eviction, a cache restart) starts again at a random value, so it
    never meets an old version whose calendars might still be stored."""
    counter = cache.get(_key(location_id))
    if counter is None:
        cache.add(_key(location_id), secrets.randbits(48), None)
        counter = cache.get(_key(location_id))
    return counter


def bookings_with(location_id: int, key: str) -> tuple[int, object]:
    """The counter and the cache entry `key`, in one round trip: a stored page is checked
    against the counter it was stored with (citizen/wizard/page_cache.py)."""
    found = cache.get_many([_key(location_id), key])
    counter = found.get(_key(location_id))
    return (bookings(location_id) if counter is None else counter), found.get(key)


def of(location: Location) -> str:
    """Both parts, with the version of an instance the request has just loaded."""
    return f"{location.version}.{bookings(location.pk)}"


def bump_bookings(location_id: int) -> None:
    """Call inside the transaction that takes or frees time: the counter moves after the commit.

    Not before it: a calendar computed between the bump and the commit would still show the
    time as free and be stored under the new version. A process killed between commit and bump
    leaves the old entries to their short lifetime (availability.CACHE_SECONDS): such a calendar
    may offer a taken time, and booking it gets "just taken" with the nearest free ones.
    """
    transaction.on_commit(lambda: _incr(location_id))


def _incr(location_id: int) -> None:
    try:
        cache.incr(_key(location_id))
    except ValueError:  # missing: the next reader starts a fresh counter
        pass
