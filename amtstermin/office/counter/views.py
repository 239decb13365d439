"""The clerk's counter page, the desk check-in and walk-in numbers: each view parses input,
calls one core function and redirects (a reload never calls or checks in twice)."""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from amtstermin.core import desk, inputs, visits
from amtstermin.core.errors import BookingError, CheckInError, OutsideOpeningHours
from amtstermin.core.models import Appointment, Counter, Location, Service, StaffMember, Visit

from ..access import (
    scope_appointments,
    scope_visits,
    staff_view,
    visible_departments,
    visible_locations,
)
from .forms import CounterForm, SearchForm, VisitActionForm, WalkInForm

ACTIONS = {"recall": visits.recall, "no_show": visits.no_show, "finish": visits.finish}
DONE_MESSAGES = {
    "recall": gettext_lazy("%(number)s is called again."),
    "no_show": gettext_lazy("%(number)s did not come."),
    "finish": gettext_lazy("%(number)s is done."),
}


def at_location(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Pass the location of `location_id` in the clerk's scope: another's is a 404 before
    anything else is said about the URL (not even 405 for a wrong method)."""

    @wraps(view)
    def located(request: HttpRequest, staff: StaffMember, location_id: int, **kwargs):
        location = get_object_or_404(visible_locations(staff), pk=location_id)
        return view(request, staff, location, **kwargs)

    return located


def _session_key(location: Location) -> str:
    return f"counter-{location.pk}"


def _chosen_counter(request: HttpRequest, location: Location) -> Counter | None:
    chosen = request.session.get(_session_key(location))
    return location.counters.filter(active=True, pk=chosen).first() if chosen else None


def _visits(location: Location, staff: StaffMember):
    """The visits at `location` the clerk may see; anything else is a 404."""
    return scope_visits(Visit.objects.filter(location=location), staff)


def _queue(location: Location, staff: StaffMember) -> list[Visit]:
    waiting = _visits(location, staff).filter(state=Visit.State.WAITING)
    return list(waiting.order_by("due_at", "pk").prefetch_related("items__service"))


@staff_view()
@at_location
@require_GET
def counter(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    chosen = _chosen_counter(request, location)
    if chosen is None:
        return redirect("office:counter_choose", location_id=location.pk)
    current = (
        _visits(location, staff)
        .filter(staff=staff, state=Visit.State.CALLED)
        .select_related("appointment")
        .prefetch_related("items__service")
        .first()
    )
    context = {
        "location": location,
        "counter": chosen,
        "current": current,
        "queue": _queue(location, staff),
    }
    return render(request, "office/counter/counter.html", context)


@staff_view()
@at_location
@require_GET
def queue(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    """The waiting list alone, for htmx to refresh it every few seconds."""
    context = {"location": location, "queue": _queue(location, staff)}
    return render(request, "office/counter/_queue.html", context)


@staff_view()
@at_location
@require_http_methods(["GET", "POST"])
def choose_counter(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    counters = location.counters.filter(active=True)
    chosen = _chosen_counter(request, location)
    form = CounterForm(
        request.POST if request.method == "POST" else None,
        counters=counters,
        initial={"counter": chosen},
    )
    if request.method == "POST" and form.is_valid():
        request.session[_session_key(location)] = form.cleaned_data["counter"].pk
        return redirect("office:counter", location_id=location.pk)
    status = 422 if form.errors else 200
    context = {"location": location, "form": form, "counters": counters}
    return render(request, "office/counter/choose.html", context, status=status)


@staff_view()
@at_location
@require_POST
def call_next(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    chosen = _chosen_counter(request, location)
    if chosen is None:
        return redirect("office:counter_choose", location_id=location.pk)
    called = visits.call_next(staff, chosen, now=timezone.now())
    if called is None:
        messages.info(request, _("Nobody you can serve is waiting right now."))
    else:
        messages.success(
            request,
            _("%(number)s is called to %(counter)s.")
            % {"number": called.waiting_number, "counter": chosen.name},
        )
    return redirect("office:counter", location_id=location.pk)


@staff_view()
@at_location
@require_POST
def visit_action(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    """Call again, did not come, done: for the visitor at the counter."""
    form = VisitActionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("This action is not possible. Please try again."))
        return redirect("office:counter", location_id=location.pk)
    action = form.cleaned_data["action"]
    visit = get_object_or_404(_visits(location, staff), pk=form.cleaned_data["visit"])
    try:
        visit = ACTIONS[action](visit, now=timezone.now())
    except CheckInError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, DONE_MESSAGES[action] % {"number": visit.waiting_number})
    return redirect("office:counter", location_id=location.pk)


@staff_view()
@at_location
@require_GET
def desk_search(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    form = SearchForm(request.GET if "q" in request.GET else None)
    found = None
    if form.is_valid():
        found = desk.find(location, staff, form.cleaned_data["q"], now=timezone.now())
    context = {"location": location, "form": form, "found": found}
    return render(request, "office/counter/desk.html", context, status=422 if form.errors else 200)


@staff_view()
@at_location
@require_POST
def check_in(
    request: HttpRequest, staff: StaffMember, location: Location, appointment_id: int
) -> HttpResponse:
    appointments = scope_appointments(Appointment.objects.filter(location=location), staff)
    appointment = get_object_or_404(appointments, pk=appointment_id)
    try:
        visit = visits.check_in(appointment, now=timezone.now())
    except CheckInError as refused:
        messages.error(request, refused.clerk_message)
    else:
        late = visit.due_at > appointment.start
        text = (
            _("%(name)s is checked in late, waiting number %(number)s: called after those on time.")
            if late
            else _("%(name)s is checked in, waiting number %(number)s.")
        )
        messages.success(request, text % {"name": appointment.name, "number": visit.waiting_number})
    # Back to the same search, so the next citizen in the list is one click away.
    search = SearchForm(request.POST)
    back = reverse("office:desk_search", kwargs={"location_id": location.pk})
    return redirect(f"{back}?{urlencode(search.cleaned_data)}" if search.is_valid() else back)


@staff_view()
@at_location
@require_http_methods(["GET", "POST"])
def walk_in(request: HttpRequest, staff: StaffMember, location: Location) -> HttpResponse:
    services = list(
        Service.objects.bookable()
        .offered_at(location)
        .filter(department__in=visible_departments(staff))
    )
    form = WalkInForm(request.POST if request.method == "POST" else None, services=services)
    now = timezone.now()
    if request.method == "POST" and form.is_valid():
        try:
            visit = visits.walk_in(
                location,
                form.items(),
                now=now,
                despite_closed=form.cleaned_data["despite_closed"],
            )
        except OutsideOpeningHours as refused:
            form.add_error("despite_closed", refused.message)
        except BookingError as refused:
            form.add_error(None, refused.message)
        else:
            back = reverse("office:walk_in", kwargs={"location_id": location.pk})
            return redirect(f"{back}?nummer={visit.pk}")
    issued = None
    number = inputs.parse_id(request.GET.get("nummer"))
    if request.method == "GET" and number is not None:
        issued = get_object_or_404(
            _visits(location, staff).prefetch_related("items__service"), pk=number
        )
    closed = visits.closed_because(location, now=now) if issued is None else None
    context = {"location": location, "form": form, "issued": issued, "closed": closed}
    return render(
        request, "office/counter/walk_in.html", context, status=422 if form.errors else 200
    )
