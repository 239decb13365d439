"""The waiting room's screens: the call display and the self check-in kiosk.

No staff log in here: each screen is opened by its device link (core/devices.py). Both screens
face the whole waiting room, so neither ever shows personal data: the display shows waiting
numbers and counters, the kiosk a waiting number and a time.
"""

import hashlib
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from amtstermin.core import devices, limits, visits
from amtstermin.core.errors import CheckInError
from amtstermin.core.models import DeviceLink

from .forms import CheckInForm

# How many calls the display lists: the latest big, the ones before it below.
SHOWN_CALLS = 7
# A shared screen keeps no language between people: each page names it in its address
# (?sprache=tr); the kiosk returns to the screen's own language for the next person.
LANGUAGE_PARAMETER = "sprache"
# Kiosk attempts per device and minute: a queue of citizens scanning needs a few, while someone
# guessing references at the screen gets 30 of 2^40 a minute (core/numbers.py).
KIOSK_SCOPE = "kiosk"
KIOSK_ATTEMPTS_PER_MINUTE = 30


def device_page(kind: str) -> Callable:
    """Open the view only with an active device link of `kind`; keep the link private.

    The link is the screen's only key, so no response (404s included) may be indexed, stored
    in a cache, or leak it to another site in a Referer.
    """

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(request: HttpRequest, token: str) -> HttpResponse:
            chosen = request.GET.get(LANGUAGE_PARAMETER, "")
            if chosen in dict(settings.LANGUAGES):
                translation.activate(chosen)
                request.LANGUAGE_CODE = chosen
            device = devices.find(token, kind)
            if device is None:
                response = render(request, "404.html", status=404)
            else:
                response = view(request, device, token)
            response["X-Robots-Tag"] = "noindex, nofollow"
            response["Referrer-Policy"] = "same-origin"
            patch_cache_control(response, private=True, no_store=True)
            return response

        return wrapped

    return decorate


@require_safe
@device_page(DeviceLink.Kind.DISPLAY)
def board(request: HttpRequest, device: DeviceLink, token: str) -> HttpResponse:
    context = _calls(device) | {
        "device": device,
        "token": token,
        "etag": _etag(device),
        # The polls keep the board's language.
        "language_query": f"?{LANGUAGE_PARAMETER}={get_language()}",
    }
    return render(request, "display/board.html", context)


@require_safe
@device_page(DeviceLink.Kind.DISPLAY)
def calls(request: HttpRequest, device: DeviceLink, token: str) -> HttpResponse:
    """The board's changing part, polled every second: 304 until someone is called.

    The ETag comes from the link lookup alone (devices.find), so an unchanged board costs one
    indexed query. The browser may not cache (no-store), so display.js sends the last ETag.
    """
    etag = _etag(device)
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = render(request, "display/_calls.html", _calls(device))
    response["ETag"] = etag
    return response


@require_http_methods(["GET", "POST"])
@device_page(DeviceLink.Kind.KIOSK)
def kiosk(request: HttpRequest, device: DeviceLink, token: str) -> HttpResponse:
    context = {
        "device": device,
        "token": token,
        "field": CheckInForm()["reference"],
        "languages": settings.LANGUAGES,
        "language_parameter": LANGUAGE_PARAMETER,
    }
    if request.method == "GET":
        return render(request, "display/kiosk.html", context)
    now = timezone.now()
    if not limits.hit(
        KIOSK_SCOPE,
        f"device:{device.pk}",
        limit=KIOSK_ATTEMPTS_PER_MINUTE,
        window_seconds=60,
        now=now,
    ):
        error = _("Too many attempts. Please wait a minute or ask at the front desk.")
        return render(request, "display/kiosk.html", context | {"error": error}, status=429)
    form = CheckInForm(request.POST)
    if not form.is_valid():
        error = form.errors["reference"][0]
        return render(request, "display/kiosk.html", context | {"error": error}, status=422)
    try:
        visit = visits.check_in_reference(device.location, form.cleaned_data["reference"], now=now)
    except CheckInError as refused:
        context["error"] = refused.message
        return render(request, "display/kiosk.html", context, status=422)
    return render(request, "display/kiosk.html", context | {"visit": visit})


def _calls(device: DeviceLink) -> dict:
    """Today's latest call and those before it."""
    shown = visits.latest_calls(device.location, now=timezone.now(), limit=SHOWN_CALLS)
    return {"latest": shown[0] if shown else None, "previous": shown[1:]}


def _etag(device: DeviceLink) -> str:
    """Changes with every call (or recall) at the location, each morning (yesterday's calls
    leave the board), and with the screen's language."""
    today = device.location.local_date(timezone.now())
    version = f"{device.location_id}:{device.latest_call_id}:{today}:{get_language()}"
    return f'"{hashlib.sha256(version.encode()).hexdigest()[:20]}"'
