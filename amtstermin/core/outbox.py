"""The outbox's rules: mail retried with backoff, and tasks whose worker died queued again.

Mail tasks (notifications/tasks.py) retry a failing SMTP server through deliver_or_retry.

`manage.py db_worker` marks a task RUNNING when it takes it and finished when it is done. A
worker killed in between (SIGKILL, the OOM killer, a power cut) leaves the task RUNNING, and no
worker ever looks at it again: its mail would be lost and a held appointment would lapse. The
worker keeps no heartbeat, so a task counts as abandoned once it has been running longer than
any task runs. The worker's minute task (core/upkeep.py) re-queues those.

Running a task a second time is safe: a mail is skipped when its Message-ID is recorded as sent
(core/notifications/mail.py), and the purge finds nothing left to purge.
"""

import logging
import smtplib
from datetime import datetime, timedelta

from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

logger = logging.getLogger(__name__)

# Longer than any task runs: a mail takes seconds, at worst a few EMAIL_TIMEOUTs (60 s each)
# against a stalling SMTP server; the nightly purge works in short batches. Too short would
# start a slow task's second run beside the first (a mail might then go twice, with the same
# link); too long delays a lost mail by that much.
STALE_AFTER = timedelta(minutes=5)


def requeue_stale(*, now: datetime) -> int:
    """Make tasks RUNNING since before `now - STALE_AFTER` ready again; returns how many."""
    stale = DBTaskResult.objects.running().filter(started_at__lt=now - STALE_AFTER)
    requeued = 0
    for result in stale.only("id", "task_path", "started_at", "worker_ids"):
        # Only if still unfinished: its worker may have been slow, not dead, and finished since.
        if stale.filter(pk=result.pk).update(status=TaskResultStatus.READY):
            requeued += 1
            logger.warning(
                "Task %s (%s) was left running by worker %s since %s; queued again",
                result.pk,
                result.task_path,
                result.worker_ids[-1] if result.worker_ids else "?",
                result.started_at.isoformat(),
            )
    return requeued


# 1, 2, 4 … minutes, at most an hour apart: twelve attempts span about six hours, long enough
# to outlast a mail server's maintenance window or a restart after a full disk.
MAIL_ATTEMPTS = 12
MAIL_FIRST_DELAY = timedelta(minutes=1)
MAIL_MAX_DELAY = timedelta(hours=1)


def mail_retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1-based)."""
    return min(MAIL_FIRST_DELAY * 2 ** (attempt - 1), MAIL_MAX_DELAY)


def deliver_or_retry(mail_task, deliver, *, what: str, attempt: int, arguments: dict) -> None:
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
