"""Moving a booked appointment: pick a new day and time, confirm, and the swap is atomic.

Reached through the citizen's link key like the other appointment pages, so it sends the same
privacy headers and the same not-found page for keys that open nothing.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amtstermin.core import booking, summary
from amtstermin.core.errors import BookingError, NotChangeable, SlotTaken
from amtstermin.core.models import Appointment, Channel

from ..appointment.views import found_for, not_found, refused, token_page
from . import draft as drafts
from .journey import Journey, day_context, is_free, month_context, parse_start
from .pages import no_such_day, taken, throttled, unprocessable


def _changeable(request: HttpRequest, token: str) -> tuple[Appointment | None, HttpResponse | None]:
    found = found_for(request, token)
    if found is None:
        return None, not_found(request)
    if not found.is_changeable(now=timezone.now()):
        return None, refused(request, found, token)
    return found, None


def _journey(appointment: Appointment) -> Journey:
    return Journey(
        appointment.location,
        summary.items_of(appointment),
        exclude=appointment.pk,
        current=appointment.start,
    )


def _context(appointment: Appointment, token: str) -> dict:
    return {
        "moving": summary.summarize(appointment, now=timezone.now()),
        "token": token,
    }


@token_page
@require_http_methods(["GET", "HEAD"])
def day(request: HttpRequest, token: str) -> HttpResponse:
    appointment, refusal = _changeable(request, token)
    if refusal:
        return refusal
    journey = _journey(appointment)
    context = {**month_context(request, journey), **_context(appointment, token)}
    return render(request, "citizen/wizard/day.html", context)


@token_page
@require_http_methods(["GET", "HEAD"])
def time(request: HttpRequest, token: str) -> HttpResponse:
    appointment, refusal = _changeable(request, token)
    if refusal:
        return refusal
    journey = _journey(appointment)
    wanted = drafts.parse_day(request.GET.get("tag"))
    context = day_context(journey, wanted) if wanted else None
    if context is None:
        return no_such_day(request, journey, _context(appointment, token), day=wanted)
    return render(request, "citizen/wizard/time.html", {**context, **_context(appointment, token)})


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows old and new time side by side; only the POST moves the appointment."""
    appointment, refusal = _changeable(request, token)
    if refusal:
        return refusal
    journey = _journey(appointment)
    start = parse_start(request.GET.get("beginn"))
    context = {**_context(appointment, token), "journey": journey}
    if start == appointment.start:
        if request.method == "POST":
            return redirect("citizen:appointment", token=token)  # a double click: moved already
        message = _("This is the time you already have. Please choose another time.")
        return unprocessable(
            request,
            "citizen/wizard/reschedule_taken.html",
            {**context, "same_time": True},
            message=message,
        )
    if start is None or not is_free(journey, start):
        return taken(request, "citizen/wizard/reschedule_taken.html", context)
    context["start"] = start.astimezone(journey.location.zone)
    if request.method != "POST":
        return render(request, "citizen/wizard/reschedule_confirm.html", context)
    now = timezone.now()
    if refusal := throttled(request, now=now):
        return refusal
    try:
        booking.reschedule(appointment=appointment, start=start, now=now, channel=Channel.ONLINE)
    except SlotTaken as error:
        return taken(
            request,
            "citizen/wizard/reschedule_taken.html",
            context,
            alternatives=error.alternatives,
        )
    except NotChangeable:
        return refused(request, appointment, token)
    except BookingError as error:
        return unprocessable(
            request, "citizen/wizard/reschedule_confirm.html", context, message=error.message
        )
    messages.success(request, _("Your appointment has been moved. We have sent you an email."))
    return redirect("citizen:appointment", token=token)
