"""Fail when a translation is incomplete: missing, untranslated, fuzzy or broken entries.

German is the default language and ships complete (STYLE.md), so a source string without a
German msgstr is a bug a citizen would see as English text. Every other citizen language
(settings.LANGUAGES) translates every string a citizen, the kiosk or the call display can show;
strings only staff pages use (STAFF_ONLY) are German and English only. Every translation keeps
the placeholders of its msgid, so no page or mail loses a name, a date or a number.

How: run the same makemessages that `make messages` runs, but in a scratch copy of the
package, so the committed .po is merged with the strings the source holds today and the
working tree is never touched. Every entry of the merged file must then be translated and
not fuzzy. Comparing with the committed file only sharpens the messages ("missing" vs
"untranslated"). Needs GNU gettext (scripts/setup.sh installs it).

Usage: .venv/bin/python scripts/check_translations.py
       .venv/bin/python scripts/check_translations.py --locales   (the locale names, for make)
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "amtstermin"


def _site_locales() -> tuple[str, ...]:
    """The locale directory (Django's to_locale()) of each language in settings.LANGUAGES."""
    os.environ.setdefault("SECRET_KEY", "check-only-not-secret")  # settings.py insists
    sys.path.insert(0, str(ROOT))
    from django.utils.translation import to_locale

    from amtstermin import settings

    return tuple(to_locale(code) for code, _name in settings.LANGUAGES)


# English is the source language: its catalogue exists but has nothing to check.
ALL_LOCALES = _site_locales()
LOCALES = tuple(locale for locale in ALL_LOCALES if locale != "en")
# Source files whose strings only staff read: translated into German (and English) only.
STAFF_ONLY = (
    "office/",
    "templates/office/",
    "templates/admin/",
    "core/admin",
    "core/management/",
    # Its problems are read by whoever runs `manage.py catalogue import`: IT staff.
    "core/catalogue_transfer/",
    # Machines read the API; its problem details are German and English (issue 14).
    "api/",
    # Webhook endpoints and their delivery log exist only in the Django admin (issue 14).
    "core/models/webhooks.py",
    # API keys too (core/admin_api_keys.py).
    "core/models/api_key.py",
)
# Run inside amtstermin/ like the Makefile's `messages` target, so both see the same files.
MAKEMESSAGES = [
    "makemessages",
    *(f"-l{locale}" for locale in ALL_LOCALES),
    "--no-obsolete",
    "--add-location=file",
    "--ignore=static/vendor",
]
# printf-style (%(name)s, %s, %d) and format-style ({name}) placeholders
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]|\{\w*\}")


def po_path(locale: str) -> Path:
    return Path(PACKAGE, "locale", locale, "LC_MESSAGES", "django.po")


@dataclass
class Entry:
    context: str = ""
    msgid: str = ""
    msgid_plural: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    locations: list[str] = field(default_factory=list)

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

    @property
    def staff_only(self) -> bool:
        return bool(self.locations) and all(
            location.startswith(STAFF_ONLY) for location in self.locations
        )

    def placeholders_differ(self) -> bool:
        wanted = sorted(PLACEHOLDER.findall(self.msgid))
        plural = sorted(PLACEHOLDER.findall(self.msgid_plural)) if self.msgid_plural else wanted
        for text in self.msgstrs:
            found = sorted(PLACEHOLDER.findall(text))
            # A plural form for one item may leave out its count ("ein Termin").
            if found not in (wanted, plural) and not (
                self.msgid_plural and set(found) < set(plural)
            ):
                return True
        return False

    def label(self) -> str:
        text = self.msgid if len(self.msgid) <= 70 else self.msgid[:67] + "..."
        return f'"{text}"' + (f" (context {self.context!r})" if self.context else "")


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?)\s+"(.*)"$')


def parse(path: Path) -> list[Entry]:
    """The live entries of a .po file (obsolete #~ entries dropped), header included.

    Strings stay escaped as in the file: they are only compared and shown, never used.
    """
    entries: list[Entry] = []
    entry, last = Entry(), None
    seen_keyword = False

    def finish() -> None:
        nonlocal entry, last, seen_keyword
        if seen_keyword:
            entries.append(entry)
        entry, last, seen_keyword = Entry(), None, False

    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if seen_keyword:  # comments open the next entry even without a blank line
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#:"):
            if seen_keyword:
                finish()
            entry.locations.extend(line[2:].split())
        elif line.startswith("#"):
            if seen_keyword:
                finish()
        elif match := _KEYWORD.match(line):
            keyword, text = match.groups()
            if keyword in ("msgctxt", "msgid") and last is not None and last.startswith("msgstr"):
                finish()
            seen_keyword, last = True, keyword
            if keyword.startswith("msgstr"):
                entry.msgstrs.append(text)
            elif keyword == "msgid_plural":
                entry.msgid_plural = text
            elif keyword in ("msgctxt", "msgid"):
                setattr(entry, "context" if keyword == "msgctxt" else "msgid", text)
        elif line.startswith('"') and line.endswith('"') and last is not None:
            text = line[1:-1]
            if last.startswith("msgstr"):
                entry.msgstrs[-1] += text
            elif last == "msgctxt":
                entry.context += text
            elif last == "msgid":
                entry.msgid += text
            elif last == "msgid_plural":
                entry.msgid_plural += text
        else:
            sys.exit(f"{path}:{number}: cannot read this line of the .po file: {raw!r}")
    finish()
    return entries


def merged_po(scratch: Path) -> Path:
    """The committed .po files merged with today's source strings, made in `scratch`; returns
    the scratch root (the merged file of a locale is scratch / po_path(locale))."""
    shutil.copytree(
        ROOT / PACKAGE,
        scratch / PACKAGE,
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.mo", "vendor"),
    )
    shutil.copy2(ROOT / "manage.py", scratch / "manage.py")
    # settings.py refuses to load without SECRET_KEY; makemessages never uses it.
    env = {**os.environ, "SECRET_KEY": os.environ.get("SECRET_KEY") or "check-only-not-secret"}
    result = subprocess.run(
        [sys.executable, "../manage.py", *MAKEMESSAGES],
        cwd=scratch / PACKAGE,
        env=env,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit("check_translations: makemessages failed (see above).")
    return scratch


def problems_of(locale: str, now: list[Entry], before: set[tuple[str, str]]) -> list[str]:
    """What is wrong with one locale's merged entries (`before`: the committed keys)."""
    problems = []
    for entry in now:
        if entry.msgid == "":
            # The header: msgfmt drops a fuzzy header, and with it Plural-Forms, so ngettext
            # would silently use English plural rules.
            if "fuzzy" in entry.flags:
                problems.append("the header is marked fuzzy (msgfmt would ignore Plural-Forms)")
            continue
        if locale != "de" and entry.staff_only:
            continue
        if entry.key not in before:
            problems.append(f"missing (new in the source): {entry.label()}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.label()}")
        elif not all(entry.msgstrs):
            problems.append(f"untranslated: {entry.label()}")
        elif entry.placeholders_differ():
            problems.append(f"placeholders differ from the msgid: {entry.label()}")
    return problems


def main() -> int:
    missing = [po_path(locale) for locale in LOCALES if not (ROOT / po_path(locale)).exists()]
    if missing:
        print(
            f"{', '.join(map(str, missing))} missing. Fix: run `make messages`, translate, commit.",
            file=sys.stderr,
        )
        return 1
    failed = False
    with tempfile.TemporaryDirectory(prefix="check-translations-") as scratch:
        merged = merged_po(Path(scratch))
        for locale in LOCALES:
            path = po_path(locale)
            now = parse(merged / path)
            before = {entry.key for entry in parse(ROOT / path)}
            problems = problems_of(locale, now, before)
            if not problems:
                print(f"{path}: complete ({len(now) - 1} entries).")
                continue
            failed = True
            print(f"{path}: {len(problems)} problems:", file=sys.stderr)
            for problem in problems[:40]:
                print(f"  - {problem}", file=sys.stderr)
            if len(problems) > 40:
                print(f"  … and {len(problems) - 40} more", file=sys.stderr)
    if failed:
        print(
            "Fix: run `make messages`, translate the entries in the .po file, remove each "
            "'fuzzy' flag once the translation is right, and commit the .po file.",
            file=sys.stderr,
        )
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--locales"]:  # for the Makefile's `messages`
        print(" ".join(ALL_LOCALES))
        sys.exit(0)
    sys.exit(main())
