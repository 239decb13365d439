"""Background tasks, enqueued in the transaction that causes them: the task table is the outbox."""

import logging
import smtplib
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from .notifications.events import MailEvent

logger = logging.getLogger(__name__)

# 1, 2, 4 … minutes, at most an hour apart: twelve attempts span about six hours, long enough
# to outlast a mail server's maintenance window or a restart after a full disk.
MAIL_ATTEMPTS = 12
MAIL_FIRST_DELAY = timedelta(minutes=1)
MAIL_MAX_DELAY = timedelta(hours=1)


def mail_retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    return min(MAIL_FIRST_DELAY * 2 ** (attempt - 1), MAIL_MAX_DELAY)


@task()
def send_appointment_mail(
    *, appointment_id: int, event: str, attempt: int = 1, sequence: int | None = None
) -> None:
    """Send the email for `event` (a MailEvent value) of an appointment, once.

    With `sequence`, only while the appointment is still that version: a reminder scheduled
    before a move or a cancellation does nothing.
    """
    # booking.py imports this module to enqueue the task; the mail module needs booking back.
    from .notifications import mail

    _deliver_or_retry(
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
def send_online_request_mail(*, request_id: int, event: str, attempt: int = 1) -> None:
    """Send the email for `event` (the status it reports) of an online request, once."""
    from .notifications import request_mail

    _deliver_or_retry(
        send_online_request_mail,
        lambda: request_mail.deliver(request_id=request_id, event=event, now=timezone.now()),
        what=f"Mail {event} for online request {request_id}",
        attempt=attempt,
        arguments={"request_id": request_id, "event": event},
    )


@task()
def purge_personal_data() -> dict[str, int]:
    """Remove personal data past its retention period (core/retention.py), then schedule the
    next run for tomorrow at 03:00: the task keeps itself going once
    `manage.py purge_personal_data --schedule` has started it.

    Scheduled even when the purge fails, or one database error would end the daily runs; a run
    killed with its worker is queued again by `manage.py expire_holds` (core/outbox.py), which
    also schedules a run whenever none waits.
    """
    from . import retention

    now = timezone.now()
    try:
        purged = retention.purge(now=now)
    finally:
        retention.schedule_daily(now=now)
    logger.info("Personal data purged: %s", purged)
    return purged.as_dict()


def _deliver_or_retry(mail_task, deliver, *, what: str, attempt: int, arguments: dict) -> None:
    """Run `deliver`; when the SMTP server fails, enqueue `mail_task` again with a growing delay.

    The task then ends successfully; after the last attempt it raises, so the task shows as
    failed in the admin.
    """
    try:
        deliver()
    except OSError as error:  # smtplib.SMTPException is an OSError, as are refused connections
        # A backend that cannot defer (the immediate one in tests) has no later to retry at.
        backend = mail_task.get_backend()
        if attempt >= MAIL_ATTEMPTS or not backend.supports_defer:
            logger.error(
                "%s failed for good (attempt %s of %s): %s",
                what,
                attempt,
                MAIL_ATTEMPTS,
                _reason(error),
            )
            raise
        run_after = timezone.now() + mail_retry_delay(attempt)
        logger.warning(
            "%s failed (attempt %s of %s), retrying at %s: %s",
            what,
            attempt,
            MAIL_ATTEMPTS,
            run_after.isoformat(),
            _reason(error),
        )
        mail_task.using(run_after=run_after).enqueue(**arguments, attempt=attempt + 1)


def _reason(error: OSError) -> str:
    """What went wrong, for the log, without the citizen's address that some errors carry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(str(code) for code, _message in error.recipients.values())
        return f"recipient refused ({codes})"
    return repr(error)
