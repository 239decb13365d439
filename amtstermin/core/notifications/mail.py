"""Appointment emails: compose them (text, HTML, .ics) and deliver each one exactly once."""

import logging
import re
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import booking, numbers
from ..items import Item, documents_to_bring, total_fee
from ..models import AccessToken, Appointment, AppointmentItem, SentMessage, Status
from . import ics, links
from .events import MailEvent

logger = logging.getLogger(__name__)

# Coming early fills the waiting area; five minutes is enough to find the way and sit down.
ARRIVE_BEFORE = timedelta(minutes=5)
CALENDAR_FILE = "termin.ics"

HEADINGS = {
    MailEvent.CONFIRM_REQUEST: gettext_lazy("Please confirm your appointment"),
    MailEvent.BOOKED: gettext_lazy("Your appointment is booked"),
    MailEvent.RESCHEDULED: gettext_lazy("Your appointment has been moved"),
    MailEvent.CANCELLED: gettext_lazy("Your appointment has been cancelled"),
}

# A mail goes out only while it still describes the appointment: a "booked" mail held up by a
# dead SMTP server until after the citizen cancelled would contradict the cancellation.
STILL_APPLIES = {
    MailEvent.CONFIRM_REQUEST: {Status.RESERVED},
    MailEvent.BOOKED: {Status.BOOKED},
    MailEvent.RESCHEDULED: {Status.RESERVED, Status.BOOKED},
    MailEvent.CANCELLED: {Status.CANCELLED},
}


def deliver(*, appointment_id: int, event: MailEvent, now: datetime) -> bool:
    """Send the mail for `event` unless it was sent already or no longer applies; True if sent.

    Raises OSError (smtplib.SMTPException is one) when the SMTP server fails; nothing is recorded
    then, so a later attempt sends it.
    """
    appointment = (
        Appointment.objects.select_related("location")
        .prefetch_related(
            Prefetch("items", queryset=AppointmentItem.objects.select_related("service"))
        )
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not appointment.email:
        return False  # purged since, or booked by phone without an address
    if appointment.status not in STILL_APPLIES[event]:
        logger.info("Mail %s for %s dropped: it is %s now", event, appointment, appointment.status)
        return False
    message_id = message_id_for(appointment, event)
    if SentMessage.objects.filter(message_id=message_id).exists():
        return False
    # A fresh link key per mail: only digests are stored, so an earlier key cannot be recovered.
    token = None
    if event != MailEvent.CANCELLED:
        token = booking.issue_access_token(appointment, now=now)
    message = compose(appointment, event, token=token, now=now)
    try:
        message.send()
    except OSError:
        if token:
            # Never mailed, so nobody holds it; the next attempt mints its own.
            AccessToken.objects.filter(digest=numbers.digest(token)).delete()
        raise
    SentMessage.objects.create(message_id=message_id, appointment=appointment, sent_at=now)
    return True


def message_id_for(appointment: Appointment, event: MailEvent) -> str:
    """One Message-ID per appointment, event and version: the key that makes sending idempotent."""
    return f"<{appointment.reference}.{event}.{appointment.sequence}@{ics.site_host()}>"


def compose(
    appointment: Appointment, event: MailEvent, *, token: str | None, now: datetime
) -> EmailMultiAlternatives:
    """The mail for `event` in the appointment's language and its location's time zone.

    `token` is the plain link key for the manage or confirm link (not needed for CANCELLED).
    """
    location = appointment.location
    with translation.override(appointment.language), timezone.override(location.zone):
        context = _context(appointment, event, token=token)
        subject = _("%(heading)s: %(when)s") % {
            "heading": context["heading"],
            "when": context["when"],
        }
        context["subject"] = subject
        text = _tidy(render_to_string(f"core/mail/appointment_{event}.txt", context))
        html = render_to_string(f"core/mail/appointment_{event}.html", context)
        calendar = None
        if context["calendar_attached"]:
            calendar = ics.appointment_calendar(appointment, items=context["items"], now=now)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[appointment.email],
        reply_to=[location.email] if location.email else None,
        headers={
            "Message-ID": message_id_for(appointment, event),
            # RFC 3834: out-of-office replies must not answer a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        message.attach(CALENDAR_FILE, calendar.decode(), "text/calendar")
    return message


def _context(appointment: Appointment, event: MailEvent, *, token: str | None) -> dict:
    location = appointment.location
    items = [Item(row.service, row.quantity) for row in appointment.items.all()]
    start = appointment.local_start
    # A reserved hold (even one moved before it was confirmed) still needs the confirm link.
    reserved = appointment.status == Status.RESERVED
    hold_until = None
    if reserved and appointment.hold_expires_at:
        hold_until = formats.time_format(appointment.hold_expires_at.astimezone(location.zone))
    cancelled = event == MailEvent.CANCELLED
    return {
        "event": event,
        "heading": str(HEADINGS[event]),
        "language": translation.get_language(),
        "language_bidi": translation.get_language_bidi(),
        "appointment": appointment,
        "location": location,
        "items": items,
        "documents": [] if cancelled else documents_to_bring(items),
        "total_fee": total_fee(items),
        "fee_notes": [
            (item.service.name, item.service.fee_note) for item in items if item.service.fee_note
        ],
        "when": _when(start),
        "arrival": formats.time_format(start - ARRIVE_BEFORE),
        "duration": appointment.duration_minutes,
        "hold_until": hold_until,
        "manage_url": links.manage_url(token) if token and not reserved else None,
        "confirm_url": links.confirm_url(token) if token and reserved else None,
        "book_url": links.book_url(),
        "calendar_attached": event != MailEvent.CONFIRM_REQUEST,
    }


def _when(moment: datetime) -> str:
    """E.g. "Montag, 7. Dezember 2026, 09:30 Uhr" in the active language."""
    day = _("%(weekday)s, %(date)s") % {
        "weekday": formats.date_format(moment, "l"),
        "date": formats.date_format(moment, "DATE_FORMAT"),
    }
    return _("%(date)s at %(time)s") % {"date": day, "time": formats.time_format(moment)}


def _tidy(text: str) -> str:
    """Plain text from a template: no trailing spaces, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
