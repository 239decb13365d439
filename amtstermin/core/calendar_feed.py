"""Calendar feeds: a clerk's own appointments as an iCalendar address for Outlook or Thunderbird.

A calendar program cannot log in with a password and a second factor, so the address itself
is the key: 192 random bits, of which only the SHA-256 is stored (like AccessToken). Creating a
new address revokes the old one; a revoked address, or one of a staff member who is no longer
active, opens nothing.

What leaves the town's systems: services, reference and waiting numbers, times and places.
Never an email address or a phone number; a citizen's name only if the clerk asked for names
and the appointment lies in their scope (core/staff_scope.py).
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from icalendar.enums import CLASS
from icalendar.prop import vDuration

from . import numbers
from .models import HOLDING, Appointment, CalendarFeed, StaffMember
from .notifications import ics
from .staff_scope import scope_appointments
from .summary import ITEMS, items_of

# new_token() gives 32 URL-safe characters; anything else is not one of ours and is refused
# before it costs a digest and a lookup (the length first: the pattern never sees a long one).
TOKEN_LIMIT = 64
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")
# Calendars poll every few minutes: remember the last use at most this often, not each poll.
USE_NOTED_EVERY = timedelta(minutes=5)
# How far back the feed reaches: last week's entries stay visible for the clerk's notes.
PAST = timedelta(days=7)
# How far ahead at most, whatever a location's horizon says (bounds the read).
AHEAD_LIMIT = timedelta(days=366)
# What the calendar program is asked to wait between polls (RFC 7986 REFRESH-INTERVAL).
REFRESH = timedelta(minutes=15)


@dataclass(frozen=True)
class Created:
    feed: CalendarFeed
    token: str  # shown once; only its digest is kept


def open_feed(staff: StaffMember) -> CalendarFeed | None:
    """The staff member's feed that still opens, or None."""
    return CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).first()


@transaction.atomic
def create(staff: StaffMember, *, include_names: bool, now: datetime) -> Created:
    """A new feed for `staff`, revoking the one before: the old address stops working."""
    # The staff row's lock orders two clicks at once; the partial unique constraint
    # (calendar_feed_one_open) would refuse the second otherwise.
    StaffMember.objects.select_for_update().filter(pk=staff.pk).first()
    CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).update(revoked_at=now)
    token = numbers.new_token()
    feed = CalendarFeed.objects.create(
        staff=staff, digest=numbers.digest(token), include_names=include_names, created_at=now
    )
    return Created(feed=feed, token=token)


def revoke(staff: StaffMember, *, now: datetime) -> bool:
    """Close `staff`'s open feed for good; False if there was none."""
    return bool(
        CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).update(revoked_at=now)
    )


def show_names(staff: StaffMember, *, include_names: bool) -> bool:
    """Switch names on or off in `staff`'s open feed; False if there is none."""
    return bool(
        CalendarFeed.objects.filter(staff=staff, revoked_at__isnull=True).update(
            include_names=include_names
        )
    )


def find(token: str, *, now: datetime) -> CalendarFeed | None:
    """The open feed of an active staff member that `token` opens, or None.

    One lookup by digest whatever the token: an unknown, revoked or foreign one costs the same.
    """
    if len(token) > TOKEN_LIMIT or not TOKEN_SHAPE.fullmatch(token):
        return None
    feed = (
        CalendarFeed.objects.filter(
            digest=numbers.digest(token), revoked_at__isnull=True, staff__active=True
        )
        .select_related("staff")
        .first()
    )
    if feed is not None and (
        feed.last_used_at is None or feed.last_used_at <= now - USE_NOTED_EVERY
    ):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)
        feed.last_used_at = now
    return feed


def appointments(staff: StaffMember, *, now: datetime) -> list[Appointment]:
    """`staff`'s appointments from a week ago to their location's booking horizon that still
    hold their time (no cancelled, expired or lapsed holds), in time order, with items."""
    rows = (
        Appointment.objects.filter(
            staff=staff,
            status__in=HOLDING,
            start__gte=now - PAST,
            start__lt=now + AHEAD_LIMIT,
        )
        .select_related("location", "visit__counter")
        .prefetch_related(ITEMS)
        .order_by("start", "pk")
    )
    return [
        appointment
        for appointment in rows
        if appointment.start < now + timedelta(days=appointment.location.horizon_days)
        and not ics.is_withdrawn(appointment, now=now)
    ]


def calendar(feed: CalendarFeed, *, now: datetime) -> bytes:
    """The feed's calendar (RFC 5545, METHOD:PUBLISH), times in UTC.

    Texts follow the active language: call inside translation.override().
    """
    staff = feed.staff
    shown = appointments(staff, now=now)
    named: set[int] = set()
    if feed.include_names and staff.active:
        in_scope = Appointment.objects.filter(pk__in=[appointment.pk for appointment in shown])
        named = set(scope_appointments(in_scope, staff).values_list("pk", flat=True))
    result = Calendar.new(
        prodid=ics.PRODID,
        method="PUBLISH",
        # Stable, so a calendar program recognises the subscription across polls.
        uid=f"feed-{feed.pk}@{ics.site_host()}",
        name=f"{settings.TOWN_NAME}: {staff.name}",
        refresh_interval=REFRESH,
    )
    result["REFRESH-INTERVAL"].params["VALUE"] = "DURATION"  # RFC 7986 requires the type
    # Outlook reads the older X-PUBLISHED-TTL, not REFRESH-INTERVAL.
    result.add("X-PUBLISHED-TTL", vDuration(REFRESH))
    result.subcomponents.extend(
        _event(appointment, named=appointment.pk in named, now=now) for appointment in shown
    )
    return result.to_ical()


def _event(appointment: Appointment, *, named: bool, now: datetime) -> Event:
    title = f"{ics.services(items_of(appointment))} – {appointment.reference}"
    if named and appointment.name:
        title = f"{appointment.name}: {title}"
    where = ics.place(appointment.location)
    visit = getattr(appointment, "visit", None)
    if visit is not None and visit.counter is not None:
        where = f"{where}, {_('counter').capitalize()} {visit.counter.name}"
    return Event.new(
        uid=ics.uid(appointment),
        sequence=appointment.sequence,
        stamp=now.astimezone(UTC),
        start=appointment.start.astimezone(UTC),
        end=appointment.end.astimezone(UTC),
        summary=title,
        location=where,
        description=ics.description(appointment),
        status=ics.event_status(appointment, now=now),
        # A calendar shared with colleagues shows them "busy", not the citizen's business.
        classification=CLASS.PRIVATE,
    )
