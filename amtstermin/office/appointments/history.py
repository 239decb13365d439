"""An appointment's history as a clerk reads it: "04.12.2026 15:03 — Verschoben von … auf …
(Sabine Kowalski)"."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import formats
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from amtstermin.core.models import Appointment, AppointmentEvent, Channel

Kind = AppointmentEvent.Kind


@dataclass(frozen=True)
class Line:
    at: datetime  # the location's wall clock
    text: str
    who: str


def lines(appointment: Appointment) -> list[Line]:
    zone = appointment.location.zone
    events = appointment.events.select_related("staff").order_by("at", "pk")
    return [
        Line(event.at.astimezone(zone), _text(event, appointment), _who(event)) for event in events
    ]


def _text(event: AppointmentEvent, appointment: Appointment) -> str:
    if event.kind == Kind.RESCHEDULED:
        return _("Moved from %(from)s to %(to)s") % {
            "from": _moment(event.detail.get("from"), appointment),
            "to": _moment(event.detail.get("to"), appointment),
        }
    if event.kind == Kind.CANCELLED and event.staff_id and appointment.cancel_reason:
        return _("Cancelled, reason: %(reason)s") % {"reason": appointment.cancel_reason}
    if event.kind == Kind.CONTACT_CHANGED:
        labels = [str(Appointment._meta.get_field(name).verbose_name) for name in _fields(event)]
        return _("Contact details changed: %(fields)s") % {"fields": ", ".join(labels)}
    return str(event.get_kind_display()).capitalize()


def _fields(event: AppointmentEvent) -> list[str]:
    known = {"name", "email", "phone", "language"}
    return [name for name in event.detail.get("fields", []) if name in known]


def _moment(text: str | None, appointment: Appointment) -> str:
    moment = parse_datetime(text or "")
    if moment is None:
        return "–"
    return formats.date_format(
        moment.astimezone(appointment.location.zone), "SHORT_DATETIME_FORMAT"
    )


# Written by the system, not by a person: a hold lapsing, a roster change.
AUTOMATIC = {Kind.EXPIRED, Kind.REASSIGNED, Kind.DISRUPTED}


def _who(event: AppointmentEvent) -> str:
    if event.staff is not None:
        return event.staff.name
    if event.kind in AUTOMATIC:
        return _("automatically")
    if event.channel == Channel.ONLINE:
        return _("citizen, online")
    return str(event.get_channel_display())
