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
def send_appointment_mail(*, appointment_id: int, event: str, attempt: int = 1) -> None:
    """Send the email for `event` (a MailEvent value) of an appointment, once.

    When the SMTP server fails, the task enqueues its next attempt with a growing delay and ends
    successfully; after the last attempt it raises, so the task shows as failed in the admin.
    """
    # booking.py imports this module to enqueue the task; the mail module needs booking back.
    from .notifications import mail

    try:
        mail.deliver(appointment_id=appointment_id, event=MailEvent(event), now=timezone.now())
    except OSError as error:  # smtplib.SMTPException is an OSError, as are refused connections
        # A backend that cannot defer (the immediate one in tests) has no later to retry at.
        backend = send_appointment_mail.get_backend()
        if attempt >= MAIL_ATTEMPTS or not backend.supports_defer:
            logger.error(
                "Mail %s for appointment %s failed for good (attempt %s of %s): %s",
                event,
                appointment_id,
                attempt,
                MAIL_ATTEMPTS,
                _reason(error),
            )
            raise
        run_after = timezone.now() + mail_retry_delay(attempt)
        logger.warning(
            "Mail %s for appointment %s failed (attempt %s of %s), retrying at %s: %s",
            event,
            appointment_id,
            attempt,
            MAIL_ATTEMPTS,
            run_after.isoformat(),
            _reason(error),
        )
        send_appointment_mail.using(run_after=run_after).enqueue(
            appointment_id=appointment_id, event=event, attempt=attempt + 1
        )


def _reason(error: OSError) -> str:
    """What went wrong, for the log, without the citizen's address that some errors carry."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = ", ".join(str(code) for code, _message in error.recipients.values())
        return f"recipient refused ({codes})"
    return repr(error)
