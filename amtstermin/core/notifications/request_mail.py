"""Online request emails: one per status a request reaches, in the requester's language, once.

A request sent without the proof of work first gets a "please confirm" mail (CONFIRM_REQUEST);
its link is the only one that confirms, and the receipt follows the confirmation.

The Steuer-ID answer goes by post to the registered address, never by email: its mails never
carry the answer text.
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import numbers
from ..models import Department, Location, OnlineRequest, OnlineRequestToken, SentMessage
from . import ics, links
from .events import CONFIRM_REQUEST
from .mail import send_and_record, sender, tidy

logger = logging.getLogger(__name__)

Status = OnlineRequest.Status

HEADINGS = {
    CONFIRM_REQUEST: gettext_lazy("Please confirm your request"),
    Status.SUBMITTED: gettext_lazy("We have received your request"),
    Status.IN_PROGRESS: gettext_lazy("We are working on your request"),
    Status.ANSWERED: gettext_lazy("Your request has been answered"),
    Status.REJECTED: gettext_lazy("Your request has been rejected"),
}
# The receipt always applies; a later mail only while the request still has its status, so a
# mail held up by a dead SMTP server never contradicts a newer one.
STILL_APPLIES = {
    Status.SUBMITTED: set(Status),
    Status.IN_PROGRESS: {Status.IN_PROGRESS},
    Status.ANSWERED: {Status.ANSWERED},
    Status.REJECTED: {Status.REJECTED},
}


def deliver(*, request_id: int, event: str, now: datetime) -> bool:
    """Send the mail for `event` unless it was sent already or no longer applies; True if sent.

    Raises OSError when the SMTP server fails; the mail is not recorded as sent then, so a
    later attempt sends it, with the same link (links.mail_key).
    """
    found = OnlineRequest.objects.select_related("service__department").filter(pk=request_id)
    request = found.first()
    if request is None or not request.email:
        return False  # deleted, or its personal data purged since (core/retention.py)
    if event == CONFIRM_REQUEST and request.confirmed_at is not None:
        logger.info("Mail %s for %s dropped: it is confirmed already", event, request)
        return False
    if event != CONFIRM_REQUEST and request.status not in STILL_APPLIES[Status(event)]:
        logger.info("Mail %s for %s dropped: it is %s now", event, request, request.status)
        return False
    message_id = message_id_for(request, event)
    if SentMessage.objects.filter(message_id=message_id).exists():
        return False
    # Kept when sending fails, as for appointments (mail.deliver): a lost answer is no dead link.
    token = links.mail_key(message_id)
    key = OnlineRequestToken(
        request=request, digest=numbers.digest(token), mailed=True, created_at=now
    )
    OnlineRequestToken.objects.bulk_create([key], ignore_conflicts=True)  # stored at the first try
    send_and_record(
        compose(request, event, token=token), SentMessage(message_id=message_id, sent_at=now)
    )
    return True


def message_id_for(request: OnlineRequest, event: str) -> str:
    """One Message-ID per request and status (or the confirmation): each is reached once."""
    return f"<{request.reference}.request-{event}@{ics.site_host()}>"


def contact_office(department: Department) -> Location | None:
    """Where requesters reach the department: the first location offering one of its services.

    A department has no address of its own; its clerks work at these locations.
    """
    return Location.objects.filter(services__department=department).order_by("pk").first()


def department_sender_name(department: Department) -> str:
    """ "Standesamt Musterstadt": the department, and the town unless its name already says it."""
    town = settings.TOWN_NAME
    return department.name if town in department.name else f"{department.name} {town}"


def compose(request: OnlineRequest, event: str, *, token: str) -> EmailMultiAlternatives:
    department = request.service.department
    office = contact_office(department)
    with translation.override(request.language):
        context = {
            "event": event,
            "heading": str(HEADINGS[event]),
            "language": translation.get_language(),
            "language_bidi": translation.get_language_bidi(),
            "request": request,
            "service": request.service,
            "department": department,
            "office": office,
            "by_post": request.answered_by_post,
            "answer": request.answer_for_requester() if event == Status.ANSWERED else "",
            "status_url": links.request_url(token),
        }
        subject = _("%(heading)s: %(reference)s") % {
            "heading": context["heading"],
            "reference": request.reference,
        }
        context["subject"] = subject
        text = tidy(render_to_string("core/mail/online_request.txt", context))
        html = render_to_string("core/mail/online_request.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(department_sender_name(department)),
        to=[request.email],
        reply_to=[office.email] if office and office.email else None,
        headers={
            "Message-ID": message_id_for(request, event),
            "Auto-Submitted": "auto-generated",  # RFC 3834: no out-of-office replies
        },
    )
    message.attach_alternative(html, "text/html")
    return message
