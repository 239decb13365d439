"""Feedback on barriers (BITV 2.0 § 7, BGG NRW § 10b): submit and answer; the only writer of
AccessibilityFeedback.

A citizen reports a barrier through the statement's form. The office owes an answer within the
statement's `reply_days`; the citizen gets an acknowledgement (if they gave an address) and the
town's contact for barriers a notification, both through the outbox in the same transaction.
Only team leads and administrators answer: the answer speaks for the town. Answered feedback
loses its personal data FEEDBACK_RETENTION_DAYS later (core/retention.py).
"""

import re
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import limits
from .errors import AlreadyAnswered, FeedbackError
from .models import AccessibilityFeedback, AccessibilityStatement, StaffMember
from .notifications.feedback_mail import ACKNOWLEDGED, ANSWERED, RECEIVED, send_feedback_mail

DEFAULT_REPLY_DAYS = 14
MESSAGE_LIMIT = 5000
ANSWER_LIMIT = 5000
NAME_LIMIT = 120
PAGE_LIMIT = 300
# Kept a year after the answer: long enough for a complaint to the enforcement body about it.
FEEDBACK_RETENTION_DAYS = 365
# Feedback form POSTs per client and window: one report takes one POST, a few more after a typo;
# a script gets no more than five reports (and acknowledgement mails) in ten minutes.
FEEDBACK_RATE = limits.Rate("accessibility_feedback", posts=5, window_seconds=10 * 60)
ANSWERING_ROLES = (StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR)
# Control characters other than line breaks and tabs: never typed, only sent by scripts.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def statement() -> AccessibilityStatement | None:
    """The town's accessibility statement, once the admin has filled it in."""
    return AccessibilityStatement.objects.order_by("pk").first()


def reply_days() -> int:
    found = statement()
    return found.reply_days if found else DEFAULT_REPLY_DAYS


def submit_feedback(
    *, name: str, email: str, page: str, message: str, language: str, now: datetime
) -> AccessibilityFeedback:
    """Store a citizen's report of a barrier, due `reply_days` local days from `now`.

    Raises FeedbackError (nothing stored) for a missing or oversized message, a bad address or
    text no person types (control characters).
    """
    message = _text(message, limit=MESSAGE_LIMIT, field="message")
    if not message.strip():
        raise FeedbackError(_("Please describe the barrier."), field="message")
    name = " ".join(_text(name, limit=NAME_LIMIT, field="name").split())
    page = _text(page, limit=PAGE_LIMIT, field="page").strip()
    email = _text(email, limit=254, field="email").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise FeedbackError(
                _("Enter an email address in the correct format, like name@example.de."),
                field="email",
            ) from None
    with transaction.atomic(durable=True):
        days = reply_days()
        feedback = AccessibilityFeedback.objects.create(
            received_at=now,
            name=name,
            email=email,
            page=page,
            message=message,
            language=(language or "de")[:10],
            due_on=timezone.localdate(now) + timedelta(days=days),
        )
        if email:
            send_feedback_mail.enqueue(feedback_id=feedback.pk, event=ACKNOWLEDGED)
        send_feedback_mail.enqueue(feedback_id=feedback.pk, event=RECEIVED)
    return feedback


def may_answer(staff: StaffMember) -> bool:
    return staff.active and staff.role in ANSWERING_ROLES


def answer(
    *, feedback: AccessibilityFeedback, actor: StaffMember, text: str, now: datetime
) -> AccessibilityFeedback:
    """Record `actor`'s answer and mail it to the citizen, if they gave an address.

    Raises PermissionDenied for a clerk, AlreadyAnswered the second time, FeedbackError for
    an empty or oversized answer (nothing stored).
    """
    if not may_answer(actor):
        raise PermissionDenied
    text = _text(text, limit=ANSWER_LIMIT, field="answer").strip()
    if not text:
        raise FeedbackError(_("Please write the answer."), field="answer")
    with transaction.atomic(durable=True):
        feedback = AccessibilityFeedback.objects.select_for_update().get(pk=feedback.pk)
        if feedback.answered_at is not None:
            raise AlreadyAnswered()
        feedback.answered_at = now
        feedback.answered_by = actor
        feedback.answer = text
        feedback.save(update_fields=["answered_at", "answered_by", "answer"])
        if feedback.email:
            send_feedback_mail.enqueue(feedback_id=feedback.pk, event=ANSWERED)
    return feedback


def open_feedback():
    """Feedback still owed an answer, the earliest due first."""
    return AccessibilityFeedback.objects.filter(answered_at__isnull=True).order_by(
        "due_on", "received_at", "pk"
    )


def _text(value, *, limit: int, field: str) -> str:
    if not isinstance(value, str):
        return ""
    value = value.replace("\r\n", "\n")
    if _CONTROL.search(value):
        raise FeedbackError(_("Please remove the control characters from the text."), field=field)
    if len(value) > limit:
        raise FeedbackError(
            _("Please shorten this to at most %(limit)d characters.") % {"limit": limit},
            field=field,
        )
    return value
