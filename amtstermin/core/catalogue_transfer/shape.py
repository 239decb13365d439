"""What the catalogue file holds, shared by export and import (docs/catalogue.md)."""

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

FORMAT = "amtstermin-catalogue"
VERSION = 1
MAX_BYTES = 20 * 1024 * 1024  # a town's catalogue is some hundred kilobytes

# Translated fields (core/translation.py): in the file as {"de": …, "en": …}, a language left
# out being empty.
DEPARTMENT_TEXTS = ("name", "description")
DOCUMENT_TEXTS = ("name", "note")
SERVICE_TEXTS = ("name", "description", "life_situation", "fee_note")
# The service's other columns, as they are.
SERVICE_STRINGS = ("synonyms", "mode", "external_url", "request_kind", "legal_basis", "leika_key")
SMALL = 32767  # PositiveSmallIntegerField's bound on PostgreSQL (SQLite would take more)
LARGE = 2147483647  # PositiveIntegerField's
SERVICE_NUMBERS = {"duration_minutes": SMALL, "additional_minutes": SMALL, "max_quantity": SMALL}

Texts = dict[str, str]  # language code → text


class CatalogueError(Exception):
    """A catalogue that cannot be imported or exported, with every problem found, each as
    "where: what"."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def languages() -> tuple[str, ...]:
    return tuple(settings.MODELTRANSLATION_LANGUAGES)


def column(name: str, code: str) -> str:
    """The model column of a translated field in one language: name_de, name_de_x_ls …"""
    return build_localized_fieldname(name, code)


def columns(texts: dict[str, Texts]) -> dict[str, str]:
    """Translated fields as the model's columns, every language set (empty where left out)."""
    return {
        column(name, code): by_language.get(code, "")
        for name, by_language in texts.items()
        for code in languages()
    }
