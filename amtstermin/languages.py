"""The language switch: plain links that work without JavaScript, the choice kept in a cookie.

LocaleMiddleware reads the cookie on every later request; until a choice is made it follows the
browser's Accept-Language. Staff pages speak only settings.STAFF_LANGUAGES (staff_only).
"""

from datetime import timedelta

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme

REMEMBERED = timedelta(days=365)
STAFF_PATHS = ("/verwaltung/", "/admin/")
LONGEST_TARGET = 2000


def switch(request, code: str):
    """Remember `code` and go back to the page the link was on (`next`, a path on this site)."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "")
    safe = (
        len(target) <= LONGEST_TARGET
        and target.startswith("/")
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )
    response = HttpResponseRedirect(target if safe else "/")
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=int(REMEMBERED.total_seconds()),
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


def staff_only(get_response):
    """Office and admin pages in German or English only: a clerk whose browser or earlier
    choice asks for another language reads them in German."""

    def middleware(request):
        if request.path.startswith(STAFF_PATHS):
            if translation.get_language() not in settings.STAFF_LANGUAGES:
                translation.activate(settings.LANGUAGE_CODE)
                request.LANGUAGE_CODE = settings.LANGUAGE_CODE
        return get_response(request)

    return middleware


def booked_in(request, code: str) -> None:
    """Speak `code`, the language an appointment was booked in, unless the visitor chose a
    language on this site: the link in a Turkish mail opens a Turkish page."""
    if settings.LANGUAGE_COOKIE_NAME in request.COOKIES or code not in dict(settings.LANGUAGES):
        return
    translation.activate(code)
    request.LANGUAGE_CODE = code
