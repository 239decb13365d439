"""`manage.py seed_demo`: the demo town Musterstadt: staff, logins, screens, calendar and a past."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from amtstermin.core.demo import seed
from amtstermin.core.demo.musterstadt import MUSTERSTADT
from amtstermin.core.models import DeviceLink, StaffMember

DEVICE_PAGES: dict[str, str] = {
    DeviceLink.Kind.DISPLAY: "display:board",
    DeviceLink.Kind.KIOSK: "display:kiosk",
}


class Command(BaseCommand):
    help = (
        "Create or update the demo town Musterstadt and fill its calendar. Idempotent: a second "
        "run changes nothing. For demos only: the logins it prints are public."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--i-know-this-is-a-demo",
            action="store_true",
            help="Run without DEBUG too. The logins it creates have published passwords.",
        )

    def handle(self, *args, **options) -> None:
        # It creates `admin` with a password printed in the README: on a live database that is
        # an open door, so it runs only where DEBUG says this is no live system, or when told.
        if not (settings.DEBUG or options["i_know_this_is_a_demo"]):
            raise CommandError(
                _(
                    "seed_demo creates logins whose passwords are public. It runs only with "
                    "DEBUG=1 or with --i-know-this-is-a-demo; never on a live system."
                )
            )
        seeded = seed.seed(MUSTERSTADT, now=timezone.now())
        self.stdout.write(
            _("%(location)s is ready: %(services)d services, %(staff)d staff members.")
            % {
                "location": seeded.location,
                "services": seeded.services,
                "staff": seeded.staff,
            }
        )
        filled = seeded.filled
        if filled is None:
            self.stdout.write(_("Upcoming appointments exist already; no demo bookings added."))
        else:
            self.stdout.write(
                ngettext(
                    "Booked %(count)d appointment, %(percent)d %% of the online-bookable time "
                    "of the next %(days)d days.",
                    "Booked %(count)d appointments, %(percent)d %% of the online-bookable time "
                    "of the next %(days)d days.",
                    filled.appointments,
                )
                % {
                    "count": filled.appointments,
                    "percent": round(filled.share * 100),
                    "days": filled.days,
                }
            )
        if seeded.history is not None:
            self.stdout.write(
                _(
                    "Played %(days)d past working days for the statistics: %(visits)d visits, "
                    "%(no_shows)d no-shows."
                )
                % {
                    "days": seeded.history.days,
                    "visits": seeded.history.visits,
                    "no_shows": seeded.history.no_shows,
                }
            )
        if seeded.today:
            self.stdout.write(
                ngettext(
                    "Today until now: %(count)d visitor checked in; try the queue and the display.",
                    "Today until now: %(count)d visitors checked in; try the queue and the "
                    "display.",
                    seeded.today,
                )
                % {"count": seeded.today}
            )
        self.stdout.write(_("Demo logins:"))
        self.stdout.write(
            _(
                "Staff log in at %(url)s with the password, then a code from an authenticator "
                "app (FreeOTP, Aegis, Google Authenticator …) set up with the key shown."
            )
            % {"url": reverse("office:login")}
        )
        for login in seeded.logins:
            line = (
                _("%(username)s / %(password)s: %(role)s, %(name)s; Django admin at /admin/")
                if login.superuser
                else _("%(username)s / %(password)s: %(role)s, %(name)s")
            ) % {
                "username": login.username,
                "password": login.password,
                "role": StaffMember.Role(login.role).label,
                "name": login.name,
            }
            if not login.password_set:
                line = _("%(username)s (existed already; its password was left unchanged)") % {
                    "username": login.username
                }
            if login.totp_secret:
                line += " · " + _("authenticator key %(secret)s") % {"secret": login.totp_secret}
            self.stdout.write(f"  {line}")
        if seeded.devices:
            self.stdout.write(_("Screens without a login (open on the screen itself):"))
        for device in seeded.devices:
            url = settings.SITE_URL + reverse(DEVICE_PAGES[device.kind], args=[device.token])
            self.stdout.write(f"  {DeviceLink.Kind(device.kind).label}: {url}")
        self.stdout.write(
            self.style.WARNING(
                _(
                    "Demo only: these passwords and the authenticator key are public. Never run "
                    "seed_demo on a live system."
                )
            )
        )
