"""Wish-list emails: the mailbox check, and each offer with its accept and decline links.

Sent once per wish and event (per offer for offers); a mail held up by a dead SMTP server is
dropped once it no longer applies (an offer that lapsed, a wish verified already).
"""

import logging
from datetime import datetime

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import numbers
from ..models import SentMessage, Wish, WishOffer, WishToken
from ..summary import items_of
from . import ics, links
from .events import WISH_OFFER as OFFER
from .events import WISH_VERIFY as VERIFY
from .mail import send_and_record, sender, tidy

logger = logging.getLogger(__name__)

HEADINGS = {
    VERIFY: gettext_lazy("Please confirm your wish for an appointment"),
    OFFER: gettext_lazy("A time is held for you"),
}


def deliver(*, wish_id: int, event: str, offer_id: int | None, now: datetime) -> bool:
    """Send the mail unless sent already or no longer applying; True if sent. Raises OSError
    when the SMTP server fails (the task retries, with the same link)."""
    wish = Wish.objects.filter(pk=wish_id).first()
    if wish is None or not wish.email:
        return False
    offer = None
    if event == VERIFY and wish.status != Wish.Status.UNVERIFIED:
        return False
    if event == OFFER:
        if offer_id is None:
            return False
        offer = (
            WishOffer.objects.select_related("appointment__location")
            .filter(pk=offer_id, wish=wish, state=WishOffer.State.OPEN)
            .first()
        )
        if offer is None:
            logger.info("Offer mail for %s dropped: the offer is no longer open", wish)
            return False
    message_id = f"<{wish.reference}.wish-{event}-{offer_id or 0}@{ics.site_host()}>"
    if SentMessage.objects.filter(message_id=message_id).exists():
        return False
    token = links.mail_key(message_id)
    key = WishToken(wish=wish, digest=numbers.digest(token), mailed=True, created_at=now)
    WishToken.objects.bulk_create([key], ignore_conflicts=True)
    send_and_record(
        compose(wish, event, offer, token=token, message_id=message_id),
        SentMessage(message_id=message_id, sent_at=now),
    )
    return True


def compose(wish: Wish, event: str, offer, *, token: str, message_id: str):
    with translation.override(wish.language):
        context: dict = {
            "heading": str(HEADINGS[event]),
            "event": event,
            "wish": wish,
            "language": translation.get_language(),
            "language_bidi": translation.get_language_bidi(),
            "services": [f"{row.quantity} × {row.service.name}" for row in wish.items.all()],
            "wish_url": links.wish_url(token),
            "verify_url": links.wish_verify_url(token),
            "offer_url": links.wish_offer_url(token),
        }
        if offer is not None:
            appointment = offer.appointment
            location = appointment.location
            zone = location.zone
            context.update(
                {
                    "location": location,
                    "when": formats.date_format(
                        appointment.start.astimezone(zone), "DATETIME_FORMAT"
                    ),
                    "until": formats.date_format(
                        appointment.hold_expires_at.astimezone(zone), "DATETIME_FORMAT"
                    ),
                    "items": items_of(appointment),
                }
            )
        subject = _("%(heading)s: %(reference)s") % {
            "heading": context["heading"],
            "reference": wish.reference,
        }
        context["subject"] = subject
        text = tidy(render_to_string("core/mail/wish.txt", context))
        html = render_to_string("core/mail/wish.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=sender(settings.TOWN_NAME),
        to=[wish.email],
        headers={"Message-ID": message_id, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message
