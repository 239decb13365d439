"""The citizen's own appointment, opened by the link key from the mail: view, confirm, cancel.

Every page here is reached by a secret in the URL, so each one keeps it from leaking: no
Referer to other sites, no search index, no shared cache. An unknown key gets the same
not-found page whether it never existed or its appointment was purged.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from amtstermin.core import booking, summary, visits
from amtstermin.core.errors import HoldExpired, NotChangeable
from amtstermin.core.models import Appointment, Channel, Status
from amtstermin.core.notifications import ics, links
from amtstermin.core.notifications.mail import CALENDAR_FILE

from ... import languages
from .qr import check_in_svg


def token_page(view: Callable) -> Callable:
    """Headers that keep a link key private, on every response of the view (404s included)."""

    @wraps(view)
    def wrapped(request: HttpRequest, token: str) -> HttpResponse:
        response = view(request, token)
        response["X-Robots-Tag"] = "noindex, nofollow"
        # Not "no-referrer": browsers then send "Origin: null" with the cancel and confirm forms,
        # and Django's CSRF check refuses them. Same-origin still keeps the key from other sites.
        response["Referrer-Policy"] = "same-origin"
        patch_cache_control(response, private=True, no_store=True)
        return response

    return wrapped


def found_for(request: HttpRequest, token: str, *, mailed: bool = False) -> Appointment | None:
    """The appointment of a link key; its pages speak the language it was booked in."""
    found = booking.find_by_token(token, mailed=mailed)
    if found is not None:
        languages.booked_in(request, found.language)
    return found


@token_page
@require_safe
def appointment(request: HttpRequest, token: str) -> HttpResponse:
    found = found_for(request, token)
    if found is None:
        return not_found(request)
    now = timezone.now()
    facts = summary.summarize(found, now=now)
    booked = facts.status == Status.BOOKED
    return render(
        request,
        "citizen/appointment/appointment_detail.html",
        {
            "summary": facts,
            "token": token,
            # The wizard lands here with ?neu=1 right after booking.
            "just_booked": request.GET.get("neu") == "1",
            "printing": request.GET.get("druck") == "1",
            "changeable": found.is_changeable(now=now),
            "qr_code": check_in_svg(facts.reference) if booked else None,
            "book_url": links.BOOK_PATH,
            # Checked in: "Sie sind Nummer 3, voraussichtlich um 09:40 dran".
            "queue": visits.queue_status(found, now=now)
            if found.status == Status.CHECKED_IN
            else None,
        },
    )


@token_page
@require_safe
def calendar(request: HttpRequest, token: str) -> HttpResponse:
    found = found_for(request, token)
    if found is None:
        return not_found(request)
    content = ics.appointment_calendar(found, items=summary.items_of(found), now=timezone.now())
    response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{CALENDAR_FILE}"'
    return response


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    found = found_for(request, token)
    if found is None:
        return not_found(request)
    now = timezone.now()
    if request.method == "POST":
        try:
            booking.cancel(appointment=found, now=now, channel=Channel.ONLINE)
        except NotChangeable:
            return refused(request, found, token)
        return redirect("citizen:appointment", token=token)
    # A GET only asks: mail scanners and link previews follow links.
    if found.status == Status.CANCELLED:
        return redirect("citizen:appointment", token=token)
    if not found.is_changeable(now=now):
        return refused(request, found, token)
    return render(
        request,
        "citizen/appointment/appointment_cancel.html",
        {"summary": summary.summarize(found, now=now), "token": token},
    )


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    # Only a key from the confirmation mail confirms: the mailbox is the proof of the opt-in.
    found = found_for(request, token, mailed=True)
    if found is None:
        return not_found(request)
    now = timezone.now()
    if request.method == "POST":
        try:
            booking.confirm(appointment=found, now=now)
        except (HoldExpired, NotChangeable):
            return refused(request, found, token)
        messages.success(request, _("Your appointment is confirmed."))
        return redirect("citizen:appointment", token=token)
    # A GET only asks: mail scanners follow the link in the confirmation request.
    if found.is_stale_hold(now=now) or found.status == Status.EXPIRED:
        return refused(request, found, token)
    if found.status != Status.RESERVED:
        # Confirmed already (a second click), cancelled, or long past: the page says which.
        return redirect("citizen:appointment", token=token)
    return render(
        request,
        "citizen/appointment/appointment_confirm.html",
        {"summary": summary.summarize(found, now=now), "token": token},
    )


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for every key that opens nothing: it must not tell "never existed" from "purged"."""
    return render(
        request,
        "citizen/appointment/appointment_not_found.html",
        {"book_url": links.BOOK_PATH},
        status=404,
    )


def refused(request: HttpRequest, found: Appointment, token: str) -> HttpResponse:
    """Why a confirmation or cancellation cannot happen: an expired hold, or too late to change."""
    facts = summary.summarize(found, now=timezone.now())
    if facts.status == Status.EXPIRED:
        template, status = "citizen/appointment/appointment_hold_expired.html", 410
    else:
        template, status = "citizen/appointment/appointment_not_changeable.html", 409
    context = {"summary": facts, "token": token, "book_url": links.BOOK_PATH}
    return render(request, template, context, status=status)
