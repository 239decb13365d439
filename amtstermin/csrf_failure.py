"""The page for a form sent without a valid CSRF cookie (settings.CSRF_FAILURE_VIEW).

Most often the session ran out while the form stood open, or the browser refuses cookies. The
citizen gets the site's frame, the likely reason and a way back to the form, never Django's
technical page. Rendering it sets a fresh CSRF cookie, so the form works when opened again.
"""

from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    get_token(request)  # a fresh cookie, even though this page holds no form
    return render(request, "403_csrf.html", {"back": _back(request)}, status=403)


def _back(request: HttpRequest) -> str:
    """The page the form came from (the Referer) if it is one of ours, else the start page."""
    referer = request.headers.get("Referer", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlsplit(referer)
        if parts.path.startswith("/"):
            return parts.path + (f"?{parts.query}" if parts.query else "")
    return reverse("citizen:start")
