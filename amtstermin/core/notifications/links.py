"""Absolute links for emails, which have no request to build them from: SITE_URL plus a path."""

import base64

from django.conf import settings
from django.utils.crypto import salted_hmac

# The citizen pages behind these paths arrive with the next issue. Until then their shapes are
# fixed here; once the citizen face has them, these must keep producing the same paths, because
# links in mails already sent stay valid for as long as the appointment exists.
MANAGE_PATH = "/termin/verwalten/{token}/"
CONFIRM_PATH = "/termin/bestaetigen/{token}/"
CALENDAR_PATH = "/termin/verwalten/{token}/kalender.ics"
CANCEL_PATH = "/termin/verwalten/{token}/absagen/"
RESCHEDULE_PATH = "/termin/verwalten/{token}/verschieben/"
BOOK_PATH = "/termin/"
# The status page of an online request (Melderegisterauskunft, Steuer-ID).
REQUEST_PATH = "/antrag/{token}/"
# A wish on the wish-list: its page (status, cancel), the mailbox check and an offer.
WISH_PATH = "/termin/wunsch/{token}/"
WISH_VERIFY_PATH = "/termin/wunsch/{token}/bestaetigen/"
WISH_OFFER_PATH = "/termin/wunsch/{token}/angebot/"


def manage_url(token: str) -> str:
    """View, reschedule or cancel: the page a booked citizen returns to."""
    return settings.SITE_URL + MANAGE_PATH.format(token=token)


def confirm_url(token: str) -> str:
    """The double opt-in page; it confirms only by a button (POST), never by the GET itself."""
    return settings.SITE_URL + CONFIRM_PATH.format(token=token)


def cancel_url(token: str) -> str:
    """Asks before cancelling: only the page's button (POST) cancels, never the GET itself."""
    return settings.SITE_URL + CANCEL_PATH.format(token=token)


def reschedule_url(token: str) -> str:
    """Straight to choosing a new day: for citizens whose time we can no longer keep."""
    return settings.SITE_URL + RESCHEDULE_PATH.format(token=token)


def calendar_url(token: str) -> str:
    return settings.SITE_URL + CALENDAR_PATH.format(token=token)


def book_url() -> str:
    return settings.SITE_URL + BOOK_PATH


def request_url(token: str) -> str:
    """The status page of an online request."""
    return settings.SITE_URL + REQUEST_PATH.format(token=token)


def wish_url(token: str) -> str:
    return settings.SITE_URL + WISH_PATH.format(token=token)


def wish_verify_url(token: str) -> str:
    """Asks before it counts: only the page's button (POST) verifies, never a mail scanner."""
    return settings.SITE_URL + WISH_VERIFY_PATH.format(token=token)


def wish_offer_url(token: str) -> str:
    """The offer with its accept and decline buttons (POST after the page)."""
    return settings.SITE_URL + WISH_OFFER_PATH.format(token=token)


def mail_key(message_id: str) -> str:
    """The link key the mail with `message_id` carries: the same in every attempt to send it.

    When the SMTP server took a message but its answer never arrived (a timeout after DATA, a
    dropped connection, a killed worker), the retry sends a second copy; carrying the same key,
    both copies' links work. Derived from SECRET_KEY, it is as unguessable as a random key (192
    bits, the length numbers.new_token() gives) and, like one, stored only as its digest.
    """
    mac = salted_hmac("amtstermin.mail-link-key", message_id, algorithm="sha256").digest()
    return base64.urlsafe_b64encode(mac[:24]).decode()
