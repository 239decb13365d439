"""Counters in the shared cache that cached pages are keyed by (calendar versions, texts).

A counter moves when what the pages show changes. A lost one (eviction, a cache restart) starts
again at a random value, so it never meets a value under which an old page might still be
stored. Moving a missing counter does nothing: its next reader starts a fresh one.
"""

import secrets
from collections.abc import Sequence

from django.core.cache import cache


def read(key: str) -> int:
    value = cache.get(key)
    if value is None:
        cache.add(key, secrets.randbits(48), None)
        value = cache.get(key)
    return value


def read_with(counters: Sequence[str], entries: Sequence[str]) -> tuple[dict[str, int], dict]:
    """Several counters and other cache entries in one round trip: (counters, entries found)."""
    found = cache.get_many([*counters, *entries])
    values = {key: read(key) if found.get(key) is None else found[key] for key in counters}
    return values, found


def bookings_key(location_id: int) -> str:
    """A location's bookings counter (scheduling/versions.py), which Location.bump_versions()
    moves too."""
    return f"bookings-version:{location_id}"


def move(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # missing
        pass
