"""The wizard's answers when a step cannot go on: bad input, a time taken, too many requests."""

from collections.abc import Sequence
from datetime import date, datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from amtstermin.core import limits

from .. import throttle
from .journey import month_context


def unprocessable(
    request: HttpRequest, template: str, context: dict, *, message: str | None = None
) -> HttpResponse:
    """The step again with its errors summarised at the top (422: nothing was written)."""
    return render(request, template, {**context, "error_message": message}, status=422)


def no_such_day(
    request: HttpRequest, journey, context: dict, *, day: date | None = None
) -> HttpResponse:
    """A day outside the window, or not a date at all: the calendar again, saying so (422)."""
    message = _("That day cannot be booked. Please choose a day from the calendar.")
    last = journey.window(now=timezone.now()).last
    if day and day > last:
        message = _(
            "That day cannot be booked yet: appointments can be booked up to %(last)s. "
            "Please choose a day from the calendar."
        ) % {"last": formats.date_format(last, "DATE_FORMAT")}
    return unprocessable(
        request,
        "citizen/wizard/day.html",
        {**month_context(request, journey), **context},
        message=message,
    )


def taken(
    request: HttpRequest,
    template: str,
    context: dict,
    *,
    alternatives: Sequence[datetime] = (),
) -> HttpResponse:
    """The time was taken meanwhile (409): say so and offer the nearest free ones."""
    journey = context["journey"]
    zone = journey.location.zone
    return render(
        request,
        template,
        {
            **context,
            "error_message": _("Sorry, this time was booked by someone else in the meantime."),
            "alternatives": [start.astimezone(zone) for start in alternatives],
        },
        status=409,
    )


def throttled(request: HttpRequest, *, now: datetime) -> HttpResponse | None:
    """Counts a booking attempt (booking or move); past the limit, the 429 page."""
    return throttle.throttled(
        request, limits.BOOKING, "citizen/wizard/too_many_requests.html", now=now
    )
