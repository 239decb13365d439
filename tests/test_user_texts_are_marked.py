"""No user-facing text escapes translation: every word a template shows stands inside a
{% translate %} or {% blocktranslate %}, and every label, help text, model name, form error or
message in Python goes through gettext. Otherwise a Turkish reader meets an English sentence."""

import ast
import re
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "amtstermin"

_COMMENTS = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|<!--.*?-->|{#.*?#}", re.S)
_TRANSLATED = re.compile(r"{%\s*blocktrans(late)?\b.*?{%\s*endblocktrans(late)?\s*%}", re.S)
_CODE = re.compile(r"<(script|style|svg)\b.*?</\1>", re.S)
# Deliberately in one language: a language's own name, "Language" beside the current one.
_OWN_LANGUAGE = re.compile(r"<(\w+)[^>]*\slang=\"[^\"]+\"[^>]*>[^<]*</\1>")
_TEMPLATE = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_TAGS = re.compile(r"<[^>]+>")
_CSS_CLASS = re.compile(r"\b[a-z]+(?:-[a-z0-9]+)+\b")  # a block's class list, e.g. amt-kiosk
_WORD = re.compile(r"[^\W\d_]{2,}")

# Calls whose text a user reads; log lines are for operators and stay English.
_SHOWN_KEYWORDS = {"label", "help_text", "verbose_name", "verbose_name_plural", "empty_label"}
_SHOWN_CALLS = {"ValidationError", "add_error", "success", "error", "warning", "info"}
_LOGGERS = {"logger", "log", "logging"}


def untranslated_words(template: str) -> list[str]:
    text = _COMMENTS.sub(" ", template)
    for pattern in (_TRANSLATED, _CODE, _OWN_LANGUAGE, _TEMPLATE, _TAGS, _CSS_CLASS):
        text = pattern.sub(" ", text)
    return _WORD.findall(text)


def untranslated_strings(source: str) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        called = (
            function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")
        )
        receiver = getattr(getattr(function, "value", None), "id", "")
        texts = [kw.value for kw in node.keywords if kw.arg in _SHOWN_KEYWORDS]
        if called in _SHOWN_CALLS and receiver not in _LOGGERS:
            # add_error(field, message); the others take the message first
            texts += node.args[1:2] if called == "add_error" else node.args[:1]
        found += [
            (node.lineno, text.value)
            for text in texts
            if isinstance(text, ast.Constant) and isinstance(text.value, str)
            if _WORD.search(text.value)
        ]
    return found


def test_templates_show_no_untranslated_words():
    offenders = {
        str(path.relative_to(PACKAGE)): words[:5]
        for path in sorted([*PACKAGE.rglob("*.html"), *PACKAGE.rglob("*.txt")])
        if "vendor" not in path.parts
        if (words := untranslated_words(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_python_passes_user_texts_through_gettext():
    offenders = {
        f"{path.relative_to(PACKAGE)}:{line}": text
        for path in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in path.parts and path.name != "settings.py"
        for line, text in untranslated_strings(path.read_text(encoding="utf-8"))
    }
    assert offenders == {}


def test_the_scans_find_what_they_look_for():
    assert untranslated_words("<p>{% translate 'Hello' %} Welcome</p>") == ["Welcome"]
    assert untranslated_words('<a lang="tr" href="x">Türkçe</a>{# note #}') == []
    assert untranslated_strings('forms.CharField(label="Name")') == [(1, "Name")]
    assert untranslated_strings('forms.CharField(label=_("Name"))') == []
    assert untranslated_strings('logger.info("Mail %s sent", x)') == []
