"""Bring this database's catalogue in line with a file read by reading.read().

First every row is found by its key and given the file's values in memory, and checked by the
model's own rules (full_clean: lengths, choices, the LeiKa key, an online form only for online
services); only when nothing is wrong is anything written, all in one transaction.
"""

from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from ..models import Department, Document, Location, Service, ServiceDocument
from .exporting import german_name
from .reading import Catalogue, ServiceEntry
from .shape import CatalogueError, columns


@dataclass
class Tally:
    """What an import does to one kind of row, by key."""

    created: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)  # key, fields
    unchanged: int = 0

    def note(self, key: str, *, created: bool, fields: list[str]) -> None:
        if created:
            self.created.append(key)
        elif fields:
            self.changed.append((key, fields))
        else:
            self.unchanged += 1


@dataclass
class Report:
    departments: Tally = field(default_factory=Tally)
    documents: Tally = field(default_factory=Tally)
    services: Tally = field(default_factory=Tally)
    # In this database but not in the file: kept, never deleted by an import.
    not_in_file: dict[str, list[str]] = field(default_factory=dict)
    # (service, location): offered in the file at a location this database does not have.
    skipped_offers: list[tuple[str, str]] = field(default_factory=list)
    # Locations here the file does not know: their offers are left as they are.
    other_locations: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def changes(self) -> int:
        tallies = (self.departments, self.documents, self.services)
        return sum(len(tally.created) + len(tally.changed) for tally in tallies)


@dataclass
class _Service:
    row: Service
    created: bool
    fields: list[str]  # changed columns
    rules: dict[str, tuple[str, int]] | None  # document → (rule, position); None: unchanged
    add: list[Location]
    remove: list[Location]


def import_catalogue(catalogue: Catalogue, *, dry_run: bool) -> Report:
    """Create and update departments, documents and services as `catalogue` says; with
    `dry_run` only report what would change. Raises CatalogueError, writing nothing, when a
    row would break a model rule."""
    # A dry run reads outside a transaction: on SQLite (IMMEDIATE) one would lock out writers.
    with nullcontext() if dry_run else transaction.atomic():
        plan = _Plan(catalogue)
        if plan.problems:
            raise CatalogueError(plan.problems)
        if not dry_run:
            plan.apply()
    plan.report.written = not dry_run
    return plan.report


class _Plan:
    def __init__(self, catalogue: Catalogue) -> None:
        self.problems: list[str] = []
        self.report = Report()
        self.locations = {row.slug: row for row in Location.objects.all()}
        managed = set(catalogue.locations) & set(self.locations)
        self.report.other_locations = sorted(set(self.locations) - set(catalogue.locations))
        self.departments = self._departments(catalogue)
        self.documents = self._documents(catalogue)
        self.services = self._services(catalogue, managed)

    def _departments(self, catalogue: Catalogue) -> dict[str, tuple[Department, list[str]]]:
        existing = {row.slug: row for row in Department.objects.all()}
        planned = {}
        for entry in catalogue.departments:
            row = existing.get(entry.slug) or Department(slug=entry.slug)
            changed = _assign(row, {**columns(entry.texts), "position": entry.position})
            self._check(row, f"departments {entry.slug}")
            self.report.departments.note(entry.slug, created=row._state.adding, fields=changed)
            planned[entry.slug] = (row, changed)
        self.report.not_in_file["departments"] = sorted(set(existing) - set(planned))
        return planned

    def _documents(self, catalogue: Catalogue) -> dict[str, tuple[Document, list[str]]]:
        existing: dict[str, list[Document]] = {}
        for row in Document.objects.order_by("pk"):
            existing.setdefault(german_name(row), []).append(row)
        planned = {}
        for entry in catalogue.documents:
            found = existing.get(entry.name, [])
            if len(found) > 1:
                self.problems.append(
                    f"documents {entry.name}: "
                    + _("%(count)d documents in this database have this German name; rename one")
                    % {"count": len(found)}
                )
            row = found[0] if found else Document()
            changed = _assign(row, columns(entry.texts))
            self._check(row, f"documents {entry.name}")
            self.report.documents.note(entry.name, created=row._state.adding, fields=changed)
            planned[entry.name] = (row, changed)
        self.report.not_in_file["documents"] = sorted(set(existing) - set(planned))
        return planned

    def _services(self, catalogue: Catalogue, managed: set[str]) -> list[_Service]:
        existing = {
            row.slug: row
            for row in Service.objects.select_related("department").prefetch_related(
                "locations", "document_rules__document"
            )
        }
        planned = []
        for entry in catalogue.services:
            row = existing.get(entry.slug) or Service(slug=entry.slug)
            planned.append(self._service(entry, row, managed))
        self.report.not_in_file["services"] = sorted(
            set(existing) - {entry.slug for entry in catalogue.services}
        )
        return planned

    def _service(self, entry: ServiceEntry, row: Service, managed: set[str]) -> _Service:
        created = row._state.adding
        department = self.departments[entry.department][0]
        changed = _assign(row, {**columns(entry.texts), **entry.values})
        if created or row.department.slug != department.slug:
            row.department = department  # saved before the service (apply)
            changed.append("department")
        # The department may be new, unsaved: it exists by the time the service is saved.
        self._check(row, f"services {entry.slug}", exclude=["department"])

        wanted = {rule.document: (rule.rule, rule.position) for rule in entry.documents}
        current = {} if created else _rules_of(row)
        rules = wanted if wanted != current else None
        if rules is not None:
            changed.append("documents")

        offered = {slug for slug in entry.offered_at if slug in self.locations}
        self.report.skipped_offers += [
            (entry.slug, slug) for slug in entry.offered_at if slug not in self.locations
        ]
        before = set() if created else {place.slug for place in row.locations.all()} & managed
        if offered != before:
            changed.append("offered_at")
        self.report.services.note(entry.slug, created=created, fields=changed)
        return _Service(
            row=row,
            created=created,
            fields=changed,
            rules=rules,
            add=[self.locations[slug] for slug in sorted(offered - before)],
            remove=[self.locations[slug] for slug in sorted(before - offered)],
        )

    def _check(self, row: models.Model, where: str, exclude: list[str] | None = None) -> None:
        try:
            row.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                at = where if name == NON_FIELD_ERRORS else f"{where}.{name}"
                self.problems.append(f"{at}: {' '.join(messages)}")

    def apply(self) -> None:
        for row, changed in [*self.departments.values(), *self.documents.values()]:
            if row._state.adding or changed:
                row.save()
        for service in self.services:
            if service.created or set(service.fields) - {"documents", "offered_at"}:
                # Through save(): core/signals.py bumps the locations offering it.
                service.row.save()
            if service.rules is not None:
                self._set_rules(service.row, service.rules)
                if not service.created:
                    # The admin saves the service with its documents inline, which bumps too.
                    Location.bump_versions(Location.objects.filter(services=service.row))
            # Through the relation: the m2m signal bumps every location added or removed.
            if service.remove:
                service.row.locations.remove(*service.remove)
            if service.add:
                service.row.locations.add(*service.add)

    def _set_rules(self, service: Service, rules: dict[str, tuple[str, int]]) -> None:
        documents = {name: self.documents[name][0] for name in rules}
        service.document_rules.exclude(document__in=list(documents.values())).delete()
        for name, (rule, position) in rules.items():
            ServiceDocument.objects.update_or_create(
                service=service,
                document=documents[name],
                defaults={"rule": rule, "position": position},
            )


def _rules_of(service: Service) -> dict[str, tuple[str, int]]:
    return {
        german_name(rule.document): (rule.rule, rule.position)
        for rule in service.document_rules.all()
    }


def _assign(row: models.Model, values: dict[str, Any]) -> list[str]:
    """Set the values that differ on `row` (in memory); the names of those set. An empty
    translation and a missing one (NULL) are the same."""
    changed = []
    for name, value in values.items():
        current = getattr(row, name)
        if current is None and value == "":
            continue
        if current != value:
            setattr(row, name, value)
            changed.append(name)
    return changed
