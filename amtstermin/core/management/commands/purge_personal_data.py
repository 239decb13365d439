"""`manage.py purge_personal_data`: remove personal data past its retention period now.

The worker does this daily by itself (core/retention.py) once the first run is scheduled:
`manage.py purge_personal_data --schedule` does that, and does nothing when a run is already
waiting, so scripts/run.sh and a deployment can call it on every start. It also starts the
worker's minute task (core/upkeep.py: expiry of holds, the outbox's watchdog) unless one waits.
A run left RUNNING by a killed worker counts as waiting once it is queued again (core/outbox.py;
`--schedule` and the minute task do that). Without the database task backend, run the command
from cron once a day instead. What is removed: core/retention.py.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from amtstermin.core import outbox, retention, upkeep


class Command(BaseCommand):
    help = "Remove personal data past PERSONAL_DATA_RETENTION_DAYS, or schedule the daily run."

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--schedule",
            action="store_true",
            help=(
                "Purge nothing now; make sure the worker's daily run and its minute task are "
                "scheduled (once)."
            ),
        )

    def handle(self, *args, schedule: bool = False, **options) -> None:
        now = timezone.now()
        if schedule:
            outbox.requeue_stale(now=now)  # what a killed worker left RUNNING, a purge too
            upkeep.schedule_minutely(run_after=now)
            run_after = retention.schedule_daily(now=now)
            if run_after is None:
                # A run is waiting already, or the task backend is not the database (use cron).
                self.stdout.write("scheduled=unchanged")
            else:
                self.stdout.write(f"scheduled={run_after.isoformat()}")
            return
        purged = retention.purge(now=now)
        self.stdout.write(" ".join(f"{name}={count}" for name, count in purged.as_dict().items()))
