"""What a staff member may see in the back office: their scope of departments and locations.

- An administrator sees every department and every location.
- A clerk or team lead sees their own department, at the locations they work at
  (StaffMember.locations); an appointment or visit is theirs only if it is at one of those
  locations and books a service of their department. A clerk of one department never sees
  another department's citizens, even at the same location.
- An inactive staff member sees nothing (the office refuses them before asking here).

Team leads differ from clerks in what they may do (rosters, absences), not in what they see:
views ask for a role with `@staff_view(roles=...)` (amtstermin/office/access.py).

A change to a whole location (a closure) hits every department working there, so it needs a
scope covering all of them (`covers_location`): in practice an administrator, or a lead whose
department is the only one at that location.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import (
    Appointment,
    AppointmentItem,
    Department,
    Location,
    Service,
    StaffMember,
    Visit,
    VisitItem,
)


def sees_everything(staff: StaffMember) -> bool:
    return staff.role == StaffMember.Role.ADMINISTRATOR


def visible_locations(staff: StaffMember) -> QuerySet[Location]:
    """The locations `staff` may open, by name."""
    if sees_everything(staff):
        return Location.objects.order_by("name")
    return Location.objects.filter(staff_members=staff).order_by("name")


def visible_departments(staff: StaffMember) -> QuerySet[Department]:
    """The departments whose services and citizens `staff` may see."""
    if sees_everything(staff):
        return Department.objects.all()
    return Department.objects.filter(pk=staff.department_id)


def bookable_services(staff: StaffMember, location: Location) -> list[Service]:
    """What `staff` may book or take a wish for at `location`: the bookable services of the
    departments they see that are offered there, in the catalogue's order."""
    return list(
        Service.objects.bookable()
        .offered_at(location)
        .filter(department__in=visible_departments(staff))
        .select_related("department")
        .order_by("department__position", "department__name", "position", "name")
    )


def can_see_location(staff: StaffMember, location: Location) -> bool:
    return visible_locations(staff).filter(pk=location.pk).exists()


def departments_at(location: Location) -> QuerySet[Department]:
    """The departments whose services are offered or whose active staff work at `location`."""
    working = Q(staff__active=True) & (
        Q(staff__locations=location) | Q(staff__roster__location=location)
    )
    return Department.objects.filter(Q(services__locations=location) | working).distinct()


def covers_location(staff: StaffMember, location: Location) -> bool:
    """Whether `staff` may change `location` as a whole: every department there is in scope."""
    if not staff.active:
        return False
    if sees_everything(staff):
        return True
    others = departments_at(location).exclude(pk=staff.department_id)
    return visible_locations(staff).filter(~Exists(others), pk=location.pk).exists()


def scope_appointments(queryset: QuerySet[Appointment], staff: StaffMember) -> QuerySet:
    """`queryset` narrowed to the appointments `staff` may see."""
    if sees_everything(staff):
        return queryset
    # Exists, not a join: an appointment with two services of the department stays one row.
    own_service = AppointmentItem.objects.filter(
        appointment=OuterRef("pk"), service__department_id=staff.department_id
    )
    return queryset.filter(Exists(own_service), location__in=visible_locations(staff))


def may_change(staff: StaffMember, appointment: Appointment) -> bool:
    """Whether `staff` may move, cancel or edit `appointment`: its location and every one of its
    services in their scope (seeing one service of an appointment is not owning all of it)."""
    if not staff.active:
        return False
    if sees_everything(staff):
        return True
    foreign = AppointmentItem.objects.filter(appointment=appointment).exclude(
        service__department_id=staff.department_id
    )
    return (
        visible_locations(staff).filter(pk=appointment.location_id).exists()
        and not foreign.exists()
    )


def scope_visits(queryset: QuerySet[Visit], staff: StaffMember) -> QuerySet:
    """`queryset` narrowed to the visits (appointments and walk-ins) `staff` may see."""
    if sees_everything(staff):
        return queryset
    return of_own_department(queryset, staff).filter(location__in=visible_locations(staff))


def of_own_department(queryset: QuerySet[Visit], staff: StaffMember) -> QuerySet:
    """`queryset` narrowed to the visits with a service of `staff`'s department (any location)."""
    if sees_everything(staff):
        return queryset
    own_service = VisitItem.objects.filter(
        visit=OuterRef("pk"), service__department_id=staff.department_id
    )
    return queryset.filter(Exists(own_service))


def owns_services(staff: StaffMember, services: Iterable[Service]) -> bool:
    """Whether every one of `services` is of a department `staff` may act for."""
    if not staff.active:
        return False
    return sees_everything(staff) or all(
        service.department_id == staff.department_id for service in services
    )


def may_call_for(staff: StaffMember, clerk: StaffMember, location: Location) -> bool:
    """Whether `staff` (a system's key, a lead) may press "next" for `clerk` at `location`: a
    clerk with a login, of a department in scope, working there, at a location in scope."""
    if not (staff.active and clerk.active and clerk.user_id is not None):
        return False
    same_department = sees_everything(staff) or clerk.department_id == staff.department_id
    return (
        same_department and can_see_location(staff, location) and can_see_location(clerk, location)
    )
