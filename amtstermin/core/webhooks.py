"""Webhooks: tell a department's systems what happened, signed, at least once per event.

The core writers call emit() where they record an event (booking._record, visits._set_status,
online_requests._record), inside their transaction: one WebhookDelivery row per subscribed
endpoint and its delivery task (core/webhook_tasks.py) commit with the change, or neither does.
Without endpoints an event costs one indexed query.

Bodies carry no name, address, email or phone: a receiver that needs the person's details asks
the staff API with its key, whose scope and audit apply there. Names of services and locations
are German, the catalogue's main language, whatever language the page that caused it spoke.
"""

import json
import secrets
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import translation

from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentItem,
    OnlineRequest,
    Service,
    Status,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from .transactions import require_transaction
from .webhook_tasks import deliver_webhook

# The appointment history's kinds that are webhook events. A hold is reported once confirmed
# ("booked"); until then it is nobody's business outside the booking system.
APPOINTMENT_EVENTS: dict[str, str] = {
    AppointmentEvent.Kind.BOOKED: WebhookEvent.APPOINTMENT_BOOKED,
    AppointmentEvent.Kind.CONFIRMED: WebhookEvent.APPOINTMENT_BOOKED,
    AppointmentEvent.Kind.RESCHEDULED: WebhookEvent.APPOINTMENT_MOVED,
    AppointmentEvent.Kind.CANCELLED: WebhookEvent.APPOINTMENT_CANCELLED,
    AppointmentEvent.Kind.NO_SHOW: WebhookEvent.APPOINTMENT_NO_SHOW,
}
# The statuses the waiting area gives an appointment (visits.py) that are webhook events.
VISIT_EVENTS: dict[str, str] = {
    Status.CHECKED_IN: WebhookEvent.APPOINTMENT_CHECKED_IN,
    Status.DONE: WebhookEvent.APPOINTMENT_DONE,
    Status.NO_SHOW: WebhookEvent.APPOINTMENT_NO_SHOW,
}
REQUEST_EVENTS: dict[str, str] = {
    OnlineRequest.Status.SUBMITTED: WebhookEvent.REQUEST_SUBMITTED,
    OnlineRequest.Status.ANSWERED: WebhookEvent.REQUEST_ANSWERED,
    OnlineRequest.Status.REJECTED: WebhookEvent.REQUEST_REJECTED,
}
# A delivery due this long ago that no run has taken lost its task (a killed worker); shorter
# than the worker's own re-queue of dead tasks (outbox.STALE_AFTER) would only race it.
OVERDUE = timedelta(minutes=5)
RESEND_BATCH = 500
# The delivery log keeps finished deliveries this long: enough to answer "did the registration
# software get it?" a month later. Bodies hold no personal data.
KEEP_LOG = timedelta(days=30)


def emit(event: str, subject: Appointment | OnlineRequest, *, now: datetime) -> int:
    """Queue `event` (a WebhookEvent) about `subject` for every active endpoint of a department
    whose service it contains and that subscribed to it; returns how many. Call it inside the
    transaction that records the event."""
    if isinstance(subject, Appointment):
        if subject.status == Status.RESERVED:
            return 0  # a hold moved before its confirmation (see APPOINTMENT_EVENTS)
        services = Service.objects.filter(
            pk__in=AppointmentItem.objects.filter(appointment_id=subject.pk).values("service_id")
        )
    else:
        services = Service.objects.filter(pk=subject.service_id)
    endpoints = [
        endpoint
        for endpoint in WebhookEndpoint.objects.filter(
            active=True, department_id__in=services.values("department_id")
        )
        if event in endpoint.events
    ]
    if not endpoints or not _was_announced(subject):
        return 0
    require_transaction()  # the delivery rows and tasks commit with the event, or not at all
    event_id = new_event_id()
    with translation.override(settings.LANGUAGE_CODE):
        if isinstance(subject, Appointment):
            bodies = _appointment_bodies(subject, endpoints)
        else:
            bodies = dict.fromkeys(
                {endpoint.department_id for endpoint in endpoints}, _request_data(subject)
            )
    for endpoint in endpoints:
        payload = {"type": event, "timestamp": _iso(now), "data": bodies[endpoint.department_id]}
        delivery = WebhookDelivery.objects.create(
            endpoint=endpoint,
            event_id=event_id,
            event_type=event,
            payload=json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
            created_at=now,
            next_attempt_at=now,
        )
        deliver_webhook.enqueue(delivery_id=delivery.pk)
    return len(endpoints)


def _was_announced(subject: Appointment | OnlineRequest) -> bool:
    """Whether receivers heard of `subject`: a hold cancelled or lapsed before its confirmation
    was never "booked" for them, so its end is no news either."""
    if not isinstance(subject, Appointment):
        return True
    announced = (AppointmentEvent.Kind.BOOKED, AppointmentEvent.Kind.CONFIRMED)
    return subject.events.filter(kind__in=announced).exists()


def new_event_id() -> str:
    return "evt_" + secrets.token_urlsafe(18)


def send_again(*, deliveries: Iterable[WebhookDelivery], now: datetime) -> int:
    """Deliver again now, with a fresh set of attempts, under the same id (an administrator's
    "send again", e.g. after a receiver was down longer than the retries last); returns how
    many were queued."""
    count = 0
    with transaction.atomic():
        for delivery in deliveries:
            WebhookDelivery.objects.filter(pk=delivery.pk).update(
                next_attempt_at=now, attempts=0, delivered_at=None, given_up_at=None
            )
            deliver_webhook.enqueue(delivery_id=delivery.pk)
            count += 1
    return count


def resend_overdue(*, now: datetime) -> int:
    """Queue again deliveries overdue by OVERDUE: their task died with a killed worker; returns
    how many. The minute job (core/upkeep.py) calls it; a second send is harmless (the id)."""
    overdue = WebhookDelivery.objects.pending().filter(next_attempt_at__lte=now - OVERDUE)
    count = 0
    for pk in overdue.order_by("next_attempt_at").values_list("pk", flat=True)[:RESEND_BATCH]:
        with transaction.atomic():
            # Due now, so the next minute's run does not queue it once more meanwhile.
            if overdue.filter(pk=pk).update(next_attempt_at=now):
                deliver_webhook.enqueue(delivery_id=pk)
                count += 1
    return count


def purge_log(*, now: datetime) -> int:
    """Delete finished deliveries older than KEEP_LOG; returns how many."""
    old = WebhookDelivery.objects.filter(created_at__lt=now - KEEP_LOG, next_attempt_at=None)
    deleted, _by_model = old.delete()
    return deleted


def _appointment_bodies(appointment: Appointment, endpoints) -> dict[int, dict]:
    """The event's data for each department: only the services that are its own."""
    items = list(
        AppointmentItem.objects.filter(appointment_id=appointment.pk)
        .select_related("service")
        .order_by("pk")
    )
    location = appointment.location
    common = {
        "reference": appointment.reference,
        "location": {"id": location.pk, "name": location.name},
        "start": _iso(appointment.start),
        "end": _iso(appointment.end),
        "status": appointment.status,
        "channel": appointment.channel,
    }
    return {
        department_id: {
            **common,
            "services": [
                {
                    "id": item.service_id,
                    "leika_key": item.service.leika_key,
                    "name": item.service.name,
                    "quantity": item.quantity,
                }
                for item in items
                if item.service.department_id == department_id
            ],
        }
        for department_id in {endpoint.department_id for endpoint in endpoints}
    }


def _request_data(request: OnlineRequest) -> dict:
    service = request.service
    return {
        "reference": request.reference,
        "kind": request.kind,
        "status": request.status,
        "service": {"id": service.pk, "leika_key": service.leika_key, "name": service.name},
        "created_at": _iso(request.created_at),
        "updated_at": _iso(request.updated_at),
    }


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
