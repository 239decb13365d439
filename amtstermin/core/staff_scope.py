"""What a staff member may see in the back office: their scope of departments and locations.

- An administrator sees every department and every location.
- A clerk or team lead sees their own department, at the locations they work at
  (StaffMember.locations); an appointment or visit is theirs only if it is at one of those
  locations and books a service of their department. A clerk of one department never sees
  another department's citizens, even at the same location.
- An inactive staff member sees nothing (the office refuses them before asking here).

Team leads differ from clerks in what they may do (rosters, absences), not in what they see:
views ask for a role with `@staff_view(roles=...)` (amtstermin/office/access.py).
"""

from django.db.models import Exists, OuterRef, QuerySet

from .models import (
    Appointment,
    AppointmentItem,
    Department,
    Location,
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


def can_see_location(staff: StaffMember, location: Location) -> bool:
    return visible_locations(staff).filter(pk=location.pk).exists()


def scope_appointments(queryset: QuerySet[Appointment], staff: StaffMember) -> QuerySet:
    """`queryset` narrowed to the appointments `staff` may see."""
    if sees_everything(staff):
        return queryset
    # Exists, not a join: an appointment with two services of the department stays one row.
    own_service = AppointmentItem.objects.filter(
        appointment=OuterRef("pk"), service__department_id=staff.department_id
    )
    return queryset.filter(Exists(own_service), location__in=visible_locations(staff))


def scope_visits(queryset: QuerySet[Visit], staff: StaffMember) -> QuerySet:
    """`queryset` narrowed to the visits (appointments and walk-ins) `staff` may see."""
    if sees_everything(staff):
        return queryset
    own_service = VisitItem.objects.filter(
        visit=OuterRef("pk"), service__department_id=staff.department_id
    )
    return queryset.filter(Exists(own_service), location__in=visible_locations(staff))
