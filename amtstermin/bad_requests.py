"""Requests no view should see: a NUL byte anywhere a view might read it is answered with 400.

PostgreSQL refuses NUL in any text it is given (DataError, a 500 in whichever view first compares
such a value with the database), and no browser sends one unasked. Refused here once, before the
session or any view reads the request, instead of in every view.
"""

from collections.abc import Callable, Iterator

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.api import problems
from amtstermin.core.inputs import has_nul

API = "/api/"


def refuse_nul_bytes(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    def middleware(request: HttpRequest) -> HttpResponse:
        if any(has_nul(text) for text in _texts(request)):
            return bad_request(request)
        return get_response(request)

    return middleware


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The 400 page in the site's frame; also Django's handler400 (urls.py), so a request Django
    itself refuses (too many fields, a broken upload) gets the same page. The API answers
    with a problem document instead."""
    if request.path.startswith(API):
        with problems.override(request):
            return problems.response("bad-request", 400, problems.UNREADABLE)
    return render(request, "400.html", status=400)


def _texts(request: HttpRequest) -> Iterator[str]:
    yield request.path_info
    for data in (request.GET, request.POST):
        for name, values in data.lists():
            yield name
            yield from values
    # A session or language cookie is compared with the database too ("\000" in a quoted
    # cookie value is read as NUL).
    for name, value in request.COOKIES.items():
        yield name
        yield value
