"""Past a client's limit of form POSTs (core/limits.py), a page a person understands: 429."""

from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core import limits


def throttled(
    request: HttpRequest, rate: limits.Rate, template: str, *, now: datetime
) -> HttpResponse | None:
    """Count this POST against `rate`; None while allowed, else the 429 page `template`.

    Its button leads back to the page that was posted, where what was chosen is kept.
    """
    if limits.allow_post(rate, limits.client_address(request), now=now):
        return None
    context = {"back_url": request.get_full_path()}
    response = render(request, template, context, status=429)
    response["Retry-After"] = str(rate.window_seconds)
    return response
