"""The office's side of the wish-list: which wishes a staff member sees, each one's place in
its queue, and answering an offer for a caller (the desk phones a wish left without email).

Scope as for appointments (core/staff_scope.py): a wish is seen by staff of a department whose
service it asks for, when one of its locations is theirs; acting on it needs every one of its
services in their department and the location concerned among theirs.
"""

from collections.abc import Sequence
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, QuerySet

from .. import staff_scope
from ..models import Appointment, Location, StaffMember, Wish, WishItem, WishOffer
from . import offers

OPEN = (Wish.Status.WAITING, Wish.Status.OFFERED)


def scope_wishes(queryset: QuerySet[Wish], staff: StaffMember) -> QuerySet[Wish]:
    """`queryset` narrowed to the wishes `staff` may see."""
    if staff_scope.sees_everything(staff):
        return queryset
    own_service = WishItem.objects.filter(
        wish=OuterRef("pk"), service__department_id=staff.department_id
    )
    seen_location = Wish.locations.through.objects.filter(
        wish=OuterRef("pk"), location__in=staff_scope.visible_locations(staff)
    )
    return queryset.filter(Exists(own_service), Exists(seen_location))


def may_act(staff: StaffMember, wish: Wish, location: Location) -> bool:
    """Whether `staff` may answer for or place `wish` at `location`: active, every service of
    the wish in their department, the location one of the wish's and theirs."""
    if not staff.active or not wish.locations.filter(pk=location.pk).exists():
        return False
    if staff_scope.sees_everything(staff):
        return True
    foreign = wish.items.exclude(service__department_id=staff.department_id)
    return staff_scope.can_see_location(staff, location) and not foreign.exists()


def positions(wishes: Sequence[Wish]) -> dict[int, int]:
    """Each open wish's place in its queue (1: served first): the open wishes verified before it
    that share a location and a service with it, plus one. Two queries whatever the count."""
    shown = [wish for wish in wishes if wish.status in OPEN and wish.verified_at]
    verified = [wish.verified_at for wish in shown if wish.verified_at]
    if not verified:
        return {}
    latest = max(verified)
    ahead = (
        Wish.objects.filter(status__in=OPEN, verified_at__lte=latest)
        .order_by("verified_at", "pk")
        .prefetch_related("locations", "items")
    )
    rows = [
        (
            (wish.verified_at, wish.pk),
            {location.pk for location in wish.locations.all()},
            {item.service_id for item in wish.items.all()},
        )
        for wish in ahead
    ]
    found = {}
    for wish in shown:
        order, places, services = next(row for row in rows if row[0][1] == wish.pk)
        found[wish.pk] = 1 + sum(
            1
            for other, other_places, other_services in rows
            if other < order and places & other_places and services & other_services
        )
    return found


def accept_for_caller(*, offer: WishOffer, staff: StaffMember, now: datetime) -> Appointment:
    """The caller said yes on the phone: book the offered time. Raises PermissionDenied outside
    `staff`'s scope, and what offers.accept raises."""
    _check(offer, staff)
    return offers.accept(offer=offer, now=now)


def decline_for_caller(*, offer: WishOffer, staff: StaffMember, now: datetime) -> None:
    """The caller said no (or cannot come then): the time passes to the next wish. Raises
    PermissionDenied outside `staff`'s scope, and what offers.decline raises."""
    _check(offer, staff)
    offers.decline(offer=offer, now=now)


def _check(offer: WishOffer, staff: StaffMember) -> None:
    if not may_act(staff, offer.wish, offer.appointment.location):
        raise PermissionDenied
