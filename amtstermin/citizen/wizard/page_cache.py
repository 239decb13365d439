"""The calendar and time pages from the cache: the hot path of every booking.

Such a page is a function of its key: the draft's services and quantities, its location, the
minute, the query asking for a month or day, and the language; and of the location's bookings
counter (core/scheduling/versions.py), which every booking, cancellation, catalogue, location and
roster change moves after its commit (Location.bump_versions). The counter is stored with the
page and read with it, so a hit costs the session and one cache read, and no database query:
at 08:00, when a day's times are released, a stored page is what most visitors get.

The location's booking window (today, the last day, the earliest start) follows from its
settings, whose changes move the counter, and from the time: the key holds the minute, rounded
up. Starts, notices and release times are whole minutes, so a page made at any moment of that
minute offers no start that a later moment of it refuses.

The CSRF token is the one per-visitor part: a page is stored with a placeholder and gets the
visitor's token on the way out.
"""

import hashlib
import math
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

from amtstermin.core.scheduling import availability, versions

from .draft import Draft

PLACEHOLDER = "csrf-token-placeholder"
# As long as a cached calendar: holds that lapse and re-released times change nothing stored.
SECONDS = availability.CACHE_SECONDS


class PageKey(NamedTuple):
    cache_key: str
    location_id: int  # whose bookings counter the stored page must match


def key(page: str, draft: Draft, location_id: int, query: str, *, now: datetime) -> PageKey:
    parts = (
        page,
        get_language(),
        location_id,  # its bookings counter is checked in serve()
        sorted(draft.quantities.items()),
        draft.several_locations,
        query,
        math.ceil(now.timestamp() / 60),  # the minute, rounded up (see above)
    )
    return PageKey("wizard-page:" + hashlib.sha256(repr(parts).encode()).hexdigest(), location_id)


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
