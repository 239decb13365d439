"""A content page as staff wrote it: title, Markdown body rendered and sanitised by the core."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from amtstermin.core import accessibility, content
from amtstermin.core.models import ContentPage

from ..accessibility.views import statement_page


@dataclass(frozen=True)
class Shown:
    """A translated text as the page shows it.

    `title_lang` and `body_lang` name the default language when a text is not translated into
    the reader's and falls back to it, so screen readers pronounce it right (WCAG 3.1.2).
    """

    title: str
    html: SafeString
    title_lang: str | None
    body_lang: str | None


def shown(row: models.Model, *, top_heading: int = 2) -> Shown:
    """`row`'s title and body (django-modeltranslation fields) in the reader's language."""
    return Shown(
        title=row.title,
        html=content.render_markdown(row.body, top_heading=top_heading),
        title_lang=_fallback_language(row, "title"),
        body_lang=_fallback_language(row, "body"),
    )


def _fallback_language(row: models.Model, field: str) -> str | None:
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if language == settings.LANGUAGE_CODE or getattr(row, f"{field}_{language}", ""):
        return None
    return settings.LANGUAGE_CODE


def page(request: HttpRequest, kind: str) -> HttpResponse:
    # The statement written from the admin's fields wins over a hand-written page of that kind.
    if kind == ContentPage.Kind.ACCESSIBILITY and (statement := accessibility.statement()):
        return statement_page(request, statement)
    found = ContentPage.objects.filter(kind=kind).first()
    if found is None:
        raise Http404("No such page yet.")  # the site's 404 page; the footer does not link here
    return render(request, "citizen/content/page.html", {"page": found, "text": shown(found)})
