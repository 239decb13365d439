"""`manage.py expire_holds`: release unconfirmed holds whose lifetime has passed.

The worker does this every minute by itself (core/upkeep.py); run the command from cron only
with a task backend other than the database, or if you prefer cron. Correctness of the calendar
does not depend on it: the calendar already ignores stale holds and a booking expires the ones
it overlaps. It keeps the statuses and the history honest, and the day plan tidy.

Like the worker's minute task it is also the outbox's watchdog: tasks left RUNNING by a killed
worker are queued again (core/outbox.py), the daily purge is scheduled again if a run failed or
was killed before it could (core/retention.py), and so is the minute task itself.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from amtstermin.core import upkeep


class Command(BaseCommand):
    help = (
        "Expire unconfirmed appointment holds whose confirmation period has passed; queue again "
        "the tasks of a killed worker and keep the daily purge scheduled."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        done = upkeep.tend(now=now)
        upkeep.schedule_minutely(run_after=now)
        self.stdout.write(f"expired={done['expired']} requeued={done['requeued']}")
