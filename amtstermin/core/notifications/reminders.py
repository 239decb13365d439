"""Reminder mails: when one is due, putting it in the outbox, and how it names the day.

The rule: a booked appointment with an email address is reminded `location.reminder_hours`
before its start (0 turns reminders off). When that moment is less than MIN_LEAD after the
booking or move that schedules it, no reminder is sent: the booked or moved mail, just read,
is reminder enough. Each booking, confirmation or move schedules a reminder for the
appointment's current `sequence`; one scheduled for an earlier version does nothing when due.
"""

from datetime import datetime, timedelta

from django.utils import formats
from django.utils.translation import gettext as _

from ..models import Appointment, Status
from ..summary import Summary

# Two mails about the same appointment within two hours read as a duplicate, not a reminder.
MIN_LEAD = timedelta(hours=2)


def reminder_due(appointment: Appointment, *, now: datetime) -> datetime | None:
    """When to remind of `appointment` as it is now, or None if it gets no reminder."""
    hours = appointment.location.reminder_hours
    if not hours or not appointment.email or appointment.status != Status.BOOKED:
        return None
    due = appointment.start - timedelta(hours=hours)
    return due if due - now >= MIN_LEAD else None


def announcement(facts: Summary, *, now: datetime) -> str:
    """A reminder's opening sentence, e.g. "Your appointment is tomorrow, …" (active language).

    Named from the day the mail goes out, not from the lead time: a reminder 24 hours ahead
    says "tomorrow", one 48 hours ahead gives the date, and a retry sent on the day says "today".
    """
    days = (facts.start.date() - now.astimezone(facts.location.zone).date()).days
    if days == 0:
        return _("Your appointment is today at %(time)s.") % {
            "time": formats.time_format(facts.start)
        }
    if days == 1:
        return _("Your appointment is tomorrow, %(when)s.") % {"when": facts.when}
    return _("Your appointment is on %(when)s.") % {"when": facts.when}
