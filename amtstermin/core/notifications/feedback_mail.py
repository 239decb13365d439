"""Mails about feedback on barriers (core/accessibility.py), each sent once (its Message-ID).

- ACKNOWLEDGED: to the citizen, in their language: received, answered by the due date.
- RECEIVED: to the town's contact for barriers (the statement's contact_email), in the site's
  default language: a new report is waiting in the office.
- ANSWERED: to the citizen, in their language: the answer.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy
from django_tasks import task

from .. import outbox
from ..models import AccessibilityFeedback, AccessibilityStatement, SentMessage
from . import ics
from .mail import send_and_record, sender, tidy

logger = logging.getLogger(__name__)

ACKNOWLEDGED = "acknowledged"
RECEIVED = "received"
ANSWERED = "answered"
EVENTS = (ACKNOWLEDGED, RECEIVED, ANSWERED)

HEADINGS = {
    ACKNOWLEDGED: gettext_lazy("We have received your feedback on accessibility"),
    RECEIVED: gettext_lazy("New feedback on accessibility"),
    ANSWERED: gettext_lazy("Our answer to your feedback on accessibility"),
}


@task()
def send_feedback_mail(*, feedback_id: int, event: str, attempt: int = 1) -> None:
    """Send the mail for `event` about one piece of feedback, once."""
    outbox.deliver_or_retry(
        send_feedback_mail,
        lambda: deliver(feedback_id=feedback_id, event=event, now=timezone.now()),
        what=f"Mail {event} for accessibility feedback {feedback_id}",
        attempt=attempt,
        arguments={"feedback_id": feedback_id, "event": event},
    )


def deliver(*, feedback_id: int, event: str, now: datetime) -> bool:
    """Send the mail unless it was sent already or has nobody to go to; True if sent.

    Raises OSError when the SMTP server fails (outbox.deliver_or_retry retries).
    """
    feedback = AccessibilityFeedback.objects.filter(pk=feedback_id).first()
    if feedback is None or event not in EVENTS:
        return False
    statement = AccessibilityStatement.objects.order_by("pk").first()
    if event == RECEIVED:
        recipient = statement.contact_email if statement else ""
    else:
        recipient = feedback.email  # blank once purged (core/retention.py)
    if not recipient or (event == ANSWERED and not feedback.answer):
        return False
    message_id = message_id_for(feedback, event)
    if SentMessage.objects.filter(message_id=message_id).exists():
        return False
    message = compose(feedback, event, to=recipient, statement=statement)
    send_and_record(message, SentMessage(message_id=message_id, sent_at=now))
    return True


def message_id_for(feedback: AccessibilityFeedback, event: str) -> str:
    return f"<accessibility-feedback-{feedback.pk}.{event}@{ics.site_host()}>"


def compose(
    feedback: AccessibilityFeedback,
    event: str,
    *,
    to: str,
    statement: AccessibilityStatement | None,
) -> EmailMultiAlternatives:
    language = settings.LANGUAGE_CODE if event == RECEIVED else feedback.language
    with translation.override(language):
        heading = str(HEADINGS[event])
        context = {
            "event": event,
            "heading": heading,
            "language": translation.get_language(),
            "language_bidi": translation.get_language_bidi(),
            "feedback": feedback,
            "statement": statement,
            "town": settings.TOWN_NAME,
            "office_url": settings.SITE_URL + reverse("office:accessibility_feedback"),
            "statement_url": settings.SITE_URL + reverse("citizen:accessibility"),
        }
        context["subject"] = heading
        text = tidy(render_to_string("core/mail/accessibility_feedback.txt", context))
        html = render_to_string("core/mail/accessibility_feedback.html", context)
    contact = statement.contact_email if statement and statement.contact_email else None
    # The office's notification can be answered straight to the citizen; theirs to the office.
    reply_to = feedback.email if event == RECEIVED else contact
    message = EmailMultiAlternatives(
        subject=heading,
        body=text,
        from_email=sender(settings.TOWN_NAME),
        to=[to],
        reply_to=[reply_to] if reply_to else None,
        headers={
            "Message-ID": message_id_for(feedback, event),
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )
    message.attach_alternative(html, "text/html")
    return message
