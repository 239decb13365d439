"""The wish-list's part of the minute job (core/upkeep.py)."""

from datetime import datetime

from ..models import Location, Wish
from . import matching, offers, store


def tend(*, now: datetime) -> dict[str, int]:
    """Note lapsed offers, close wishes past their latest day, then serve every location with
    someone waiting: whatever freed time since (a cancellation, a lapsed hold, a new roster
    block, a removed absence) goes to the queue within a minute, before the re-release delay
    lets anyone online see a cancelled time."""
    settled = offers.settle(now=now)
    expired = store.expire_due(now=now)
    waiting = Location.objects.filter(wishes__status=Wish.Status.WAITING).distinct()
    served = sum(matching.serve(location, now=now) for location in waiting)
    return {"offers_settled": settled, "wishes_expired": expired, "offers_made": served}
