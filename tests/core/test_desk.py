"""The front desk's search: by exact reference on any day, by name among today's appointments,
never beyond the clerk's department and locations."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from amtstermin.core import desk, numbers
from amtstermin.core.models import Appointment, Channel, Location, Service, StaffMember, Status
from tests import factories

# Somewhere on Earth it is daytime: a location there keeps "now ± a few hours" on one local day,
# so tests that check in against the real clock pass at any hour.
ZONES = ["Europe/Berlin", "America/New_York", "America/Los_Angeles", "Asia/Tokyo"]


def daytime_zone(now: datetime) -> str:
    return next(zone for zone in ZONES if 6 <= now.astimezone(ZoneInfo(zone)).hour < 20)


def appointment(
    location: Location,
    service: Service,
    start: datetime,
    *,
    name: str = "Erika Mustermann",
    staff: StaffMember | None = None,
    status: str = Status.BOOKED,
) -> Appointment:
    """A booked appointment at any instant, roster and holidays aside (booking has its own tests).

    Each gets its own staff member unless given, so none overlap in the staff's time ranges."""
    day = location.local_date(start)
    made = Appointment.objects.create(
        reference=numbers.new_reference(),
        location=location,
        staff=staff or factories.staff(department_=service.department),
        start=start,
        end=start + timedelta(minutes=service.duration_minutes),
        channel=Channel.PHONE,
        status=status,
        waiting_day=day,
        waiting_number=numbers.next_waiting_number(location, day),
        name=name,
        created_at=start - timedelta(days=1),
    )
    made.items.create(service=service)
    return made


@pytest.fixture
def now():
    return timezone.now().astimezone(UTC)


@pytest.fixture
def desk_office(office, now):
    office.location.time_zone = daytime_zone(now)
    office.location.save()
    clerk = office.clerk
    clerk.locations.set([office.location])
    return office


def test_reference_finds_the_appointment_on_another_day(desk_office, now):
    later = appointment(desk_office.location, desk_office.id_card, now + timedelta(days=3))
    typed = later.reference.lower().replace("-", " ")
    assert desk.find(desk_office.location, desk_office.clerk, typed, now=now) == [later]


def test_name_finds_todays_appointments_with_every_word(desk_office, now):
    where, service = desk_office.location, desk_office.id_card
    erika = appointment(where, service, now + timedelta(minutes=10), name="Erika Mustermann")
    appointment(where, service, now + timedelta(minutes=20), name="Max Mustermann")
    appointment(where, service, now + timedelta(days=2), name="Erika Mustermann")
    appointment(where, service, now, name="Erika Mustermann", status=Status.CANCELLED)
    assert desk.find(where, desk_office.clerk, "muster erika", now=now) == [erika]


def test_one_letter_finds_nothing(desk_office, now):
    appointment(desk_office.location, desk_office.id_card, now, name="E")
    assert desk.find(desk_office.location, desk_office.clerk, " e ", now=now) == []


def test_another_departments_appointment_is_not_found(desk_office, now):
    other = factories.service(name="Eheschließung", locations=[desk_office.location])
    couple = appointment(desk_office.location, other, now, name="Paar Beispiel")
    clerk = desk_office.clerk
    assert desk.find(desk_office.location, clerk, "Paar", now=now) == []
    assert desk.find(desk_office.location, clerk, couple.reference, now=now) == []


def test_another_locations_appointment_is_not_found(desk_office, now):
    elsewhere = factories.location(name="Bürgerbüro Süd", time_zone=desk_office.location.time_zone)
    desk_office.id_card.locations.add(elsewhere)
    there = appointment(elsewhere, desk_office.id_card, now)
    assert desk.find(desk_office.location, desk_office.clerk, there.reference, now=now) == []
