"""A text not written in the reader's language is marked with the one it falls back to, so a
screen reader reads it right (WCAG 3.1.2)."""

import pytest
from django.utils import translation

from amtstermin.citizen.content.translated import fallback_language
from amtstermin.core.models import ContentPage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("reader", "written", "marked"),
    [
        ("tr", {"body_tr": "Merhaba"}, None),
        ("tr", {"body_en": "Hello"}, "en"),  # Turkish falls back to English first
        ("tr", {}, "de"),
        ("de-x-ls", {}, "de"),  # Leichte Sprache not written: plain German
        ("de-x-ls", {"body_de_x_ls": "Hallo."}, None),
        ("de", {}, None),
    ],
)
def test_a_fallback_is_marked_with_the_language_shown(reader, written, marked):
    row = ContentPage(kind=ContentPage.Kind.PRIVACY, title_de="Datenschutz", body_de="Hallo")
    for field, text in written.items():
        setattr(row, field, text)

    with translation.override(reader):
        assert fallback_language(row, "body") == marked
