"""Leave, verify, cancel and expire wishes."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction

from .. import limits, numbers, staff_scope
from ..errors import InvalidContact, NoItems, NotOffered
from ..items import Item, validate
from ..models import Location, StaffMember, Wish, WishItem, WishOffer, WishToken
from ..notifications.events import WISH_VERIFY as VERIFY
from ..notifications.tasks import send_wish_mail
from . import offers
from .errors import AlreadyWishing, NoDays, OutsideWindow
from .tasks import serve_wishes


@dataclass(frozen=True)
class Wanted:
    """What a wish asks for besides the services: where, which weekdays, which day-times, until
    when (a day the latest offered time may lie on)."""

    locations: Sequence[Location]
    latest_date: date
    weekdays: int = 0b1111111  # bit 0 Monday … bit 6 Sunday
    earliest_time: time | None = None
    latest_time: time | None = None


@dataclass(frozen=True)
class Wisher:
    name: str
    email: str
    phone: str = ""
    language: str = "de"


@dataclass(frozen=True)
class Left:
    wish: Wish
    token: str  # the browser's link key to the wish; proving the mailbox needs the mailed one


def services_key(items: Sequence[Item]) -> str:
    """The set of services as the one-wish-per-mailbox rule compares them."""
    return ",".join(str(pk) for pk in sorted(item.service.pk for item in items))


def leave(
    *,
    items: Sequence[Item],
    wanted: Wanted,
    wisher: Wisher,
    now: datetime,
    urgent_reason: str = "",
) -> Left:
    """Store a wish, unverified: it takes its place in the queue when the mailed link is
    followed (verify). Raises a BookingError for services no chosen location offers, a window
    that has ended or holds no weekday, or a mailbox that already waits for these services."""
    items = _checked(items, wanted, now)
    wisher = _clean(wisher)
    email_key = limits.normalise_email(wisher.email)
    key = services_key(items)
    if _open(email_key, key).exists():
        raise AlreadyWishing()
    with transaction.atomic():
        wish = _create(items, wanted, wisher, email_key, now=now, urgent_reason=urgent_reason)
        token = numbers.new_token()
        WishToken.objects.create(wish=wish, digest=numbers.digest(token), created_at=now)
        send_wish_mail.enqueue(wish_id=wish.pk, event=VERIFY)
    return Left(wish, token)


def leave_for_caller(
    *,
    items: Sequence[Item],
    wanted: Wanted,
    wisher: Wisher,
    staff: StaffMember,
    now: datetime,
    urgent_reason: str = "",
) -> Wish:
    """A wish taken by phone or at the desk. With an email address it waits for the mailed
    check like any other; without one the staff member vouches for the caller: it joins the
    queue at once, gets no mail, and the desk calls the phone number with an offer. Raises
    PermissionDenied outside `staff`'s scope (their department's services, their locations),
    InvalidContact without a phone number to call, and what leave() raises."""
    items = list(items)
    _check_scope(staff, items, wanted.locations)
    if wisher.email.strip():
        left = leave(
            items=items, wanted=wanted, wisher=wisher, now=now, urgent_reason=urgent_reason
        )
        left.wish.left_by = staff
        left.wish.save(update_fields=["left_by"])
        return left.wish
    items = _checked(items, wanted, now)
    phone = " ".join(wisher.phone.split())
    if not phone:
        raise InvalidContact()
    wisher = _clean(wisher, email_needed=False)
    # The phone number stands for the mailbox in the one-open-wish rule.
    email_key = "phone:" + "".join(char for char in phone if char.isdigit())
    key = services_key(items)
    if _open(email_key, key).exists():
        raise AlreadyWishing()
    try:
        with transaction.atomic():
            wish = _create(items, wanted, wisher, email_key, now=now, urgent_reason=urgent_reason)
            wish.status = Wish.Status.WAITING
            wish.verified_at = now
            wish.left_by = staff
            wish.save(update_fields=["status", "verified_at", "left_by"])
    except IntegrityError:
        raise AlreadyWishing() from None
    _serve_soon(wish)
    return wish


def verify(*, wish: Wish, now: datetime) -> Wish:
    """The mailed link was followed: the wish joins the queue now. Twice is harmless; raises
    AlreadyWishing if the mailbox meanwhile waits with another wish for the same services."""
    try:
        with transaction.atomic():
            wish = Wish.objects.select_for_update().get(pk=wish.pk)
            if wish.status != Wish.Status.UNVERIFIED:
                return wish
            wish.status = Wish.Status.WAITING
            wish.verified_at = now
            wish.save(update_fields=["status", "verified_at"])
    except IntegrityError:
        raise AlreadyWishing() from None  # the one-open-wish constraint
    _serve_soon(wish)
    return wish


def cancel(*, wish: Wish, now: datetime) -> Wish:
    """The citizen no longer wants a time; an open offer's hold is given back. Twice is
    harmless."""
    with transaction.atomic():
        wish = Wish.objects.select_for_update().get(pk=wish.pk)
        if wish.status in (Wish.Status.FULFILLED, Wish.Status.CANCELLED, Wish.Status.EXPIRED):
            return wish
        open_offer = wish.offers.filter(state=WishOffer.State.OPEN).first()
        wish.status = Wish.Status.CANCELLED
        wish.closed_at = now
        wish.save(update_fields=["status", "closed_at"])
    if open_offer is not None:
        offers.withdraw(open_offer, now=now)
    return wish


def expire_due(*, now: datetime) -> int:
    """Close waiting and unverified wishes whose latest day has passed (at each wish's first
    location's date); returns how many."""
    count = 0
    candidates = Wish.objects.filter(
        status__in=[Wish.Status.UNVERIFIED, Wish.Status.WAITING],
        # Every zone's date is at most a day after UTC's: the exact check follows.
        latest_date__lt=now.date() + timedelta(days=1),
    ).prefetch_related("locations")
    for wish in candidates:
        today = min(location.local_date(now) for location in wish.locations.all())
        if wish.latest_date < today:
            count += Wish.objects.filter(pk=wish.pk, status=wish.status).update(
                status=Wish.Status.EXPIRED, closed_at=now
            )
    return count


def find_by_token(token: str, *, mailed: bool = False) -> Wish | None:
    """The wish a link key opens, or None; `mailed=True` accepts only keys sent by email."""
    if not token or len(token) > 100:
        return None
    keys = WishToken.objects.filter(digest=numbers.digest(token))
    if mailed:
        keys = keys.filter(mailed=True)
    found = keys.select_related("wish").first()
    return found.wish if found else None


def _checked(items: Sequence[Item], wanted: Wanted, now: datetime) -> list[Item]:
    items = list(items)
    if not items:
        raise NoItems()
    if not wanted.locations:
        raise NotOffered()
    for location in wanted.locations:
        validate(items, location)
    if not wanted.weekdays & 0b1111111:
        raise NoDays()
    if wanted.latest_date < min(location.local_date(now) for location in wanted.locations):
        raise OutsideWindow()
    if wanted.earliest_time and wanted.latest_time and wanted.earliest_time >= wanted.latest_time:
        raise OutsideWindow()
    return items


def _create(items, wanted: Wanted, wisher: Wisher, email_key: str, *, now, urgent_reason) -> Wish:
    wish = Wish.objects.create(
        reference=numbers.new_reference(),
        weekdays=wanted.weekdays & 0b1111111,
        earliest_time=wanted.earliest_time,
        latest_time=wanted.latest_time,
        latest_date=wanted.latest_date,
        name=wisher.name,
        email=wisher.email,
        email_key=email_key,
        services_key=services_key(items),
        phone=wisher.phone,
        language=wisher.language,
        urgent=bool(urgent_reason.strip()),
        urgent_reason=urgent_reason.strip()[:300],
        created_at=now,
    )
    wish.locations.set(wanted.locations)
    WishItem.objects.bulk_create(
        WishItem(wish=wish, service=item.service, quantity=item.quantity) for item in items
    )
    return wish


def _check_scope(staff: StaffMember, items: Sequence[Item], locations: Sequence[Location]):
    visible = staff_scope.visible_locations(staff)
    unseen = {location.pk for location in locations} - set(visible.values_list("pk", flat=True))
    if unseen or not staff_scope.owns_services(staff, [item.service for item in items]):
        raise PermissionDenied


def _open(email_key: str, key: str):
    return Wish.objects.filter(
        email_key=email_key,
        services_key=key,
        status__in=[Wish.Status.WAITING, Wish.Status.OFFERED],
    )


def _clean(wisher: Wisher, *, email_needed: bool = True) -> Wisher:
    name = " ".join(wisher.name.split())
    email = wisher.email.strip()
    languages = {code for code, _label in settings.LANGUAGES}
    if not name or len(name) > 120 or len(wisher.phone) > 40 or wisher.language not in languages:
        raise InvalidContact()
    if email or email_needed:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidContact() from None
    return Wisher(name, email, " ".join(wisher.phone.split()), wisher.language)


def _serve_soon(wish: Wish) -> None:
    """Look for a time for the new place in the queue at once (the worker, after commit)."""
    for location_id in wish.locations.values_list("pk", flat=True):
        serve_wishes.enqueue(location_id=location_id)
