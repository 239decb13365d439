"""The front desk's search: the appointment of the citizen standing in front of the clerk."""

from datetime import datetime, timedelta

from . import numbers
from .models import Appointment, Location, StaffMember, Status
from .staff_scope import scope_appointments

# A name search lists today's appointments still on the books; cancelled and expired ones never
# reach the desk, done ones are listed so the clerk sees why a check-in is refused.
LISTED = (Status.RESERVED, Status.BOOKED, Status.CHECKED_IN, Status.CALLED, Status.DONE)
MIN_NAME_LENGTH = 2
MAX_RESULTS = 20


def find(location: Location, staff: StaffMember, query: str, *, now: datetime) -> list:
    """Appointments at `location` that `staff` may see: the one with the typed reference number
    (any day, so a wrong day gets its own message), else today's whose name holds every word."""
    found = scope_appointments(Appointment.objects.filter(location=location), staff)
    reference = numbers.parse_reference(query)
    if reference:
        found = found.filter(reference=reference)
    else:
        words = query.split()[:5]
        if len("".join(words)) < MIN_NAME_LENGTH:
            return []
        today = location.local_date(now)
        found = found.filter(
            start__gte=location.local_day_start(today),
            start__lt=location.local_day_start(today + timedelta(days=1)),
            status__in=LISTED,
        )
        for word in words:
            found = found.filter(name__icontains=word)
    return list(found.order_by("start", "pk").prefetch_related("items__service")[:MAX_RESULTS])
