"""The office start page: what the acting staff member may see, and where to go from there."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core import accessibility
from amtstermin.core.models import StaffMember

from .access import staff_view, visible_departments, visible_locations


@staff_view()
def overview(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    leads = staff.role != StaffMember.Role.CLERK
    context = {
        "staff": staff,
        "locations": visible_locations(staff),
        "departments": visible_departments(staff),
        # Rosters and statistics are for team leads and administrators (see their views).
        "leads": leads,
        # Feedback on barriers is answered by the same roles (core/accessibility.py).
        "open_feedback": accessibility.open_feedback().count() if leads else None,
    }
    return render(request, "office/overview.html", context)
