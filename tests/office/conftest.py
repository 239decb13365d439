"""Two departments at two locations: whatever one's clerk opens must show nothing of the other."""

import pytest

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, StaffMember
from tests import factories
from tests.conftest import berlin

NOW = berlin(2026, 12, 7, 7, 0)  # a Monday


def book(location, *services, name: str = "Erika Mustermann", hour: int = 9) -> Appointment:
    return booking.book(
        location=location,
        items=[Item(service) for service in services],
        start=berlin(2026, 12, 7, hour, 0),
        contact=booking.Contact(name=name, email="erika@example.org"),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment


@pytest.fixture
def citizen(office) -> Appointment:
    """Erika's appointment at the Bürgerbüro Mitte, for its department's service."""
    office.id_card.department.name = "Einwohnermeldewesen"
    office.id_card.department.save()
    return book(office.location, office.id_card)


@pytest.fixture
def colleague(office) -> StaffMember:
    """A clerk of the Bürgerbüro's department working there."""
    member = factories.staff(department_=office.id_card.department, name="Sabine Kowalski")
    member.locations.set([office.location])
    return member


@pytest.fixture
def stranger(db) -> StaffMember:
    """A clerk of the Standesamt at its own location."""
    registry = factories.location(name="Standesamt Nord")
    member = factories.staff(department_=factories.department(name="Standesamt"), name="Paul Fremd")
    member.locations.set([registry])
    return member
