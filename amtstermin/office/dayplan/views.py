"""The day plan of one location: a day view with a column per clerk, and a printable list."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _

from amtstermin.core.dayplan import day_plan as plan_of
from amtstermin.core.models import Appointment, StaffMember

from ..access import scope_appointments, staff_view, visible_departments, visible_locations
from .timeline import lay_out, parse_day


@staff_view()
def day_plan(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    location = get_object_or_404(visible_locations(staff), pk=location_id)
    now = timezone.now()
    today = location.local_date(now)
    wanted = request.GET.get("tag", "").strip()
    day = parse_day(wanted) if wanted else today
    error_message = None
    if day is None:
        error_message = _("Enter the day as a date, for example 07.12.2026.")
        day = today
    plan = plan_of(location, day, departments=list(visible_departments(staff)))
    everyone = [a for lane in plan.lanes for a in lane.appointments]
    # Clerks of one department can share a lane's time with another's services: the scope
    # decides whose names and services this viewer may read.
    visible = set(
        scope_appointments(
            Appointment.objects.filter(pk__in=[a.pk for a in everyone]), staff
        ).values_list("pk", flat=True)
    )
    context = {
        "location": location,
        "plan": plan,
        "day": day,
        "today": today,
        "previous_day": day - timedelta(days=1),
        "next_day": day + timedelta(days=1),
        "error_message": error_message,
    }
    status = 422 if error_message else 200
    if request.GET.get("druck"):
        lanes = {a.pk: lane.staff for lane in plan.lanes for a in lane.appointments}
        listed = sorted((a for a in everyone if a.pk in visible), key=lambda a: a.start)
        context["rows"] = [(a, lanes[a.pk]) for a in listed]
        return render(request, "office/dayplan/day_list.html", context, status=status)
    context["timeline"] = lay_out(plan, visible, now=now)
    return render(request, "office/dayplan/day_plan.html", context, status=status)
