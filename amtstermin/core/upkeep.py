"""The worker's minute task: expire lapsed holds, re-queue a dead worker's tasks and webhooks,
keep the purge.

No cron is needed: `manage.py purge_personal_data --schedule` (every deployment, `make run`)
puts the first run in the task table and each run schedules the next. `manage.py expire_holds`
does the same work for those who prefer cron, and with a task backend other than the database.

Who restarts the chain when a worker is killed inside this task? The task schedules its successor
*before* it works, so a kill during the work leaves the next run queued; that run re-queues the
killed one once it is stale (core/outbox.py), and it runs again harmlessly (every step is
idempotent). Only a kill in the few milliseconds between the worker taking the task and that
first write breaks the chain; the next `purge_personal_data --schedule` (deployment, restart of
`make run`) or `expire_holds` restarts it. Two chains at once (a race between schedulers) merge:
a run schedules nothing while another run waits.
"""

import logging
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import booking, outbox, retention, webhooks
from .wishes import rounds as wishes

logger = logging.getLogger(__name__)

EVERY = timedelta(minutes=1)
# Its own finished rows are deleted after this: 1,440 a day would otherwise wait a month for the
# purge of finished task results.
KEEP_RESULTS = timedelta(hours=1)


def schedule_minutely(*, run_after: datetime) -> bool:
    """Queue the minute task at `run_after` unless a run waits already; True if queued.

    False as well when the task backend is not the database one (see retention.schedule_daily).
    """
    if not isinstance(every_minute.get_backend(), DatabaseBackend):
        return False
    with transaction.atomic():
        _lock_schedule()
        waiting = DBTaskResult.objects.filter(
            task_path=every_minute.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return False
        every_minute.using(run_after=run_after).enqueue()
    return True


def tend(*, now: datetime) -> dict[str, int]:
    """Expire lapsed holds, re-queue stale tasks and overdue webhooks, keep the daily purge,
    serve the wish-list."""
    expired = booking.expire_holds(now=now)
    requeued = outbox.requeue_stale(now=now)
    retention.schedule_daily(now=now)
    resent = webhooks.resend_overdue(now=now)
    webhooks.purge_log(now=now)
    return {"expired": expired, "requeued": requeued, "webhooks": resent, **wishes.tend(now=now)}


@task()
def every_minute() -> dict[str, int]:
    """The worker's minute job (see the module): schedule the next run, then tend."""
    now = timezone.now()
    schedule_minutely(run_after=now + EVERY)  # first: a kill below must not end the chain
    done = tend(now=now)
    DBTaskResult.objects.successful().filter(
        task_path=every_minute.module_path, finished_at__lt=now - KEEP_RESULTS
    ).delete()
    if any(done.values()):
        logger.info("Minute job: %s", done)
    return done


def _lock_schedule() -> None:
    """Serialise schedule_minutely() until the transaction ends (see retention._lock_schedule)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # A fixed key: "minute" in ASCII, beside retention's "purge".
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x6D696E757465])
