"""Rosters, absences and closures of a location's team: the week, and a form per change.

Every change is posted twice: first it is worked out and rolled back (core.rosters' preview),
and the page shows which appointments it hits and what online capacity is left; only the
confirming second post saves it. Team leads and administrators only; a team lead changes the
clerks of their own department at their own locations, and closes a location only when theirs is
the only department there (core.staff_scope.covers_location).
"""

from collections.abc import Callable

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from amtstermin.core import inputs, rosters
from amtstermin.core.models import (
    Absence,
    Appointment,
    Closure,
    Location,
    RosterBlock,
    StaffMember,
)
from amtstermin.core.models.staff import WEEKDAYS

from ..access import (
    covers_location,
    scope_appointments,
    staff_view,
    visible_departments,
    visible_locations,
)
from .forms import AbsenceForm, BlockForm, ClosureForm, EndBlockForm, PickForm

LEADS = [StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR]


@staff_view(roles=LEADS)
@require_GET
def choose(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    """Straight on to the first of the lead's locations."""
    first = visible_locations(staff).first()
    if first is None:
        raise Http404
    return redirect("office:roster_week", first.pk)


@staff_view(roles=LEADS)
@require_GET
def week(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, team = _place(staff, location_id)
    now = timezone.now()
    blocks = _blocks(place, team, now).select_related("staff")
    rows: dict[StaffMember, list[list[RosterBlock]]] = {}
    for block in blocks:
        rows.setdefault(block.staff, [[] for _day in WEEKDAYS])[block.weekday].append(block)
    waiting = scope_appointments(rosters.needing_new_time(place, now=now), staff)
    context = {
        "location": place,
        "locations": visible_locations(staff),
        "weekdays": [label for _number, label in WEEKDAYS],
        "rows": rows.items(),
        "absences": _absences(team, now).select_related("staff"),
        "closures": _closures(place, now),
        "may_close": covers_location(staff, place),
        "waiting": waiting,
        "free_minutes": rosters.free_online_minutes(place, now=now),
        "today": place.local_date(now),
    }
    return render(request, "office/rosters/week.html", context)


@staff_view(roles=LEADS)
def block(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    """A new block, or with ?block= the hours of an existing one from a day on."""
    place, team = _place(staff, location_id)
    now = timezone.now()
    existing = (
        _row(request.GET, "block", _blocks(place, team, now)) if "block" in request.GET else None
    )
    today = place.local_date(now)
    form = BlockForm(_posted(request), team=team, block=existing, today=today)

    def change(preview: bool) -> rosters.Outcome:
        fields = {name: form.cleaned_data[name] for name in form.fields if name != "staff"}
        if existing is not None:
            return rosters.change_block(block=existing, **fields, now=now, preview=preview)
        return rosters.create_block(
            staff=form.cleaned_data["staff"], location=place, **fields, now=now, preview=preview
        )

    title = _("Change roster block") if existing else _("New roster block")
    return _decide(request, staff, place, form, change, title=title, subject=existing)


@staff_view(roles=LEADS)
def end_block(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, team = _place(staff, location_id)
    now = timezone.now()
    existing = _row(request.GET, "block", _blocks(place, team, now))
    form = EndBlockForm(_posted(request), initial={"last_day": place.local_date(now)})

    def change(preview: bool) -> rosters.Outcome:
        last_day = form.cleaned_data["last_day"]
        return rosters.end_block(block=existing, last_day=last_day, now=now, preview=preview)

    title = _("End roster block")
    return _decide(request, staff, place, form, change, title=title, subject=existing)


@staff_view(roles=LEADS)
def absence(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, team = _place(staff, location_id)
    form = AbsenceForm(_posted(request), team=team, location=place)

    def change(preview: bool) -> rosters.Outcome:
        start, end = form.period()
        return rosters.add_absence(
            staff=form.cleaned_data["staff"],
            start=start,
            end=end,
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
            preview=preview,
        )

    return _decide(request, staff, place, form, change, title=_("Record an absence"))


@staff_view(roles=LEADS)
@require_POST
def remove_absence(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, team = _place(staff, location_id)
    existing = _row(request.POST, "row", _absences(team, timezone.now()))

    def change(preview: bool) -> rosters.Outcome:
        return rosters.remove_absence(absence=existing, now=timezone.now(), preview=preview)

    form = PickForm(request.POST, rows=Absence.objects.filter(pk=existing.pk))
    title = _("Remove absence")
    return _decide(request, staff, place, form, change, title=title, subject=existing)


@staff_view(roles=LEADS)
def closure(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, _team = _place(staff, location_id)
    if not covers_location(staff, place):
        return _refused(request, place)
    form = ClosureForm(_posted(request), location=place)

    def change(preview: bool) -> rosters.Outcome:
        start, end = form.period()
        return rosters.add_closure(
            location=place,
            start=start,
            end=end,
            reason=form.cleaned_data["reason"],
            actor=staff,
            now=timezone.now(),
            preview=preview,
        )

    return _decide(request, staff, place, form, change, title=_("Close the location"))


@staff_view(roles=LEADS)
@require_POST
def remove_closure(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    place, _team = _place(staff, location_id)
    if not covers_location(staff, place):
        return _refused(request, place)
    existing = _row(request.POST, "row", _closures(place, timezone.now()))

    def change(preview: bool) -> rosters.Outcome:
        return rosters.remove_closure(
            closure=existing, actor=staff, now=timezone.now(), preview=preview
        )

    form = PickForm(request.POST, rows=Closure.objects.filter(pk=existing.pk))
    title = _("Open the location again")
    return _decide(request, staff, place, form, change, title=title, subject=existing)


def _refused(request: HttpRequest, place: Location) -> HttpResponse:
    """Closures are for whoever answers for every department at the location (403)."""
    return render(request, "office/rosters/refused.html", {"location": place}, status=403)


def _decide(
    request: HttpRequest,
    staff: StaffMember,
    place: Location,
    form,
    change: Callable[[bool], rosters.Outcome],
    *,
    title: str,
    subject=None,
) -> HttpResponse:
    """The form (again), the preview of the change, or the saved change back on the week."""
    context = {"location": place, "form": form, "title": title, "subject": subject}
    if request.method != "POST" or "edit" in request.POST:
        return render(request, "office/rosters/change.html", context)
    if not form.is_valid():
        return render(request, "office/rosters/change.html", context, status=422)
    saving = "confirm" in request.POST
    try:
        outcome = change(not saving)
    except rosters.RosterError as error:
        form.add_error(None, error.message)
        return render(request, "office/rosters/change.html", context, status=422)
    if saving:
        messages.success(request, _saved(outcome))
        return redirect("office:roster_week", place.pk)
    return render(request, "office/rosters/preview.html", {**context, **_effects(staff, outcome)})


def _effects(staff: StaffMember, outcome: rosters.Outcome) -> dict:
    """What the preview shows: citizens only of the lead's departments, the rest as a count."""
    hit = [handover.appointment.pk for handover in outcome.handed_over]
    hit += [appointment.pk for appointment in outcome.affected]
    visible = set(
        scope_appointments(Appointment.objects.filter(pk__in=hit), staff).values_list(
            "pk", flat=True
        )
    )
    locations = set(visible_locations(staff).values_list("pk", flat=True))
    return {
        "handed_over": [h for h in outcome.handed_over if h.appointment.pk in visible],
        "affected": [a for a in outcome.affected if a.pk in visible],
        "others": len(hit) - len(visible),
        "capacity": [c for c in outcome.capacity if c.location.pk in locations],
    }


def _saved(outcome: rosters.Outcome) -> str:
    if not outcome.affected:
        return _("The change is saved.")
    return ngettext(
        "The change is saved. %(count)d appointment needs a new time: it is listed below.",
        "The change is saved. %(count)d appointments need a new time: they are listed below.",
        len(outcome.affected),
    ) % {"count": len(outcome.affected)}


def _place(staff: StaffMember, location_id: int) -> tuple[Location, QuerySet[StaffMember]]:
    """The location (404 outside the lead's scope) and the team whose rosters they manage."""
    place = get_object_or_404(visible_locations(staff), pk=location_id)
    team = (
        StaffMember.objects.filter(active=True, department__in=visible_departments(staff))
        .filter(Q(locations=place) | Q(roster__location=place))
        .distinct()
        .order_by("name")
    )
    return place, team


def _blocks(place: Location, team, now) -> QuerySet[RosterBlock]:
    """The team's blocks at `place` that still apply today or later."""
    today = place.local_date(now)
    return RosterBlock.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today), location=place, staff__in=team
    ).order_by("staff__name", "weekday", "start_time")


def _absences(team, now) -> QuerySet[Absence]:
    return Absence.objects.filter(staff__in=team, end__gt=now).order_by("start", "pk")


def _closures(place: Location, now) -> QuerySet[Closure]:
    return Closure.objects.filter(location=place, end__gt=now).order_by("start", "pk")


def _posted(request: HttpRequest):
    return request.POST if request.method == "POST" else None


def _row(data, name: str, rows: QuerySet):
    """The row that `name` in a query or form names among `rows`; 404 for anything else."""
    key = inputs.parse_id(data.get(name))
    if key is None:
        raise Http404
    return get_object_or_404(rows, pk=key)
