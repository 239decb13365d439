"""Catalogue texts (django-modeltranslation fields) as a page shows them: in the reader's
language, or marked with the language they fall back to."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from modeltranslation.utils import build_localized_fieldname, resolution_order

from amtstermin.core import content


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
        title_lang=fallback_language(row, "title"),
        body_lang=fallback_language(row, "body"),
    )


def fallback_language(row: models.Model, field: str) -> str | None:
    """The language `field` is shown in when it is not the reader's, else None (WCAG 3.1.2).

    django-modeltranslation falls back along MODELTRANSLATION_FALLBACK_LANGUAGES (Turkish to
    English, then German); the text is marked with the language it really is in, so screen
    readers pronounce it right.
    """
    language = get_language() or settings.LANGUAGE_CODE
    for code in resolution_order(language):
        if getattr(row, build_localized_fieldname(field, code), ""):
            return None if code == language else code
    return None
