"""Small factories: each makes one valid row with sensible defaults; override what a test needs."""

from datetime import date, datetime, time
from decimal import Decimal
from itertools import count

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Appointment,
    Channel,
    Department,
    Document,
    Location,
    RosterBlock,
    Service,
    ServiceDocument,
    StaffMember,
    Visit,
)

_serial = count(1)


def department(**fields) -> Department:
    n = next(_serial)
    return Department.objects.create(**{"name": f"Department {n}", "slug": f"dept-{n}", **fields})


def location(**fields) -> Location:
    n = next(_serial)
    defaults = {
        "name": f"Bürgerbüro {n}",
        "slug": f"loc-{n}",
        "street": "Markt 1",
        "postcode": "12345",
        "city": "Musterstadt",
        "federal_state": "NW",
        "min_notice_minutes": 0,
        "requires_email_confirmation": False,
    }
    return Location.objects.create(**{**defaults, **fields})


def service(*, locations=(), documents=(), **fields) -> Service:
    n = next(_serial)
    if "department" not in fields:
        fields["department"] = department()
    defaults = {
        "name": f"Service {n}",
        "slug": f"service-{n}",
        "duration_minutes": 15,
        "additional_minutes": 10,
        "max_quantity": 3,
        "fee": Decimal("10.00"),
    }
    made = Service.objects.create(**{**defaults, **fields})
    made.locations.set(locations)
    for position, (name, rule) in enumerate(documents):
        doc, _ = Document.objects.get_or_create(name=name)
        ServiceDocument.objects.create(service=made, document=doc, rule=rule, position=position)
    return made


def staff(*, skills=(), department_=None, **fields) -> StaffMember:
    n = next(_serial)
    dept = department_ or (skills[0].department if skills else department())
    member = StaffMember.objects.create(**{"name": f"Clerk {n}", "department": dept, **fields})
    member.skills.set(skills)
    return member


def sabine(office, role=StaffMember.Role.CLERK) -> StaffMember:
    """Sabine Kowalski of the ID card department, placed at the office's location."""
    member = staff(department_=office.id_card.department, name="Sabine Kowalski", role=role)
    member.locations.set([office.location])
    return member


def roster(
    member: StaffMember,
    where: Location,
    *,
    weekdays=range(5),
    start=time(8),
    end=time(12),
    valid_from=date(2020, 1, 1),
    valid_until=None,
    online_bookable=True,
) -> list[RosterBlock]:
    return [
        RosterBlock.objects.create(
            staff=member,
            location=where,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=valid_from,
            valid_until=valid_until,
            online_bookable=online_bookable,
        )
        for weekday in weekdays
    ]


def waiting_walk_in(location: Location, service: Service, number: str, *, at: datetime, **fields):
    """A walk-in checked in at `at`, waiting for `service` under `number`."""
    made = Visit.objects.create(
        location=location,
        kind=Visit.Kind.WALK_IN,
        waiting_day=at.date(),
        waiting_number=number,
        due_at=at,
        minutes=10,
        checked_in_at=at,
        **fields,
    )
    made.items.create(service=service)
    return made


def online_booking(office, start: datetime, *, now: datetime) -> Appointment:
    """Erika Mustermann's ID card appointment at `start`, booked online through the core."""
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=now,
    ).appointment


def melderegister_data(**fields) -> dict:
    """What a Melderegisterauskunft asks, as online_requests.submit takes it: whom the requester
    looks for, why, and their consent to the fee."""
    return {
        "first_name": "Max",
        "last_name": "Muster",
        "date_of_birth": "1980-04-01",
        "last_known_address": "Hauptstraße 5\n12345 Musterstadt",
        "purpose": "Zustellung einer Klage",
        "consent": True,
        **fields,
    }
