"""What a citizen asks for: services with quantities, and what follows from them."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from . import booking_sql, sql
from .errors import NoItems, NotOffered, TooManyUnits
from .models import Location, Service, ServiceDocument


@dataclass(frozen=True)
class Item:
    service: Service
    quantity: int = 1

    @property
    def minutes(self) -> int:
        return self.service.minutes_for(self.quantity)

    @property
    def fee(self) -> Decimal:
        return self.service.fee * self.quantity


@dataclass(frozen=True)
class DocumentToBring:
    name: str
    note: str
    count: int


def validate(items: Sequence[Item], location: Location) -> None:
    """Raise NoItems, NotOffered or TooManyUnits unless every item can be booked at `location`."""
    check_offered(items, sql.fetch(*offered(items, location)))


def offered(items: Sequence[Item], location: Location) -> sql.Statement:
    """Selects which of the items' services `location` offers, for check_offered (a booking
    sends it in its batch, core/sql.py). Raises NoItems for none."""
    if not items:
        raise NoItems()
    return booking_sql.offered(location.pk, [item.service.pk for item in items])


def check_offered(items: Sequence[Item], rows: list[tuple]) -> None:
    """Raise NotOffered or TooManyUnits unless every item can be booked, given the `rows` of
    offered(): the services' own flags as the caller loaded them (this request), the offer
    from the link table."""
    offer = {row[0] for row in rows}
    seen: set[int] = set()
    for item in items:
        service = item.service
        bookable = service.active and service.mode == Service.Mode.APPOINTMENT
        if not bookable or service.pk not in offer or service.pk in seen:
            raise NotOffered()
        if not 1 <= item.quantity <= service.max_quantity:
            raise TooManyUnits()
        seen.add(service.pk)


def total_minutes(items: Iterable[Item]) -> int:
    return sum(item.minutes for item in items)


def units_needed(items: Iterable[Item], location: Location) -> int:
    """Σ (time + (quantity−1) × additional time), rounded up to the location's slot unit."""
    return location.units_for(total_minutes(items))


def service_ids(items: Iterable[Item]) -> frozenset[int]:
    return frozenset(item.service.pk for item in items)


def total_fee(items: Iterable[Item]) -> Decimal:
    return sum((item.fee for item in items), Decimal("0.00"))


def documents_to_bring(items: Sequence[Item]) -> list[DocumentToBring]:
    """The documents over all items, each once, with the count the largest item needs.

    The maximum, not the sum: two people applying for ID cards and registering their move bring
    their two old ID cards once, not four times.
    """
    quantities = {item.service.pk: item.quantity for item in items}
    rules = (
        ServiceDocument.objects.filter(service__in=quantities)
        .select_related("document")
        .order_by("service__position", "position", "pk")
    )
    merged: dict[int, DocumentToBring] = {}
    for rule in rules:
        count = rule.count_for(quantities[rule.service_id])
        known = merged.get(rule.document_id)
        if known is None or count > known.count:
            merged[rule.document_id] = DocumentToBring(
                rule.document.name, rule.document.note, count
            )
    return list(merged.values())


def locations_for(items: Sequence[Item]) -> list[Location]:
    """The locations that offer every requested service, by name."""
    wanted = service_ids(items)
    return list(
        Location.objects.filter(services__in=wanted)
        .annotate(offered=Count("services", distinct=True))
        .filter(offered=len(wanted))
        .order_by("name")
    )
