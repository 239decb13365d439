"""The calendar and time pages from the cache: the hot path of every booking.

Such a page is a function of its key: the draft's services and quantities, the location and its
version (bumped by every booking, cancellation and catalogue edit), the booking window (today and
the earliest start on the slot grid), the query asking for a month or day, and the language. A
hit costs the session, one query for the location and one cache read. The CSRF token is the one
per-visitor part: a page is stored with a placeholder and gets the visitor's token on the way out.

The bookings' part of the version (a counter in the cache, core/scheduling/versions.py) is not
in the key but stored with the page and read together with it: one round trip instead of two.
"""

import hashlib
import secrets
from collections.abc import Callable
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware import csrf
from django.middleware.csrf import get_token
from django.utils.translation import get_language

from amtstermin.core.models import Channel, Location
from amtstermin.core.scheduling import availability, versions

from .draft import Draft

PLACEHOLDER = "csrf-token-placeholder"
# As long as a cached calendar: holds that lapse and re-released times change nothing stored.
SECONDS = availability.CACHE_SECONDS


# What key() reads of a location: a stored page is served without the other 40 columns.
KEY_FIELDS = (
    "id",
    "version",
    "slot_minutes",
    "min_notice_minutes",
    "horizon_days",
    "release_time",
    "time_zone",
)


class PageKey(NamedTuple):
    cache_key: str
    location_id: int  # whose bookings counter the stored page must match


def key(page: str, draft: Draft, location: Location, query: str, *, now: datetime) -> PageKey:
    """`location` needs only KEY_FIELDS (availability.window() and the version)."""
    bounds = availability.window(location, channel=Channel.ONLINE, now=now)
    unit = location.slot_minutes * 60
    parts = (
        page,
        get_language(),
        location.pk,
        location.version,  # the bookings counter is checked in serve()
        sorted(draft.quantities.items()),
        draft.several_locations,
        query,
        bounds.first,
        bounds.last,  # a day released at the location's release time
        -(-int(bounds.earliest.timestamp()) // unit),  # the first start the grid still allows
    )
    return PageKey("wizard-page:" + hashlib.sha256(repr(parts).encode()).hexdigest(), location.pk)


def serve(
    request: HttpRequest,
    page_key: PageKey | str,
    render: Callable[[dict], HttpResponse],
    *,
    lifetime: Callable[[], int] = lambda: SECONDS,
):
    """The page under `page_key`, rendering (and storing) it with `render` when missing.

    `render` gets the context entries to add; only a 200 page is stored, so a redirect or an
    error page is always computed afresh. `lifetime` says for how many seconds, after
    rendering (0: not at all). A PageKey's page counts only if stored with the location's
    current bookings counter.
    """
    if isinstance(page_key, PageKey):
        counter, stored = versions.bookings_with(page_key.location_id, page_key.cache_key)
        html = stored[1] if isinstance(stored, tuple) and stored[0] == counter else None
        page_key, value = page_key.cache_key, lambda html: (counter, html)
    else:
        html, value = cache.get(page_key), lambda html: html
    if html is None:
        response = render({"csrf_token": PLACEHOLDER})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        if (seconds := lifetime()) > 0:
            cache.set(page_key, value(html), seconds)
    if PLACEHOLDER in html:  # a page without a form sets no CSRF cookie
        html = html.replace(PLACEHOLDER, _token(request))
    return HttpResponse(html)


def _token(request: HttpRequest) -> str:
    """The visitor's CSRF token, as get_token() gives it, without sending a visitor who already
    holds the secret their cookie again: Django would, to renew its year-long expiry, in a
    Set-Cookie on every stored page (a tenth of what serving a stored time page costs).

    Such a visitor's token is masked here: Django draws its mask one character at a time
    (32 calls of secrets.choice, 40 us, a twelfth of the page's processor time again)."""
    secret = request.META.get("CSRF_COOKIE")
    if secret is None or request.COOKIES.get(settings.CSRF_COOKIE_NAME) != secret:
        return get_token(request)  # a new secret, or the cookie to send: Django's own way
    return masked(secret)


_CHARS = csrf.CSRF_ALLOWED_CHARS
_INDEX = {char: index for index, char in enumerate(_CHARS)}
_MASKS = len(_CHARS) ** csrf.CSRF_SECRET_LENGTH


def masked(secret: str) -> str:
    """A fresh token for `secret`, as Django's csrf._mask_cipher_secret() makes it: a random
    mask, then each secret character shifted by the mask's, in CSRF_ALLOWED_CHARS. The mask is
    one draw from all possible masks, written in base 62."""
    draw, mask = secrets.randbelow(_MASKS), []
    for _ in range(csrf.CSRF_SECRET_LENGTH):
        draw, shift = divmod(draw, len(_CHARS))
        mask.append(shift)
    shifted = zip(secret, mask, strict=True)  # the middleware let only a whole secret through
    cipher = (_CHARS[(_INDEX[char] + shift) % len(_CHARS)] for char, shift in shifted)
    return "".join(_CHARS[shift] for shift in mask) + "".join(cipher)
