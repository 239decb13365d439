"""API keys: create (shown once), find by the key a request carries, revoke.

A key is a staff member without a login ("API: <name>") plus an access level, so everything the
office's scope rules say about a clerk holds for a key, and the history names the key.
"""

from datetime import datetime, timedelta
from typing import NamedTuple

from django.db import transaction

from . import numbers
from .models import ApiCall, ApiKey, Department, Location, StaffMember

# Keys look like "amt_<token>": recognisable in logs and secret scanners.
PREFIX = "amt_"
LONGEST = 100
# Writing "last used" on every call would make every read a write; a minute is precise enough
# to see which systems still use a key.
LAST_USE_PRECISION = timedelta(minutes=1)


class Issued(NamedTuple):
    key: ApiKey
    secret: str  # shown to the administrator once, never stored


def create(
    *,
    name: str,
    department: Department,
    locations: list[Location],
    access: str,
    now: datetime,
    everything: bool = False,
) -> Issued:
    """A new key for `department` at `locations` (`everything`: every department and location)."""
    secret = PREFIX + numbers.new_token()
    with transaction.atomic():
        role = StaffMember.Role.ADMINISTRATOR if everything else StaffMember.Role.CLERK
        staff = StaffMember.objects.create(
            name=f"API: {name}"[:120], department=department, role=role
        )
        staff.locations.set(locations)
        key = ApiKey.objects.create(
            staff=staff,
            access=access,
            digest=numbers.digest(secret),
            prefix=secret[: len(PREFIX) + 4],
            created_at=now,
        )
    return Issued(key, secret)


def find(secret: str, *, now: datetime) -> ApiKey | None:
    """The active key `secret` opens, or None (unknown, revoked, or its staff member inactive)."""
    if not secret.startswith(PREFIX) or len(secret) > LONGEST or not secret.isascii():
        return None
    key = (
        ApiKey.objects.select_related("staff")
        .filter(digest=numbers.digest(secret), revoked_at__isnull=True, staff__active=True)
        .first()
    )
    if key is not None and (
        key.last_used_at is None or key.last_used_at < now - LAST_USE_PRECISION
    ):
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


def revoke(key: ApiKey, *, now: datetime) -> None:
    """The key stops working at once; its staff member stays for the history."""
    with transaction.atomic():
        ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=now)
        StaffMember.objects.filter(pk=key.staff_id).update(active=False)


def record_call(key: ApiKey, *, method: str, path: str, status: int, now: datetime) -> None:
    """The audit trail: every staff API call under the key's name, reads included."""
    ApiCall.objects.create(key=key, at=now, method=method[:8], path=path[:300], status=status)


def purge_calls(before: datetime) -> int:
    """Calls older than `before` (the retention period; core/retention.py)."""
    deleted, _by_model = ApiCall.objects.filter(at__lt=before).delete()
    return deleted
