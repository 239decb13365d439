"""The counter a cached calendar of a location is checked against (ADR 0006).

A counter in the shared cache, moved after the commit of every booking, move, cancellation and
expired hold (bump_bookings), and of every catalogue, location and roster change, whose
transaction also bumps `Location.version` (Location.bump_versions). The counter keeps bookings
off a hot row: an UPDATE of the location row would make every booking of the location wait for
the one before it to commit. A cached calendar, search or page is stored with the counter it
was made under and served only while the counter still has that value.
"""

from collections.abc import Sequence

from django.db import transaction

from .. import counters


def bookings(location_id: int) -> int:
    """The bookings' counter of a location (core/counters.py: a lost one restarts at random)."""
    return counters.read(counters.bookings_key(location_id))


def bookings_with(location_id: int, key: str) -> tuple[int, object]:
    """The counter and the cache entry `key`, in one round trip: a stored page is checked
    against the counter it was stored with (citizen/wizard/page_cache.py)."""
    values, found = all_with([location_id], [key])
    return values[location_id], found.get(key)


def all_with(location_ids: Sequence[int], keys: Sequence[str]) -> tuple[dict[int, int], dict]:
    """The counters of several locations and the cache entries `keys`, in one round trip:
    (counter per location id, entries found)."""
    names = {location_id: counters.bookings_key(location_id) for location_id in location_ids}
    values, found = counters.read_with(list(names.values()), keys)
    return {location_id: values[name] for location_id, name in names.items()}, found


def bump_bookings(location_id: int) -> None:
    """Call inside the transaction that takes or frees time: the counter moves after the commit.

    Not before it: a calendar computed between the bump and the commit would still show the
    time as free and be stored under the new version. A process killed between commit and bump
    leaves the old entries to their short lifetime (availability.CACHE_SECONDS): such a calendar
    may offer a taken time, and booking it gets "just taken" with the nearest free ones.
    """
    transaction.on_commit(lambda: counters.move(counters.bookings_key(location_id)))
