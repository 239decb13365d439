"""Statistics of a location: the page with charts and tables, and the CSV download.

Team leads and administrators only; a team lead sees their own department's figures at their
locations (amtstermin/core/staff_scope.py), an administrator every department's.
"""

from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from amtstermin.core import statistics
from amtstermin.core.models import Department, Location, StaffMember
from amtstermin.core.staff_scope import sees_everything

from ..access import staff_view, visible_departments, visible_locations
from . import figures, wishes
from .forms import PeriodForm

# The departments whose figures a lead sees; None: every one (an administrator).
Scope = list[Department] | None
Comparison = statistics.Comparison
LEADS = [StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR]


@staff_view(roles=LEADS)
@require_GET
def choose(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    """The form's location switch: on to that location's page (the first one without a choice)."""
    form = _form(request, staff)
    if not form.is_valid() and "location" in form.errors:
        raise Http404  # not one of theirs; a wrong day is for the location page to explain
    chosen = form.cleaned_data.get("location") or form.fields["location"].queryset.first()
    if chosen is None:
        raise Http404
    query = {name: request.GET[name] for name in ("period", "day") if request.GET.get(name)}
    url = reverse("office:statistics_location", args=[chosen.pk])
    return redirect(f"{url}?{urlencode(query)}" if query else url)


@staff_view(roles=LEADS)
@require_GET
def location(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, form, compared, departments = _compute(request, staff, location_id)
    period = compared.current.period
    context = {
        "location": place,
        "form": form,
        "stats": compared.current,
        "period_name": figures.period_name(period),
        "previous_name": figures.period_name(compared.previous.period),
        "key_figures": figures.key_figures(compared),
        "sections": figures.sections(compared),
        "earlier": urlencode(_query(period.previous())),
        "later": urlencode(_query(period.following())),
        "query": urlencode(_query(period)),
        "wishes": wishes.section(place, period, departments=departments),
    }
    return render(request, "office/statistics/location.html", context)


@staff_view(roles=LEADS)
@require_GET
def download(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, _form, compared, _departments = _compute(request, staff, location_id)
    response = HttpResponse(
        statistics.as_csv(compared.current, compared.previous),
        content_type="text/csv; charset=utf-8",
    )
    period = compared.current.period
    name = f"statistik-{place.slug}-{period.kind}-{period.first:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _form(request: HttpRequest, staff: StaffMember, place: Location | None = None) -> PeriodForm:
    today = timezone.localdate(timezone=place.zone if place else None)
    return PeriodForm(request.GET, locations=visible_locations(staff), today=today)


def _compute(request, staff, location_id) -> tuple[Location, PeriodForm, Comparison, Scope]:
    place = get_object_or_404(visible_locations(staff), pk=location_id)
    form = _form(request, staff, place)
    departments = None if sees_everything(staff) else list(visible_departments(staff))
    compared = statistics.compare(
        place, form.chosen_period(), now=timezone.now(), departments=departments
    )
    return place, form, compared, departments


def _query(period: statistics.Period) -> dict[str, str]:
    return {"period": period.kind, "day": period.first.isoformat()}
