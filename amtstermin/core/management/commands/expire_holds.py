"""`manage.py expire_holds`: release unconfirmed holds whose lifetime has passed.

Run it every minute (cron or a systemd timer). Correctness does not depend on it: the calendar
already ignores stale holds and a booking expires the ones it overlaps. It keeps the statuses
and the history honest, and the day plan tidy.
"""

from django.core.management.base import BaseCommand
from django.utils import timezone

from amtstermin.core import booking


class Command(BaseCommand):
    help = "Expire unconfirmed appointment holds whose confirmation period has passed."

    def handle(self, *args, **options) -> None:
        expired = booking.expire_holds(now=timezone.now())
        self.stdout.write(f"expired={expired}")
