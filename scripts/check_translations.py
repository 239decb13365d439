"""Fail when the German translation is incomplete: missing, untranslated or fuzzy entries.

German is the default language and ships complete (STYLE.md), so a source string without a
German msgstr is a bug a citizen would see as English text.

How: run the same makemessages that `make messages` runs, but in a scratch copy of the
package, so the committed .po is merged with the strings the source holds today and the
working tree is never touched. Every entry of the merged file must then be translated and
not fuzzy. Comparing with the committed file only sharpens the messages ("missing" vs
"untranslated"). Needs GNU gettext (scripts/setup.sh installs it).

Usage: .venv/bin/python scripts/check_translations.py
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
PO = Path(PACKAGE, "locale", "de", "LC_MESSAGES", "django.po")
# Run inside amtstermin/ like the Makefile's `messages` target, so both see the same files.
MAKEMESSAGES = ["makemessages", "-l", "de", "--no-obsolete", "--ignore=static/vendor"]


@dataclass
class Entry:
    context: str = ""
    msgid: str = ""
    msgstrs: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> tuple[str, str]:
        return (self.context, self.msgid)

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
        else:
            sys.exit(f"{path}:{number}: cannot read this line of the .po file: {raw!r}")
    finish()
    return entries


def merged_po(scratch: Path) -> Path:
    """The committed .po merged with today's source strings, made in `scratch`."""
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
    return scratch / PO


def main() -> int:
    committed = ROOT / PO
    if not committed.exists():
        print(
            f"{PO} does not exist. Fix: run `make messages`, translate, commit it.", file=sys.stderr
        )
        return 1
    with tempfile.TemporaryDirectory(prefix="check-translations-") as scratch:
        now = parse(merged_po(Path(scratch)))
    before = {entry.key for entry in parse(committed)}

    problems = []
    for entry in now:
        if entry.msgid == "":
            # The header: msgfmt drops a fuzzy header, and with it Plural-Forms, so German
            # ngettext would silently use English plural rules.
            if "fuzzy" in entry.flags:
                problems.append("the header is marked fuzzy (msgfmt would ignore Plural-Forms)")
            continue
        if entry.key not in before:
            problems.append(f"missing (new in the source): {entry.label()}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {entry.label()}")
        elif not all(entry.msgstrs):
            problems.append(f"untranslated: {entry.label()}")
    stale = before - {entry.key for entry in now} - {("", "")}

    if stale:
        print(f"{PO}: {len(stale)} entries no longer in the source (make messages drops them).")
    if not problems:
        print(f"{PO}: complete ({len(now) - 1} entries).")
        return 0
    print(f"{PO}: {len(problems)} problems:", file=sys.stderr)
    for problem in problems:
        print(f"  - {problem}", file=sys.stderr)
    print(
        "Fix: run `make messages`, translate the entries in the .po file, remove each 'fuzzy' "
        "flag once the translation is right, and commit the .po file.",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(main())
