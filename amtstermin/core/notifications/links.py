"""Absolute links for emails, which have no request to build them from: SITE_URL plus a path."""

from django.conf import settings

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
