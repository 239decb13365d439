"""Find any appointment in one's scope, read its facts and history, move, cancel, correct the
contact details, send the confirmation again. Every change is one core call (core/booking.py),
which checks the actor's scope again under the appointment's lock: 403 outside it."""

from datetime import date, datetime

from django.contrib import messages
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtstermin.core import booking, calendar_month, inputs
from amtstermin.core.errors import BookingError, SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, StaffMember
from amtstermin.core.scheduling import availability
from amtstermin.core.staff_scope import may_change
from amtstermin.core.summary import ITEMS, summarize

from ..access import scope_appointments, staff_view
from . import history
from .forms import CancelForm, ContactForm, MoveForm, SearchForm

# A search shows at most this many; a clerk narrows it by the day or more of the name.
LIMIT = 50
# Office changes are made at the desk or on the phone: kept-back time counts, no notice.
OFFICE = Channel.DESK


@staff_view()
@require_GET
def search(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context = {"form": form, "forms": [], "found": None}
    if not form.is_bound:
        return render(request, "office/appointments/search.html", context)
    if not form.is_valid():
        context["forms"] = [form]
        return render(request, "office/appointments/search.html", context, status=422)
    text, day = form.cleaned_data["q"], form.cleaned_data["tag"]
    if text or day:
        rows = scope_appointments(_matching(text, day), staff)
        rows = rows.select_related("location").prefetch_related(ITEMS).order_by("start")
        context["found"] = list(rows[: LIMIT + 1])
        context["more"] = len(context["found"]) > LIMIT
        context["found"] = context["found"][:LIMIT]
    return render(request, "office/appointments/search.html", context)


def _matching(text: str, day: date | None) -> QuerySet[Appointment]:
    rows = Appointment.objects.all()
    if text:
        rows = rows.filter(
            Q(reference=text.upper())
            | Q(name__icontains=text)
            | Q(email__icontains=text)
            | Q(phone__icontains=text)
        )
    if day is not None:
        # Each location's own midnight; a day of any location is the same calendar day here.
        rows = rows.filter(waiting_day=day)
    return rows


@staff_view()
def detail(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    appointment = _visible(staff, reference)  # before the method: outside the scope is a 404
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    now = timezone.now()
    context = {
        "summary": summarize(appointment, now=now),
        "appointment": appointment,
        "history": history.lines(appointment),
        "may_change": may_change(staff, appointment) and appointment.is_changeable(now=now),
    }
    return render(request, "office/appointments/detail.html", context)


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def move(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    appointment = _visible(staff, reference)
    now = timezone.now()
    location = appointment.location
    items = [Item(row.service, row.quantity) for row in appointment.items.select_related("service")]
    # Its own time counts as free (a move by a few minutes overlaps it) but is never offered.
    found = availability.compute(location, items, now=now, channel=OFFICE, exclude=appointment.pk)
    form = MoveForm(request.POST or None)
    posted = request.method == "POST"
    day = inputs.parse_date(request.POST.get("tag") if posted else request.GET.get("tag"))
    context = {
        "appointment": appointment,
        "summary": summarize(appointment, now=now),
        "form": form,
        "forms": [],
        "first_free": _first_free(found, appointment),
        "day": day,
    }
    if day is not None:
        context["times"] = _labelled(_starts(found, day, appointment), location, day)
    else:
        bounds = availability.window(location, channel=OFFICE, now=now)
        shown = inputs.parse_month(request.GET.get("monat")) or bounds.first
        shown = min(max(shown, bounds.first.replace(day=1)), bounds.last)
        month = calendar_month.month(found, shown, bounds.first, bounds.last)
        here = request.path
        context["month"] = month
        context["weekdays"] = calendar_month.weekday_names()
        context["last_day"] = bounds.last
        context["previous_link"] = f"{here}?monat={month.previous:%Y-%m}" if month.previous else ""
        context["next_link"] = f"{here}?monat={month.next:%Y-%m}" if month.next else ""
    if not posted:
        return render(request, "office/appointments/move.html", context)
    if not form.is_valid():
        context["forms"] = [form]
        return render(request, "office/appointments/move.html", context, status=422)
    try:
        booking.reschedule(
            appointment=appointment,
            start=form.cleaned_data["start"],
            now=now,
            channel=OFFICE,
            actor=staff,
        )
    except SlotTaken as taken:
        context["times"] = _labelled(taken.alternatives, location, day)
        context["error_message"] = taken.message
        return render(request, "office/appointments/move.html", context, status=409)
    except BookingError as error:
        context["error_message"] = error.message
        return render(request, "office/appointments/move.html", context, status=422)
    messages.success(request, _("The appointment was moved. The citizen is informed by email."))
    return redirect("office:appointment", reference=appointment.reference)


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    appointment = _visible(staff, reference)
    now = timezone.now()
    form = CancelForm(request.POST or None)
    context = {"appointment": appointment, "summary": summarize(appointment, now=now)}
    context.update(form=form, forms=[form] if form.is_bound and form.errors else [])
    if request.method != "POST":
        return render(request, "office/appointments/cancel.html", context)
    if not form.is_valid():
        return render(request, "office/appointments/cancel.html", context, status=422)
    try:
        booking.cancel(
            appointment=appointment,
            now=now,
            channel=OFFICE,
            actor=staff,
            reason=form.cleaned_data["reason"],
        )
    except BookingError as error:
        context["error_message"] = error.message
        return render(request, "office/appointments/cancel.html", context, status=422)
    messages.success(request, _("The appointment was cancelled."))
    return redirect("office:appointment", reference=appointment.reference)


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def contact(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    appointment = _visible(staff, reference)
    initial = {field: getattr(appointment, field) for field in ("name", "phone", "email")}
    form = ContactForm(request.POST or None, initial={**initial, "language": appointment.language})
    context = {"appointment": appointment, "form": form}
    context["forms"] = [form] if form.is_bound and form.errors else []
    if request.method != "POST":
        return render(request, "office/appointments/contact.html", context)
    if not form.is_valid():
        return render(request, "office/appointments/contact.html", context, status=422)
    try:
        booking.change_contact(
            appointment=appointment,
            contact=booking.Contact(**form.cleaned_data),
            actor=staff,
            now=timezone.now(),
        )
    except BookingError as error:
        context["error_message"] = error.message
        return render(request, "office/appointments/contact.html", context, status=422)
    messages.success(request, _("The contact details were saved."))
    return redirect("office:appointment", reference=appointment.reference)


@staff_view()
def resend(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    # Scope before method: an appointment outside it is a 404 whatever the method.
    appointment = _visible(staff, reference)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        booking.resend_confirmation(appointment=appointment, actor=staff, now=timezone.now())
    except BookingError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("The confirmation was sent again to %(email)s.") % {"email": appointment.email},
        )
    return redirect("office:appointment", reference=appointment.reference)


def _visible(staff: StaffMember, reference: str) -> Appointment:
    """The appointment if `staff` may see it; 404 otherwise (a URL reveals nothing)."""
    rows = Appointment.objects.filter(reference=reference.upper()[:12]).select_related("location")
    return get_object_or_404(scope_appointments(rows, staff))


def _starts(found, day: date, appointment: Appointment) -> list[datetime]:
    return [start for start in found.starts(day) if start != appointment.start]


def _first_free(found, appointment: Appointment) -> date | None:
    """The first day with a time other than the appointment's own."""
    return next((day for day in found.days() if _starts(found, day, appointment)), None)


def _labelled(starts: list[datetime], location, day: date | None) -> list[tuple[str, str]]:
    """(value, label) per start; one on another day than `day` (an alternative) names its date."""
    labelled = []
    for start in starts:
        local = start.astimezone(location.zone)
        label = formats.time_format(local)
        if local.date() != day:
            label = f"{formats.date_format(local, 'SHORT_DAY_FORMAT')}, {label}"
        labelled.append((local.isoformat(), label))
    return labelled
