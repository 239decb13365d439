"""Appointment emails: compose them (text, HTML, .ics) and deliver each one exactly once."""

import logging
import re
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import numbers, summary
from ..models import AccessToken, Appointment, SentMessage, Status
from . import ics, links, reminders
from .events import MailEvent

logger = logging.getLogger(__name__)

CALENDAR_FILE = "termin.ics"

HEADINGS = {
    MailEvent.CONFIRM_REQUEST: gettext_lazy("Please confirm your appointment"),
    MailEvent.BOOKED: gettext_lazy("Your appointment is booked"),
    MailEvent.RESCHEDULED: gettext_lazy("Your appointment has been moved"),
    MailEvent.CANCELLED: gettext_lazy("Your appointment has been cancelled"),
    MailEvent.REMINDER: gettext_lazy("Reminder of your appointment"),
    MailEvent.DISRUPTED: gettext_lazy("Unfortunately we have to move your appointment"),
    MailEvent.MANAGE_LINK: gettext_lazy("The link to your appointment"),
}

# A mail goes out only while it still describes the appointment: a "booked" mail held up by a
# dead SMTP server until after the citizen cancelled would contradict the cancellation.
STILL_APPLIES = {
    MailEvent.CONFIRM_REQUEST: {Status.RESERVED},
    MailEvent.BOOKED: {Status.BOOKED},
    MailEvent.RESCHEDULED: {Status.RESERVED, Status.BOOKED},
    MailEvent.CANCELLED: {Status.CANCELLED},
    MailEvent.REMINDER: {Status.BOOKED},
    MailEvent.DISRUPTED: {Status.RESERVED, Status.BOOKED},
    # Checked in too: the page then shows the citizen's place in the queue.
    MailEvent.MANAGE_LINK: {Status.RESERVED, Status.BOOKED, Status.CHECKED_IN},
}
# No .ics on these: a hold is not in anyone's calendar yet, and a reminder's entry already is,
# from the booked or moved mail with the same SEQUENCE; repeating it can only make some clients
# ask again or show the appointment twice. The manage page offers the file to whoever lost it.
# A disrupted appointment keeps its entry until the citizen picks a new time; the moved mail
# then replaces it.
WITHOUT_CALENDAR = {
    MailEvent.CONFIRM_REQUEST,
    MailEvent.REMINDER,
    MailEvent.DISRUPTED,
    MailEvent.MANAGE_LINK,
}
# One manage-link mail per appointment in each such window, however often it is asked for: a
# script that knows a reference and its address cannot flood that mailbox.
MANAGE_LINK_WINDOW = timedelta(minutes=10)


def deliver(
    *, appointment_id: int, event: MailEvent, now: datetime, sequence: int | None = None
) -> bool:
    """Send the mail for `event` unless it was sent already or no longer applies; True if sent.

    With `sequence`, it applies only while the appointment is still that version.

    Raises OSError (smtplib.SMTPException is one) when the SMTP server fails; the mail is not
    recorded as sent then, so a later attempt sends it, with the same link (links.mail_key).
    """
    appointment = _load(pk=appointment_id)
    if appointment is None or not appointment.email:
        return False  # purged since, or booked by phone without an address
    if reason := _outdated(appointment, event, sequence=sequence, now=now):
        logger.info("Mail %s for %s dropped: %s", event, appointment, reason)
        return False
    return _send(appointment, event, message_id_for(appointment, event), now=now)


def deliver_manage_link(*, reference: str, address_digest: str, window: int, now: datetime) -> bool:
    """Mail a fresh manage link if `reference` names an active appointment booked with the
    address behind `address_digest` (see digest_address); True if sent.

    The mail goes to the address on record, never to one typed in. Raises OSError as deliver().
    """
    appointment = _load(reference=reference)
    if appointment is None or not appointment.email:
        return False
    if not constant_time_compare(digest_address(appointment.email), address_digest):
        return False
    event = MailEvent.MANAGE_LINK
    if reason := _outdated(appointment, event, sequence=None, now=now):
        logger.info("Mail %s for %s dropped: %s", event, appointment, reason)
        return False
    message_id = f"<{appointment.reference}.{event}.{window}@{ics.site_host()}>"
    return _send(appointment, event, message_id, now=now)


def digest_address(address: str) -> str:
    """An email address as the manage-link task carries it: an HMAC, so no task row holds it."""
    typed = address.strip().lower()
    return salted_hmac("amtstermin.manage-link", typed, algorithm="sha256").hexdigest()


def manage_link_window(now: datetime) -> int:
    """The number of the MANAGE_LINK_WINDOW that `now` falls in."""
    return int(now.timestamp() // MANAGE_LINK_WINDOW.total_seconds())


def _load(**lookup) -> Appointment | None:
    return (
        Appointment.objects.select_related("location")
        .prefetch_related(summary.ITEMS)
        .filter(**lookup)
        .first()
    )


def _send(appointment: Appointment, event: MailEvent, message_id: str, *, now: datetime) -> bool:
    """Send the mail `message_id` unless it was sent already; True if sent."""
    if SentMessage.objects.filter(message_id=message_id).exists():
        return False
    token = None
    if event != MailEvent.CANCELLED:
        # Kept when sending fails: the server may have taken the mail although its answer was
        # lost, and the copy the retry sends must not leave the first one with a dead link.
        token = links.mail_key(message_id)
        key = AccessToken(
            appointment=appointment, digest=numbers.digest(token), mailed=True, created_at=now
        )
        AccessToken.objects.bulk_create([key], ignore_conflicts=True)  # stored at the first try
    sent = SentMessage(message_id=message_id, appointment=appointment, sent_at=now)
    message = compose(appointment, event, token=token, now=now, message_id=message_id)
    send_and_record(message, sent)
    return True


def send_and_record(message: EmailMultiAlternatives, sent: SentMessage) -> None:
    """Send `message`, then save `sent` before saying goodbye to the server (QUIT).

    Once the server has answered DATA the mail is out, and a worker killed before `sent` is
    saved sends it again (same Message-ID, same link). Saving before QUIT keeps that moment to
    one database write instead of a write and another round trip to the server.
    """
    with get_connection() as smtp:
        smtp.send_messages([message])
        sent.save()


def _outdated(
    appointment: Appointment, event: MailEvent, *, sequence: int | None, now: datetime
) -> str | None:
    """Why the mail for `event` would no longer describe the appointment, or None."""
    if appointment.status not in STILL_APPLIES[event]:
        return f"it is {appointment.status} now"
    if sequence is not None and appointment.sequence != sequence:
        return f"it changed since (version {appointment.sequence}, not {sequence})"
    if event == MailEvent.REMINDER and appointment.start <= now:
        return "it has begun"  # a worker that was down for a day must not remind of yesterday
    if event == MailEvent.MANAGE_LINK and (
        appointment.end <= now or appointment.is_stale_hold(now=now)
    ):
        return "it is over"
    return None


def message_id_for(appointment: Appointment, event: MailEvent) -> str:
    """One Message-ID per appointment, event and version: the key that makes sending idempotent."""
    return f"<{appointment.reference}.{event}.{appointment.sequence}@{ics.site_host()}>"


def compose(
    appointment: Appointment,
    event: MailEvent,
    *,
    token: str | None,
    now: datetime,
    message_id: str | None = None,
) -> EmailMultiAlternatives:
    """The mail for `event` in the appointment's language and its location's time zone.

    `token` is the plain link key for the manage or confirm link (not needed for CANCELLED).
    """
    location = appointment.location
    with translation.override(appointment.language), timezone.override(location.zone):
        context = _context(appointment, event, token=token, now=now)
        subject = _("%(heading)s: %(when)s") % {
            "heading": context["heading"],
            "when": context["when"],
        }
        context["subject"] = subject
        text = tidy(render_to_string(f"core/mail/appointment_{event}.txt", context))
        html = render_to_string(f"core/mail/appointment_{event}.html", context)
        calendar = None
        if context["calendar_attached"]:
            calendar = ics.appointment_calendar(appointment, items=context["items"], now=now)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(location.name),
        to=[appointment.email],
        reply_to=[location.email] if location.email else None,
        headers={
            "Message-ID": message_id or message_id_for(appointment, event),
            # RFC 3834: out-of-office replies must not answer a machine.
            "Auto-Submitted": "auto-generated",
        },
    )
    message.attach_alternative(html, "text/html")
    if calendar is not None:
        message.attach(CALENDAR_FILE, calendar.decode(), "text/calendar")
    return message


def sender(name: str) -> str:
    """DEFAULT_FROM_EMAIL's address under `name`: the office that writes, not always one name."""
    return formataddr((name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1]))


def _context(
    appointment: Appointment, event: MailEvent, *, token: str | None, now: datetime
) -> dict:
    # The same facts the appointment page shows: both read them from core.summary.
    facts = summary.summarize(appointment, now=now)
    # A reserved hold (even one moved before it was confirmed) still needs the confirm link.
    reserved = appointment.status == Status.RESERVED
    return {
        "event": event,
        "heading": str(HEADINGS[event]),
        "language": translation.get_language(),
        "language_bidi": translation.get_language_bidi(),
        "appointment": appointment,
        "location": appointment.location,
        "summary": facts,
        "items": facts.items,
        "when": facts.when,
        "hold_until": facts.hold_until,
        "manage_url": links.manage_url(token) if token and not reserved else None,
        "cancel_url": links.cancel_url(token) if token and not reserved else None,
        "confirm_url": links.confirm_url(token) if token and reserved else None,
        "reschedule_url": links.reschedule_url(token) if token else None,
        "book_url": links.book_url(),
        "calendar_attached": event not in WITHOUT_CALENDAR,
        "announcement": (
            reminders.announcement(facts, now=now) if event == MailEvent.REMINDER else None
        ),
    }


def tidy(text: str) -> str:
    """Plain text from a template: no trailing spaces, at most one empty line in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)) + "\n"
