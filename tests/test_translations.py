"""Each committed catalogue is complete for its readers, has nothing fuzzy, and keeps every
placeholder of its msgid (scripts/check_translations.py also compares with the source)."""

import importlib.util
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation import to_locale

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("check", ROOT / "scripts/check_translations.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)


def test_every_language_of_the_site_has_a_catalogue():
    wanted = {to_locale(code) for code, _name in settings.LANGUAGES} - {"en"}
    assert {locale for locale in wanted if (ROOT / check.po_path(locale)).exists()} == wanted


@pytest.mark.parametrize("locale", check.LOCALES)
def test_catalogue_is_complete_and_keeps_placeholders(locale):
    entries = check.parse(ROOT / check.po_path(locale))

    assert check.problems_of(locale, entries, {entry.key for entry in entries}) == []


def test_a_lost_placeholder_is_found():
    entry = check.Entry(msgid="Your appointment on %(when)s", msgstrs=["Ihr Termin"])
    assert entry.placeholders_differ()
    entry.msgstrs = ["Ihr Termin am %(when)s"]
    assert not entry.placeholders_differ()
