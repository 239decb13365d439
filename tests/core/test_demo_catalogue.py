"""The demo town reads in every language: each German text has its translation, and each keeps
the Markdown, links and addresses of the original."""

import re

import pytest

from amtstermin.core.demo import catalogue
from amtstermin.core.demo.musterstadt import MUSTERSTADT

SOURCE = {text.de: text for text in catalogue.texts(MUSTERSTADT)}
LANGUAGES = catalogue.other_languages()
# What a translation must carry over unchanged: links, mail addresses, phone numbers.
KEPT = re.compile(r"\]\([^)]*\)|[\w.+-]+@[\w-]+\.[\w.]+|\+?\d[\d /-]{6,}\d")


def shape(markdown: str) -> list[str]:
    """The Markdown skeleton: headings, list items, quotes, in order."""
    marks = []
    for line in markdown.splitlines():
        if match := re.match(r"\s*(#+ |[-*] |\d+\. |> )", line):
            marks.append(match[1].strip().rstrip(".").replace("*", "-").strip("0123456789") or "1")
    return marks


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_demo_text_has_a_translation(code):
    found = catalogue.translations(code)

    missing = [german[:60] for german in SOURCE if not found.get(german, "").strip()]
    stale = [german[:60] for german in found if german not in SOURCE]
    assert (missing, stale) == ([], [])


@pytest.mark.parametrize("code", LANGUAGES)
def test_translations_keep_markdown_links_and_addresses(code):
    found = catalogue.translations(code)

    for german, translation in found.items():
        assert shape(translation) == shape(german), german[:60]
        assert sorted(KEPT.findall(translation)) == sorted(KEPT.findall(german)), german[:60]


def test_the_seed_fills_every_language_column():
    values = catalogue.translated("name", next(iter(SOURCE.values())))

    assert set(values) == {f"name_{code.replace('-', '_')}" for code in ["de", "en", *LANGUAGES]}
    assert all(values.values())
