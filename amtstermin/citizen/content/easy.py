"""Information in Leichte Sprache (BITV 2.0 § 4, Anlage 2): what this site offers, how to book
and where to find help, always in Leichte Sprache whatever language the visitor chose."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from amtstermin.core.models import ContentPage

from .translated import shown


def page(request: HttpRequest) -> HttpResponse:
    # The whole page, chrome included, in Leichte Sprache: that is what the header link promises.
    with translation.override(settings.EASY_GERMAN):
        found = ContentPage.objects.filter(kind=ContentPage.Kind.EASY_LANGUAGE).first()
        response = render(
            request,
            "citizen/content/easy_language.html",
            {
                "page": found,
                "text": found and shown(found),
                "easy_language": settings.EASY_GERMAN,
            },
        )
    response.headers["Content-Language"] = settings.EASY_GERMAN
    return response
