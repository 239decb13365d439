"""Write the catalogue of this database as the file's dict (docs/catalogue.md)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext as _

from ..models import Department, Document, Location, Service
from .shape import (
    DEPARTMENT_TEXTS,
    DOCUMENT_TEXTS,
    FORMAT,
    SERVICE_NUMBERS,
    SERVICE_STRINGS,
    SERVICE_TEXTS,
    VERSION,
    CatalogueError,
    column,
    languages,
)


def export() -> dict[str, Any]:
    """The whole catalogue as a JSON-ready dict; raises CatalogueError when two documents share
    a German name, the key an import matches documents by."""
    documents = list(Document.objects.order_by("name_de", "pk"))
    named: dict[str, int] = {}
    for document in documents:
        named[german_name(document)] = named.get(german_name(document), 0) + 1
    twice = sorted(name for name, count in named.items() if count > 1)
    if twice:
        raise CatalogueError(
            [
                _("%(count)d documents are named “%(name)s”; give each its own German name.")
                % {"count": named[name], "name": name}
                for name in twice
            ]
        )
    services = (
        Service.objects.select_related("department")
        .prefetch_related("locations", "document_rules__document")
        .order_by("department__position", "department__slug", "position", "slug")
    )
    return {
        "format": FORMAT,
        "version": VERSION,
        "locations": list(Location.objects.order_by("slug").values_list("slug", flat=True)),
        "departments": [
            {
                "slug": department.slug,
                **_texts_of(department, DEPARTMENT_TEXTS),
                "position": department.position,
            }
            for department in Department.objects.order_by("position", "slug")
        ],
        "documents": [_texts_of(document, DOCUMENT_TEXTS) for document in documents],
        "services": [_service(service) for service in services],
    }


def german_name(document: Document) -> str:
    return getattr(document, column("name", "de")) or ""


def _service(service: Service) -> dict[str, Any]:
    return {
        "slug": service.slug,
        "department": service.department.slug,
        **_texts_of(service, SERVICE_TEXTS),
        **{name: getattr(service, name) for name in SERVICE_STRINGS},
        **{name: getattr(service, name) for name in SERVICE_NUMBERS},
        "fee": str(service.fee),
        "position": service.position,
        "active": service.active,
        "documents": [
            {"document": german_name(rule.document), "rule": rule.rule, "position": rule.position}
            for rule in sorted(service.document_rules.all(), key=lambda rule: rule.position)
        ],
        "offered_at": sorted(location.slug for location in service.locations.all()),
    }


def _texts_of(row: models.Model, names: tuple[str, ...]) -> dict[str, dict[str, str]]:
    # Empty languages left out: the file stays readable, and an import reads them as empty.
    return {
        name: {
            code: text for code in languages() if (text := getattr(row, column(name, code)) or "")
        }
        for name in names
    }
