"""Services and locations: what can be booked where, with LeiKa keys, documents and fees."""

from django.db.models import Prefetch
from django.http import Http404
from ninja import Router, Schema

from amtstermin.core.models import Location, Service, ServiceDocument

from .problems import Problem

router = Router(tags=["catalogue"])


class DepartmentOut(Schema):
    id: int
    name: str


class DocumentOut(Schema):
    name: str
    note: str
    # "per_unit": one for each unit booked (one photo per ID card); "once": one per appointment.
    rule: str


class ServiceOut(Schema):
    id: int
    slug: str
    name: str
    description: str
    department: DepartmentOut
    # "appointment", "online_request" (done without a visit) or "external_link" (elsewhere).
    mode: str
    leika_key: str | None
    duration_minutes: int
    additional_minutes: int
    max_quantity: int
    fee: str  # EUR per unit, as a decimal string ("37.00")
    fee_note: str
    external_url: str | None
    request_kind: str | None
    documents: list[DocumentOut]
    locations: list[int]


class LocationOut(Schema):
    id: int
    slug: str
    name: str
    street: str
    postcode: str
    city: str
    time_zone: str
    slot_minutes: int
    horizon_days: int
    min_notice_minutes: int
    requires_email_confirmation: bool
    # Any combination of these services can be booked as one appointment here, each up to its
    # max_quantity.
    services: list[int]


def services_out(services) -> list[dict]:
    return [
        {
            "id": service.pk,
            "slug": service.slug,
            "name": service.name,
            "description": service.description,
            "department": {"id": service.department.pk, "name": service.department.name},
            "mode": service.mode,
            "leika_key": service.leika_key or None,
            "duration_minutes": service.duration_minutes,
            "additional_minutes": service.additional_minutes,
            "max_quantity": service.max_quantity,
            "fee": str(service.fee),
            "fee_note": service.fee_note,
            "external_url": service.external_url or None,
            "request_kind": service.request_kind or None,
            "documents": [
                {"name": rule.document.name, "note": rule.document.note, "rule": rule.rule}
                for rule in service.document_rules.all()
            ],
            "locations": sorted(location.pk for location in service.locations.all()),
        }
        for service in services
    ]


def _services():
    rules = ServiceDocument.objects.select_related("document").order_by("position", "pk")
    return (
        Service.objects.filter(active=True)
        .select_related("department")
        .prefetch_related(Prefetch("document_rules", queryset=rules), "locations")
        .order_by("department__position", "position", "name")
    )


@router.get("/services", response=list[ServiceOut], summary="All active services")
def services(request):
    return services_out(_services())


@router.get(
    "/services/{service_id}",
    response={200: ServiceOut, 404: Problem},
    summary="One active service",
)
def service(request, service_id: int):
    found = services_out(_services().filter(pk=service_id)) if service_id < 2**63 else []
    if not found:
        raise Http404
    return found[0]


def _location(location: Location) -> dict:
    return {
        "id": location.pk,
        "slug": location.slug,
        "name": location.name,
        "street": location.street,
        "postcode": location.postcode,
        "city": location.city,
        "time_zone": location.time_zone,
        "slot_minutes": location.slot_minutes,
        "horizon_days": location.horizon_days,
        "min_notice_minutes": location.min_notice_minutes,
        "requires_email_confirmation": location.requires_email_confirmation,
        "services": sorted(service.pk for service in location.services.all()),
    }


def _locations():
    bookable = Prefetch("services", queryset=Service.objects.bookable())
    return Location.objects.prefetch_related(bookable).order_by("name")


@router.get("/locations", response=list[LocationOut], summary="All locations and their services")
def locations(request):
    return [_location(location) for location in _locations()]


@router.get(
    "/locations/{location_id}",
    response={200: LocationOut, 404: Problem},
    summary="One location",
)
def location(request, location_id: int):
    found = _locations().filter(pk=location_id).first() if location_id < 2**63 else None
    if found is None:
        raise Http404
    return _location(found)
