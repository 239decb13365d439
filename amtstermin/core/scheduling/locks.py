"""Who waits for whom while free time is read and then written (ADR 0006).

Bookings, moves and cancellations take a location's lock *shared*: they never wait for each
other (two bookings of one clerk's time are stopped by the exclusion constraint, ADR 0002).
Roster, absence and closure changes take it *exclusive*: they wait for the bookings in flight
and those for them, so a booking never lands inside a new absence, and a change never misses
a booking it must hand over.

PostgreSQL transaction-level advisory locks, released at commit or rollback. SQLite needs none:
BEGIN IMMEDIATE (settings.py) already lets one writer in at a time.
"""

from collections.abc import Iterable

from django.db import connection

from .. import sql
from ..sql import Statement
from ..transactions import require_transaction

# The first key of the two-key form: "amts". PostgreSQL keeps two-key and one-key locks apart,
# so these never collide with the one-key locks of core/limits.py.
_CAPACITY = 0x616D7473


def share(location_id: int) -> None:
    """For a booking, a move or a cancellation at `location_id`."""
    require_transaction()
    sql.execute(sharing(location_id))


def sharing(location_id: int) -> Statement | None:
    """The statement share() runs, to send in a batch (core/sql.py); None on SQLite."""
    if not sql.postgres():
        return None
    return "SELECT pg_advisory_xact_lock_shared(%s, %s)", [_CAPACITY, location_id]


def exclusive(location_ids: Iterable[int]) -> None:
    """For a change of who works when at these locations; taken in id order (no deadlock)."""
    require_transaction()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for location_id in sorted(set(location_ids)):
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [_CAPACITY, location_id])
