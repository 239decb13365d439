"""What a staff member sees: their department at their locations; an administrator everything."""

import pytest

from amtstermin.core.models import Appointment, StaffMember, Visit
from amtstermin.office.access import (
    can_see_location,
    scope_appointments,
    scope_visits,
    visible_departments,
    visible_locations,
)
from tests import factories
from tests.office.conftest import NOW, book


@pytest.fixture
def registry_office(office):
    """The Standesamt has a counter in the same Bürgerbüro and a booked couple there."""
    marriage = factories.service(name="Eheschließung anmelden", locations=[office.location])
    registrar = factories.staff(skills=[marriage], name="Standesbeamtin")
    registrar.locations.set([office.location])
    factories.roster(registrar, office.location)
    return registrar, book(office.location, marriage, name="Paar Beispiel", hour=10)


def walk_in(location, service, number: str) -> Visit:
    return factories.waiting_walk_in(location, service, number, at=NOW)


def test_clerk_sees_only_own_departments_appointments_at_a_shared_location(
    office, citizen, colleague, registry_office
):
    registrar, couple = registry_office
    assert list(scope_appointments(Appointment.objects.all(), colleague)) == [citizen]
    assert list(scope_appointments(Appointment.objects.all(), registrar)) == [couple]


def test_clerk_sees_nothing_at_a_location_they_do_not_work_at(office, citizen, colleague):
    colleague.locations.set([factories.location(name="Bürgerbüro Süd")])
    assert not scope_appointments(Appointment.objects.all(), colleague).exists()
    assert not can_see_location(colleague, office.location)
    assert [location.name for location in visible_locations(colleague)] == ["Bürgerbüro Süd"]


def test_appointment_with_two_services_of_the_department_is_listed_once(office, colleague):
    book(office.location, office.id_card, office.registration)
    assert scope_appointments(Appointment.objects.all(), colleague).count() == 1


def test_clerk_sees_only_own_departments_walk_ins(office, colleague, registry_office):
    registrar, couple = registry_office
    own = walk_in(office.location, office.id_card, "A-001")
    other = walk_in(office.location, couple.items.get().service, "A-002")
    assert list(scope_visits(Visit.objects.all(), colleague)) == [own]
    assert list(scope_visits(Visit.objects.all(), registrar)) == [other]


def test_team_lead_sees_what_a_clerk_of_the_department_sees(office, citizen, colleague):
    colleague.role = StaffMember.Role.TEAM_LEAD
    assert list(scope_appointments(Appointment.objects.all(), colleague)) == [citizen]
    assert list(visible_departments(colleague)) == [office.id_card.department]


def test_administrator_sees_every_department_and_location(
    office, citizen, stranger, registry_office
):
    registrar, couple = registry_office
    stranger.role = StaffMember.Role.ADMINISTRATOR
    assert set(scope_appointments(Appointment.objects.all(), stranger)) == {citizen, couple}
    assert can_see_location(stranger, office.location)
    assert visible_departments(stranger).count() == 3
    assert visible_locations(stranger).count() == 2
