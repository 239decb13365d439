"""A content page as staff wrote it: title, Markdown body rendered and sanitised by the core."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core import accessibility
from amtstermin.core.models import ContentPage

from ..accessibility.views import statement_page
from .translated import shown


def page(request: HttpRequest, kind: str) -> HttpResponse:
    # The statement written from the admin's fields wins over a hand-written page of that kind.
    if kind == ContentPage.Kind.ACCESSIBILITY and (statement := accessibility.statement()):
        return statement_page(request, statement)
    found = ContentPage.objects.filter(kind=kind).first()
    if found is None:
        raise Http404("No such page yet.")  # the site's 404 page; the footer does not link here
    return render(request, "citizen/content/page.html", {"page": found, "text": shown(found)})
