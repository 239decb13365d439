"""The staff API: day plan, appointments (find, move, cancel), check-in, call next, finish,
walk-in tickets and the online-request queue, for other systems with an API key.

Each call acts as the key's staff member: the same core writers as the office's pages, the
same scope checks (a key of one department sees nothing of another), and the history names the
key. Anything outside the key's scope answers 404, as if it did not exist.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema, Status
from pydantic import Field

from amtstermin.core import booking, inputs, online_requests, staff_scope, visits
from amtstermin.core.errors import OutsideHorizon
from amtstermin.core.models import (
    Appointment,
    Channel,
    Counter,
    Location,
    OnlineRequest,
    StaffMember,
    Visit,
)

from . import fields, requested
from .keys import KeyAuth, reader, writer
from .problems import Problem

router = Router(tags=["staff"], auth=KeyAuth())

ERRORS = {401: Problem, 403: Problem, 404: Problem, 422: Problem}
DAY = Query(..., description="The location's local day, ISO 8601.", max_length=10)


class StaffItemOut(Schema):
    service: int
    name: str
    quantity: int


class StaffAppointmentOut(Schema):
    reference: str
    location: int
    status: str
    channel: str
    start: str
    end: str
    waiting_number: str
    clerk: str | None
    name: str
    phone: str
    items: list[StaffItemOut]


class VisitOut(Schema):
    id: int
    location: int
    waiting_number: str
    state: str
    kind: str
    counter: str | None
    appointment: str | None  # its reference


class MoveIn(Schema):
    start: fields.Instant


class CancelIn(Schema):
    reason: fields.text(500) = ""  # type: ignore[valid-type]


class WalkInItem(Schema):
    service: fields.Id
    quantity: fields.Quantity = 1


class WalkInIn(Schema):
    items: list[WalkInItem] = Field(min_length=1, max_length=requested.MOST_ITEMS)
    # Let in although the location is closed (someone in the door just before closing).
    despite_closed: bool = False


class CallIn(Schema):
    clerk: fields.Id  # the staff member at the counter; their skills choose whom to call


class RequestQueueOut(Schema):
    reference: str
    service: int
    status: str
    created_at: str
    claimed_by: str | None


def _appointment_out(appointment: Appointment) -> dict:
    return {
        "reference": appointment.reference,
        "location": appointment.location_id,
        "status": appointment.status,
        "channel": appointment.channel,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "waiting_number": appointment.waiting_number,
        "clerk": appointment.staff.name if appointment.staff else None,
        "name": appointment.name,
        "phone": appointment.phone,
        "items": [
            {"service": row.service_id, "name": row.service.name, "quantity": row.quantity}
            for row in appointment.items.all()
        ],
    }


def _visit_out(visit: Visit) -> dict:
    return {
        "id": visit.pk,
        "location": visit.location_id,
        "waiting_number": visit.waiting_number,
        "state": visit.state,
        "kind": visit.kind,
        "counter": visit.counter.name if visit.counter else None,
        "appointment": visit.appointment.reference if visit.appointment else None,
    }


def _location(staff: StaffMember, location_id: int) -> Location:
    found = staff_scope.visible_locations(staff).filter(pk=requested.bounded_id(location_id) or 0)
    location = found.first()
    if location is None:
        raise Http404
    return location


def _appointments(staff: StaffMember):
    return staff_scope.scope_appointments(
        Appointment.objects.select_related("staff", "location").prefetch_related("items__service"),
        staff,
    )


def _seen(staff: StaffMember, reference: str) -> Appointment:
    """The appointment with this reference the key may see; 404 otherwise."""
    appointment = _appointments(staff).filter(reference=reference[:12].upper()).first()
    if appointment is None:
        raise Http404
    return appointment


def _changeable(staff: StaffMember, reference: str) -> Appointment:
    """An appointment the key sees and may change; 404 if unseen, 403 if seen but not its own."""
    appointment = _seen(staff, reference)
    if not staff_scope.may_change(staff, appointment):
        raise PermissionDenied
    return appointment


def _visit(staff: StaffMember, visit_id: int) -> Visit:
    found = staff_scope.scope_visits(Visit.objects.all(), staff)
    visit = (
        found.select_related("counter", "appointment")
        .filter(pk=requested.bounded_id(visit_id) or 0)
        .first()
    )
    if visit is None:
        raise Http404
    return visit


@router.get(
    "/staff/locations/{location_id}/appointments",
    response={200: list[StaffAppointmentOut], **ERRORS},
    summary="The day plan: a location's appointments on one day",
)
def day_plan(request, location_id: int, date: str = DAY):
    staff = reader(request)
    location = _location(staff, location_id)
    day = inputs.parse_date(date)
    if day is None:
        raise OutsideHorizon()
    found = _appointments(staff).filter(
        location=location,
        start__gte=location.local_day_start(day),
        start__lt=location.local_day_start(day + timedelta(days=1)),
    )
    return [_appointment_out(appointment) for appointment in found.order_by("start", "pk")]


@router.get(
    "/staff/appointments/{reference}",
    response={200: StaffAppointmentOut, **ERRORS},
    summary="Find an appointment by its reference number",
)
def find(request, reference: str):
    return _appointment_out(_seen(reader(request), reference))


@router.post(
    "/staff/appointments/{reference}/reschedule",
    response={200: StaffAppointmentOut, 409: Problem, **ERRORS},
    summary="Move an appointment (as the office: no minimum notice)",
)
def reschedule(request, reference: str, body: MoveIn):
    staff = writer(request)
    appointment = _changeable(staff, reference)
    booking.reschedule(
        appointment=appointment,
        start=body.start,
        now=timezone.now(),
        channel=Channel.DESK,
        actor=staff,
    )
    return _appointment_out(_appointments(staff).get(pk=appointment.pk))


@router.post(
    "/staff/appointments/{reference}/cancel",
    response={200: StaffAppointmentOut, **ERRORS},
    summary="Cancel an appointment; the reason goes into the citizen's mail",
)
def cancel(request, reference: str, body: CancelIn):
    staff = writer(request)
    appointment = _changeable(staff, reference)
    booking.cancel(
        appointment=appointment,
        now=timezone.now(),
        channel=Channel.DESK,
        actor=staff,
        reason=body.reason,
    )
    return _appointment_out(_appointments(staff).get(pk=appointment.pk))


@router.post(
    "/staff/appointments/{reference}/check-in",
    response={200: VisitOut, **ERRORS},
    summary="The citizen is here: check in, get in the queue",
)
def check_in(request, reference: str):
    staff = writer(request)
    visit = visits.check_in(_seen(staff, reference), now=timezone.now())
    return _visit_out(_visit(staff, visit.pk))


@router.post(
    "/staff/locations/{location_id}/walk-ins",
    response={201: VisitOut, **ERRORS},
    summary="A waiting number for someone without an appointment",
)
def walk_in(request, location_id: int, body: WalkInIn):
    staff = writer(request)
    location = _location(staff, location_id)
    items = requested.items([(item.service, item.quantity) for item in body.items])
    if not staff_scope.owns_services(staff, [item.service for item in items]):
        raise PermissionDenied
    visit = visits.walk_in(location, items, now=timezone.now(), despite_closed=body.despite_closed)
    return Status(201, _visit_out(_visit(staff, visit.pk)))


@router.post(
    "/staff/counters/{counter_id}/call-next",
    response={200: VisitOut | None, **ERRORS},
    summary="Call the next visitor the clerk at this counter is skilled for (null: nobody)",
)
def call_next(request, counter_id: int, body: CallIn):
    staff = writer(request)
    counters = Counter.objects.select_related("location")
    counter = counters.filter(pk=requested.bounded_id(counter_id) or 0).first()
    clerk = StaffMember.objects.filter(pk=body.clerk).first()
    if counter is None or clerk is None:
        raise Http404
    if not staff_scope.may_call_for(staff, clerk, counter.location):
        raise Http404
    called = visits.call_next(clerk, counter, now=timezone.now())
    return _visit_out(_visit(staff, called.pk)) if called else None


@router.post(
    "/staff/visits/{visit_id}/finish",
    response={200: VisitOut, **ERRORS},
    summary="The visitor at the counter is done",
)
def finish(request, visit_id: int):
    staff = writer(request)
    visit = visits.finish(_visit(staff, visit_id), now=timezone.now())
    return _visit_out(_visit(staff, visit.pk))


@router.get(
    "/staff/requests",
    response={200: list[RequestQueueOut], **ERRORS},
    summary="The online-request queue: open requests of the key's departments",
)
def request_queue(request):
    staff = reader(request)
    found = (
        OnlineRequest.objects.confirmed()
        .filter(
            service__department__in=staff_scope.visible_departments(staff),
            status__in=online_requests.OPEN,
        )
        .select_related("claimed_by")
        .order_by("created_at", "pk")[:500]
    )
    return [
        {
            "reference": found_request.reference,
            "service": found_request.service_id,
            "status": found_request.status,
            "created_at": found_request.created_at.isoformat(),
            "claimed_by": found_request.claimed_by.name if found_request.claimed_by else None,
        }
        for found_request in found
    ]
