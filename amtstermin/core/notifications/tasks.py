"""The mail tasks: enqueued in the transaction that causes them (the task table is the outbox),
run by the worker, each mail sent once (its Message-ID) and retried while SMTP fails."""

from datetime import datetime

from django.utils import timezone
from django_tasks import task

from .. import outbox
from ..models import Appointment
from ..transactions import require_transaction
from . import mail, request_mail, wish_mail
from .events import MailEvent
from .reminders import reminder_due


@task()
def send_appointment_mail(
    *, appointment_id: int, event: str, attempt: int = 1, sequence: int | None = None
) -> None:
    """Send the email for `event` (a MailEvent value) of an appointment, once.

    With `sequence`, only while the appointment is still that version: a reminder scheduled
    before a move or a cancellation does nothing.
    """
    outbox.deliver_or_retry(
        send_appointment_mail,
        lambda: mail.deliver(
            appointment_id=appointment_id,
            event=MailEvent(event),
            now=timezone.now(),
            sequence=sequence,
        ),
        what=f"Mail {event} for appointment {appointment_id}",
        attempt=attempt,
        arguments={"appointment_id": appointment_id, "event": event, "sequence": sequence},
    )


@task()
def send_manage_link_mail(
    *, reference: str, address_digest: str, window: int, attempt: int = 1
) -> None:
    """Mail a fresh manage link if the reference and address match (mail.deliver_manage_link)."""
    outbox.deliver_or_retry(
        send_manage_link_mail,
        lambda: mail.deliver_manage_link(
            reference=reference, address_digest=address_digest, window=window, now=timezone.now()
        ),
        what=f"Manage link for {reference}",
        attempt=attempt,
        arguments={"reference": reference, "address_digest": address_digest, "window": window},
    )


@task()
def send_online_request_mail(*, request_id: int, event: str, attempt: int = 1) -> None:
    """Send the email for `event` (the status it reports) of an online request, once."""
    outbox.deliver_or_retry(
        send_online_request_mail,
        lambda: request_mail.deliver(request_id=request_id, event=event, now=timezone.now()),
        what=f"Mail {event} for online request {request_id}",
        attempt=attempt,
        arguments={"request_id": request_id, "event": event},
    )


@task()
def send_wish_mail(
    *, wish_id: int, event: str, offer_id: int | None = None, attempt: int = 1
) -> None:
    """Send a wish-list mail (the mailbox check, an offer) once (notifications/wish_mail.py)."""
    outbox.deliver_or_retry(
        send_wish_mail,
        lambda: wish_mail.deliver(
            wish_id=wish_id, event=event, offer_id=offer_id, now=timezone.now()
        ),
        what=f"Wish mail {event} for wish {wish_id}",
        attempt=attempt,
        arguments={"wish_id": wish_id, "event": event, "offer_id": offer_id},
    )


def schedule_reminder(appointment: Appointment, *, now: datetime) -> datetime | None:
    """Enqueue the reminder inside the caller's transaction; returns when it is due, or None."""
    require_transaction()
    due = reminder_due(appointment, now=now)
    # A backend that cannot defer (the immediate one in tests) would remind at booking time.
    if due is None or not send_appointment_mail.get_backend().supports_defer:
        return None
    send_appointment_mail.using(run_after=due).enqueue(
        appointment_id=appointment.pk, event=MailEvent.REMINDER, sequence=appointment.sequence
    )
    return due
