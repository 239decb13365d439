"""The appointment as an iCalendar file (RFC 5545): one event, zoned in the location's time zone."""

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _
from icalendar import Calendar, Event
from icalendar.enums import STATUS

from ..items import Item
from ..models import Appointment, Location, Status

PRODID = "-//Amtstermin//Terminvergabe//DE"
# Statuses a calendar should drop the event for; any other status publishes it.
WITHDRAWN = (Status.CANCELLED, Status.EXPIRED)


def uid(appointment: Appointment) -> str:
    """Stable for the appointment's life, so a calendar replaces its entry on every change."""
    return f"{appointment.reference}@{site_host()}"


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def services(items: Sequence[Item]) -> str:
    """E.g. "Personalausweis (2), Anmeldung": the services with quantities above one."""
    return ", ".join(
        f"{item.service.name} ({item.quantity})" if item.quantity > 1 else item.service.name
        for item in items
    )


def place(location: Location) -> str:
    """E.g. "Bürgerbüro Mitte, Markt 1, 59065 Hamm": where a calendar entry happens."""
    return f"{location.name}, {location.address}"


def summary(items: Sequence[Item]) -> str:
    """E.g. "Termin: Personalausweis (2), Anmeldung" in the active language."""
    return _("Appointment: %(services)s") % {"services": services(items)}


def description(appointment: Appointment) -> str:
    """The reference and waiting number, one a line, in the active language."""
    return "\n".join(
        [
            f"{_('Reference number')}: {appointment.reference}",
            f"{_('Waiting number')}: {appointment.waiting_number}",
        ]
    )


def is_withdrawn(appointment: Appointment, *, now: datetime) -> bool:
    # A hold past its lifetime is expired even before expire_holds() has written that down.
    return appointment.status in WITHDRAWN or appointment.is_stale_hold(now=now)


def event_status(appointment: Appointment, *, now: datetime) -> STATUS:
    """CANCELLED once withdrawn, TENTATIVE while a hold awaits confirmation, else CONFIRMED."""
    if is_withdrawn(appointment, now=now):
        return STATUS.CANCELLED
    if appointment.status == Status.RESERVED:
        return STATUS.TENTATIVE
    return STATUS.CONFIRMED


def appointment_calendar(
    appointment: Appointment, *, items: Sequence[Item], now: datetime
) -> bytes:
    """The .ics for the appointment as it is now: PUBLISH, or CANCEL once it was withdrawn.

    Texts follow the active language; call inside translation.override(appointment.language).
    """
    location = appointment.location
    withdrawn = is_withdrawn(appointment, now=now)
    event = Event.new(
        uid=uid(appointment),
        # SEQUENCE tells a calendar which version of the entry is newer (RFC 5546).
        sequence=appointment.sequence,
        stamp=now.astimezone(UTC),
        start=appointment.local_start,
        end=appointment.local_end,
        summary=summary(items),
        location=place(location),
        description=description(appointment),
        status=event_status(appointment, now=now),
    )
    calendar = Calendar()
    calendar.prodid = PRODID
    calendar.version = "2.0"
    calendar.method = "CANCEL" if withdrawn else "PUBLISH"
    calendar.add_component(event)
    # A VTIMEZONE covering a year either side of the day, rather than icalendar's default of
    # 1970-2038 (every transition for 68 years in each mail).
    day = appointment.local_day
    calendar.add_missing_timezones(
        first_date=day - timedelta(days=366), last_date=day + timedelta(days=366)
    )
    return calendar.to_ical()
