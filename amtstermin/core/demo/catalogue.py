"""The demo town's texts in the languages beyond German and English.

A town file (musterstadt.py) writes each text in German and English (spec.Text). Every other
language of settings.LANGUAGES has a JSON file in catalogue/ mapping the German text to its
translation, so the town file stays readable and a new language is one more file.
"""

import json
from collections.abc import Iterator
from dataclasses import fields, is_dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from modeltranslation.utils import build_localized_fieldname

from .spec import Text

FOLDER = Path(__file__).with_name("catalogue")
WRITTEN_IN_THE_TOWN_FILE = ("de", "en")


def other_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES if code not in WRITTEN_IN_THE_TOWN_FILE]


@cache
def translations(code: str) -> dict[str, str]:
    """German text → its translation into `code` ({} while the language has no file)."""
    path = FOLDER / f"{code}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def translated(field: str, text: Text) -> dict[str, str]:
    """`field` in every language, as the model's translated columns (name_de, name_tr …)."""
    values = {f"{field}_de": text.de, f"{field}_en": text.en}
    for code in other_languages():
        values[build_localized_fieldname(field, code)] = (
            translations(code).get(text.de, "") if text.de else ""
        )
    return values


def texts(spec: object) -> Iterator[Text]:
    """Every non-empty Text inside a town spec (dataclasses, tuples, dicts), in order."""
    if isinstance(spec, Text):
        if spec.de:
            yield spec
    elif is_dataclass(spec):
        for each in fields(spec):
            yield from texts(getattr(spec, each.name))
    elif isinstance(spec, (tuple, list)):
        for item in spec:
            yield from texts(item)
    elif isinstance(spec, dict):
        for item in spec.values():
            yield from texts(item)
