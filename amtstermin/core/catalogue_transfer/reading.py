"""Read a catalogue file into plain records, checking everything that needs no database.

Every problem is noted with where it is ("services[3].fee: …"), so one run lists them all.
"""

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from ..inputs import has_nul
from ..models import ServiceDocument
from .shape import (
    DEPARTMENT_TEXTS,
    DOCUMENT_TEXTS,
    FORMAT,
    LARGE,
    MAX_BYTES,
    SERVICE_NUMBERS,
    SERVICE_STRINGS,
    SERVICE_TEXTS,
    VERSION,
    CatalogueError,
    Texts,
    languages,
)

TEXTS = {"departments": DEPARTMENT_TEXTS, "documents": DOCUMENT_TEXTS, "services": SERVICE_TEXTS}
SERVICE_KEYS = {
    "slug",
    "department",
    *SERVICE_STRINGS,
    *SERVICE_NUMBERS,
    "fee",
    "position",
    "active",
    "documents",
    "offered_at",
}


@dataclass(frozen=True)
class DepartmentEntry:
    slug: str
    texts: dict[str, Texts]
    position: int


@dataclass(frozen=True)
class DocumentEntry:
    name: str  # the German name: the key
    texts: dict[str, Texts]


@dataclass(frozen=True)
class RuleEntry:
    document: str
    rule: str
    position: int


@dataclass(frozen=True)
class ServiceEntry:
    slug: str
    department: str
    texts: dict[str, Texts]
    values: dict[str, Any]  # the other columns, by field name
    documents: tuple[RuleEntry, ...]
    offered_at: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    locations: tuple[str, ...]  # every location of the source database
    departments: tuple[DepartmentEntry, ...]
    documents: tuple[DocumentEntry, ...]
    services: tuple[ServiceEntry, ...]


def read(raw: bytes) -> Catalogue:
    """Parse and check a catalogue file without looking at the database; raises CatalogueError
    listing every problem."""
    if len(raw) > MAX_BYTES:
        raise CatalogueError(
            [_("The file is larger than %(limit)d MB.") % {"limit": MAX_BYTES // 2**20}]
        )
    try:
        data = json.loads(raw)
    except (ValueError, RecursionError) as error:  # UnicodeDecodeError is a ValueError
        message = _("The file is not valid JSON: %(error)s") % {"error": error}
        raise CatalogueError([message]) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CatalogueError([_("This is not an Amtstermin catalogue file.")])
    if data.get("version") != VERSION:
        raise CatalogueError(
            [
                _("Catalogue format version %(found)s cannot be read; this version reads %(ours)s.")
                % {"found": str(data.get("version"))[:20], "ours": VERSION}
            ]
        )
    reader = _Reader()
    catalogue = reader.catalogue(data)
    if reader.problems:
        raise CatalogueError(reader.problems)
    return catalogue


class _Reader:
    """Reads the file's parts, noting every problem instead of stopping at the first."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def problem(self, where: str, what: str) -> None:
        self.problems.append(f"{where}: {what}")

    def catalogue(self, data: dict) -> Catalogue:
        self.keys(
            data, "", {"format", "version", "locations", "departments", "documents", "services"}
        )
        locations = tuple(self.strings(data, "locations", "locations"))
        departments = tuple(
            DepartmentEntry(
                slug=self.text(entry, "slug", where),
                texts=self.texts(entry, DEPARTMENT_TEXTS, where),
                position=self.number(entry, "position", where, LARGE),
            )
            for where, entry in self.entries(data, "departments", {"slug", "position"})
        )
        documents = tuple(
            DocumentEntry(name=texts["name"].get("de", ""), texts=texts)
            for where, entry in self.entries(data, "documents", set())
            for texts in [self.texts(entry, DOCUMENT_TEXTS, where)]
        )
        services = tuple(
            self.service(where, entry)
            for where, entry in self.entries(data, "services", SERVICE_KEYS)
        )
        self.unique("locations", locations)
        self.unique("departments", [entry.slug for entry in departments])
        self.unique("documents", [entry.name for entry in documents])
        self.unique("services", [entry.slug for entry in services])
        self.references(locations, departments, documents, services)
        return Catalogue(locations, departments, documents, services)

    def service(self, where: str, entry: dict) -> ServiceEntry:
        values: dict[str, Any] = {name: self.text(entry, name, where) for name in SERVICE_STRINGS}
        for name, high in SERVICE_NUMBERS.items():
            values[name] = self.number(entry, name, where, high)
        values["fee"] = self.amount(entry, "fee", where)
        values["position"] = self.number(entry, "position", where, LARGE)
        values["active"] = self.boolean(entry, "active", where)
        rules = []
        for index, rule in enumerate(self.array(entry, "documents", where)):
            at = f"{where}.documents[{index}]"
            if not isinstance(rule, dict):
                self.problem(at, _("expected an object"))
                continue
            self.keys(rule, at, {"document", "rule", "position"})
            rules.append(
                RuleEntry(
                    document=self.text(rule, "document", at),
                    rule=self.text(rule, "rule", at),
                    position=self.number(rule, "position", at, LARGE),
                )
            )
        for rule in rules:
            if rule.rule not in ServiceDocument.Rule.values:
                self.problem(
                    f"{where}.documents",
                    _("unknown quantity rule “%(rule)s”") % {"rule": rule.rule},
                )
        self.unique(f"{where}.documents", [rule.document for rule in rules])
        offered_at = tuple(self.strings(entry, "offered_at", f"{where}.offered_at"))
        self.unique(f"{where}.offered_at", offered_at)
        return ServiceEntry(
            slug=self.text(entry, "slug", where),
            department=self.text(entry, "department", where),
            texts=self.texts(entry, SERVICE_TEXTS, where),
            values=values,
            documents=tuple(rules),
            offered_at=offered_at,
        )

    def references(self, locations, departments, documents, services) -> None:
        known_departments = {entry.slug for entry in departments}
        known_documents = {entry.name for entry in documents}
        known_locations = set(locations)
        for entry in services:
            where = f"services {entry.slug}"
            if entry.department not in known_departments:
                self.problem(
                    where,
                    _("names department “%(slug)s”, which the file does not contain")
                    % {"slug": entry.department},
                )
            for rule in entry.documents:
                if rule.document not in known_documents:
                    self.problem(
                        where,
                        _("names document “%(name)s”, which the file does not contain")
                        % {"name": rule.document},
                    )
            for slug in entry.offered_at:
                if slug not in known_locations:
                    self.problem(
                        where,
                        _("is offered at “%(slug)s”, which the file's locations do not list")
                        % {"slug": slug},
                    )

    # Parts of an entry -----------------------------------------------------------------------

    def entries(self, data: dict, name: str, keys: set[str]) -> list[tuple[str, dict]]:
        found = []
        for index, entry in enumerate(self.array(data, name, name)):
            where = f"{name}[{index}]"
            if not isinstance(entry, dict):
                self.problem(where, _("expected an object"))
                continue
            self.keys(entry, where, keys | set(TEXTS[name]))
            found.append((where, entry))
        return found

    def keys(self, entry: dict, where: str, allowed: set[str]) -> None:
        # An unknown key is most likely a typing error that would otherwise be dropped silently.
        unknown = sorted(str(key)[:40] for key in entry if key not in allowed)
        if unknown:
            self.problem(
                where or "file", _("unknown fields: %(names)s") % {"names": ", ".join(unknown)}
            )

    def array(self, entry: dict, name: str, where: str) -> list:
        value = entry.get(name)
        if not isinstance(value, list):
            self.problem(where, _("expected a list"))
            return []
        return value

    def text(self, entry: dict, name: str, where: str) -> str:
        value = entry.get(name)
        if not isinstance(value, str):
            self.problem(f"{where}.{name}", _("expected text"))
            return ""
        if has_nul(value):
            self.problem(f"{where}.{name}", _("contains a NUL character"))
            return ""
        return value

    def strings(self, entry: dict, name: str, where: str) -> list[str]:
        found = []
        for index, value in enumerate(self.array(entry, name, where)):
            if not isinstance(value, str) or has_nul(value):
                self.problem(f"{where}[{index}]", _("expected text"))
            else:
                found.append(value)
        return found

    def texts(self, entry: dict, names: tuple[str, ...], where: str) -> dict[str, Texts]:
        found: dict[str, Texts] = {}
        for name in names:
            value = entry.get(name, {})
            if not isinstance(value, dict):
                self.problem(f"{where}.{name}", _("expected an object of language codes"))
                value = {}
            found[name] = {}
            for code, text in value.items():
                if code not in languages():
                    self.problem(
                        f"{where}.{name}", _("unknown language “%(code)s”") % {"code": code[:20]}
                    )
                elif not isinstance(text, str) or has_nul(text):
                    self.problem(f"{where}.{name}.{code}", _("expected text"))
                else:
                    found[name][code] = text
        if not found["name"].get("de", "").strip():
            self.problem(f"{where}.name", _("the German name is required"))
        return found

    def number(self, entry: dict, name: str, where: str, high: int) -> int:
        value = entry.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            self.problem(
                f"{where}.{name}", _("expected a whole number from 0 to %(high)d") % {"high": high}
            )
            return 0
        return value

    def amount(self, entry: dict, name: str, where: str) -> Decimal:
        value = entry.get(name)
        try:
            if not isinstance(value, str) or len(value) > 20:
                raise InvalidOperation
            amount = Decimal(value)
            if not amount.is_finite() or amount < 0:
                raise InvalidOperation
        except InvalidOperation:
            self.problem(f"{where}.{name}", _("expected an amount in euros such as “46.00”"))
            return Decimal("0.00")
        return amount

    def boolean(self, entry: dict, name: str, where: str) -> bool:
        value = entry.get(name)
        if not isinstance(value, bool):
            self.problem(f"{where}.{name}", _("expected true or false"))
            return False
        return value

    def unique(self, where: str, keys) -> None:
        seen: set[str] = set()
        for key in keys:
            if key in seen:
                self.problem(where, _("“%(key)s” appears more than once") % {"key": key[:80]})
            seen.add(key)
