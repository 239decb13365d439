"""Tasks whose worker died: put back in the queue so that another worker runs them.

`manage.py db_worker` marks a task RUNNING when it takes it and finished when it is done. A
worker killed in between (SIGKILL, the OOM killer, a power cut) leaves the task RUNNING, and no
worker ever looks at it again: its mail would be lost and a held appointment would lapse. The
worker keeps no heartbeat, so a task counts as abandoned once it has been running longer than
any task runs. `manage.py expire_holds`, run every minute from cron, re-queues those.

Running a task a second time is safe: a mail is skipped when its Message-ID is recorded as sent
(core/notifications/mail.py), and the purge finds nothing left to purge.
"""

import logging
from datetime import datetime, timedelta

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
