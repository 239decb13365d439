"""Information in Leichte Sprache (BITV 2.0 § 4, Anlage 2): what this site offers, how to book
and where to find help, always in Leichte Sprache whatever language the visitor chose."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from modeltranslation.utils import build_localized_fieldname

from amtstermin.core import content
from amtstermin.core.models import ContentPage

from .views import Shown


def page(request: HttpRequest) -> HttpResponse:
    # The whole page, chrome included, in Leichte Sprache: that is what the header link promises.
    with translation.override(settings.EASY_GERMAN):
        found = ContentPage.objects.filter(kind=ContentPage.Kind.EASY_LANGUAGE).first()
        response = render(
            request,
            "citizen/content/easy_language.html",
            {
                "page": found,
                "text": found and _shown(found),
                "easy_language": settings.EASY_GERMAN,
            },
        )
    response.headers["Content-Language"] = settings.EASY_GERMAN
    return response


def _shown(row: ContentPage) -> Shown:
    """Title and body in Leichte Sprache; a text not written in it falls back to German, and
    is marked as German so screen readers read it right."""
    return Shown(
        title=row.title,
        html=content.render_markdown(row.body, top_heading=2),
        title_lang=_lang(row, "title"),
        body_lang=_lang(row, "body"),
    )


def _lang(row: ContentPage, field: str) -> str | None:
    written = getattr(row, build_localized_fieldname(field, settings.EASY_GERMAN), "")
    return None if written else settings.LANGUAGE_CODE
