"""Device links: the secret addresses of screens without a login (call display, kiosk).

A waiting-room screen cannot type a password and a second factor, so it is opened with an
unguessable link instead. Only the link's SHA-256 is stored, so a database dump opens no
screen; a lost or replaced screen's link is revoked and answers "not found" from then on.
"""

from datetime import datetime

from django.db.models import OuterRef, Subquery

from . import numbers
from .models import DeviceLink, Location, VisitEvent
from .visits import CALL_KINDS


def issue(location: Location, kind: str, name: str, *, now: datetime) -> str:
    """A new device link for a screen at `location`; returns the token, shown only this once."""
    token = numbers.new_token()
    DeviceLink.objects.create(
        location=location, kind=kind, name=name, digest=numbers.digest(token), created_at=now
    )
    return token


def find(token: str, kind: str) -> DeviceLink | None:
    """The active device link of `kind` for `token`, or None when unknown or revoked.

    Also carries `latest_call_id`, the pk of its location's latest call: the display's poll
    needs nothing else to answer "unchanged", so each poll costs this one query over two
    indexes (the digest's unique index and visit_event_latest).
    """
    latest_call = (
        VisitEvent.objects.filter(location=OuterRef("location"), kind__in=CALL_KINDS)
        .order_by("-at", "-pk")
        .values("pk")[:1]
    )
    return (
        DeviceLink.objects.filter(digest=numbers.digest(token), kind=kind, revoked_at__isnull=True)
        .select_related("location")
        .annotate(latest_call_id=Subquery(latest_call))
        .first()
    )


def revoke(device: DeviceLink, *, now: datetime) -> None:
    """Close the link for good; revoking twice keeps the first time."""
    DeviceLink.objects.filter(pk=device.pk, revoked_at__isnull=True).update(revoked_at=now)
    device.refresh_from_db(fields=["revoked_at"])
