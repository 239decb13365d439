"""Booking by phone or at the desk: services and day → free times → contact → the facts to
read out. Booked through core.booking.book like the citizen's wizard, with channel phone or
desk: kept-back time is offered, no captcha, email optional."""

from datetime import date, datetime
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amtstermin.core import booking, calendar_month, staff_scope
from amtstermin.core.errors import BookingError, SlotTaken
from amtstermin.core.models import Appointment, Channel, Location, StaffMember
from amtstermin.core.scheduling import availability
from amtstermin.core.summary import summarize

from ..access import scope_appointments, staff_view, visible_locations
from . import keys
from .forms import BookingForm, RequestForm

# Free days offered when the chosen day has no time left.
OTHER_DAYS = 5


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def book(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    location = get_object_or_404(visible_locations(staff), pk=location_id)
    now = timezone.now()
    today = location.local_date(now)
    posted = request.method == "POST"
    wanted = RequestForm(
        request.POST if posted else request.GET or None,
        services=staff_scope.bookable_services(staff, location),
        initial={"tag": today.isoformat()},  # a date object would be localised in the input
    )
    # A form sent back keeps its key (bound data): a second click after an error books once.
    form = BookingForm(request.POST) if posted else BookingForm(initial=_fresh(request))
    context = {"location": location, "wanted": wanted, "form": form}
    if not wanted.is_bound:
        return _page(request, context)
    if not wanted.is_valid():
        return _page(request, context, status=422)
    items, day = wanted.items(), wanted.cleaned_data["tag"]
    # The whole window: the calendar and the first free day look before the chosen day too.
    found = availability.compute(location, items, now=now, channel=Channel.PHONE)
    context["day"] = day
    context["times"] = _labelled(found.starts(day), location, day)
    quantities = {f"service-{item.service.pk}": item.quantity for item in items}
    context["other_days"] = [
        (free, urlencode({**quantities, "tag": free.isoformat()}))
        for free in found.days()
        if free > day
    ][:OTHER_DAYS]
    context.update(_calendar(request, location, found, day, quantities, now=now))
    if not posted:
        return _page(request, context)
    if not form.is_valid():
        return _page(request, context, status=422)
    data = form.cleaned_data
    if not keys.was_issued(request, data["key"]):
        form.add_error(None, _("This form has expired. Check the entries and book again."))
        form.data = form.data.copy()
        form.data["key"] = keys.issue(request)
        return _page(request, context, status=422)
    contact = booking.Contact(
        name=data["name"], email=data["email"], phone=data["phone"], language=data["language"]
    )
    try:
        booked = booking.book(
            location=location,
            items=items,
            start=data["start"],
            contact=contact,
            channel=data["channel"],
            now=now,
            idempotency_key=data["key"],
        )
    except SlotTaken as taken:
        context["times"] = _labelled(taken.alternatives, location, day)
        context["error_message"] = taken.message
        return _page(request, context, status=409)
    except BookingError as error:
        context["error_message"] = error.message
        return _page(request, context, status=422)
    reference = booked.appointment.reference
    return redirect("office:desk_booked", location_id=location.pk, reference=reference)


@staff_view()
def booked(
    request: HttpRequest, staff: StaffMember, location_id: int, reference: str
) -> HttpResponse:
    location = get_object_or_404(visible_locations(staff), pk=location_id)
    appointments = Appointment.objects.filter(location=location, reference=reference.upper())
    appointment = get_object_or_404(scope_appointments(appointments, staff))
    summary = summarize(appointment, now=timezone.now())
    return render(
        request, "office/desk_booking/booked.html", {"location": location, "summary": summary}
    )


def _calendar(request, location, found, day: date, quantities: dict, *, now: datetime) -> dict:
    """The month of `day` with its free days, as the citizen's wizard shows it; a neighbouring
    month opens on its first free day (or its first day, showing that none is free)."""
    bounds = availability.window(location, channel=Channel.PHONE, now=now)
    shown = min(max(day, bounds.first), bounds.last)
    month = calendar_month.month(found, shown, bounds.first, bounds.last)
    base = f"{request.path}?{urlencode(quantities)}&tag="

    def link(first_of_month: date | None) -> str:
        if first_of_month is None:
            return ""
        later = _shift_month(first_of_month)
        free = [free for free in found.days() if first_of_month <= free < later]
        return f"{base}{(free[0] if free else max(first_of_month, bounds.first)).isoformat()}"

    return {
        "month": month,
        "weekdays": calendar_month.weekday_names(),
        "last_day": bounds.last,
        "first_free": found.first_day(),
        "day_link": base,
        "previous_link": link(month.previous),
        "next_link": link(month.next),
    }


def _shift_month(first_of_month: date) -> date:
    if first_of_month.month == 12:
        return date(first_of_month.year + 1, 1, 1)
    return first_of_month.replace(month=first_of_month.month + 1)


def _page(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    # Both forms of the page report into the one error summary.
    forms = (context["wanted"], context["form"])
    context["forms"] = [form for form in forms if form.is_bound and form.errors]
    return render(request, "office/desk_booking/book.html", context, status=status)


def _fresh(request: HttpRequest) -> dict:
    return {"channel": Channel.PHONE, "language": "de", "key": keys.issue(request)}


def _labelled(starts: list[datetime], location: Location, day: date) -> list[tuple[str, str]]:
    """(value, label) per start; a start on another day (an alternative) names its date."""
    labelled = []
    for start in starts:
        local = start.astimezone(location.zone)
        label = formats.time_format(local)
        if local.date() != day:
            label = f"{formats.date_format(local, 'SHORT_DAY_FORMAT')}, {label}"
        labelled.append((local.isoformat(), label))
    return labelled
