"""`manage.py expire_holds`: release unconfirmed holds whose lifetime has passed.

Run it every minute (cron or a systemd timer). Correctness of the calendar does not depend on
it: the calendar already ignores stale holds and a booking expires the ones it overlaps. It
keeps the statuses and the history honest, and the day plan tidy.

It is also the outbox's watchdog, because it runs outside the worker: tasks left RUNNING by a
killed worker are queued again (core/outbox.py), and the daily purge is scheduled again if a
run failed or was killed before it could (core/retention.py).
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from amtstermin.core import booking, outbox, retention


class Command(BaseCommand):
    help = (
        "Expire unconfirmed appointment holds whose confirmation period has passed; queue again "
        "the tasks of a killed worker and keep the daily purge scheduled."
    )

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        expired = booking.expire_holds(now=now)
        requeued = outbox.requeue_stale(now=now)
        retention.schedule_daily(now=now)
        self.stdout.write(f"expired={expired} requeued={requeued}")
