"""The services asked for, as the API names them: "12" or "12:2" (service 12, twice)."""

from django.db.models import Prefetch

from amtstermin.core import inputs
from amtstermin.core.errors import NoItems, NotOffered, TooManyUnits
from amtstermin.core.items import Item
from amtstermin.core.models import Location, Service

MOST_ITEMS = 20
MOST_LOCATIONS = 20


def bounded_id(value: int) -> int | None:
    """A path's id if it can name a row (a larger number would overflow the database)."""
    return value if 1 <= value <= inputs.LARGEST_ID else None


def parse_items(values: list[str]) -> list[tuple[int, int]]:
    """[(service id, quantity)] from "id" or "id:quantity"; raises NoItems or NotOffered."""
    if not values:
        raise NoItems()
    if len(values) > MOST_ITEMS:
        raise TooManyUnits()
    wanted: list[tuple[int, int]] = []
    for value in values:
        service, _, quantity = value.partition(":")
        service_id = inputs.parse_id(service)
        count = inputs.parse_id(quantity) if quantity else 1
        if service_id is None:
            raise NotOffered()
        if count is None or count > 99:
            raise TooManyUnits()
        wanted.append((service_id, count))
    return wanted


def items(wanted: list[tuple[int, int]]) -> list[Item]:
    """The bookable services asked for; raises NotOffered for one that cannot be booked."""
    found = Service.objects.bookable().in_bulk([service_id for service_id, _ in wanted])
    if len(found) != len({service_id for service_id, _ in wanted}):
        raise NotOffered()
    return [Item(found[service_id], quantity) for service_id, quantity in wanted]


def locations(ids: list[int]) -> list[Location]:
    """The locations asked for, in the order given; raises NotOffered for an unknown one."""
    if len(ids) > MOST_LOCATIONS:
        raise NotOffered()
    bounded = [bounded_id(pk) for pk in ids]
    found = Location.objects.prefetch_related(
        Prefetch("services", queryset=Service.objects.only("pk"))
    ).in_bulk([pk for pk in bounded if pk])
    if None in bounded or len(found) != len(set(ids)):
        raise NotOffered()
    return [found[pk] for pk in dict.fromkeys(ids)]
