"""What only the API refuses (the pages say these things with their forms)."""

from django.utils.translation import gettext_lazy as _

from amtstermin.core.errors import BookingError


class TooManyRequests(BookingError):
    message = _("Too many requests from your network. Please wait a few minutes.")

    def __init__(self, retry_after: int):
        super().__init__()
        self.retry_after = retry_after


class NoConsent(BookingError):
    message = _("Please agree to the privacy notice (consent: true).")


class CheckFailed(BookingError):
    message = _("The security check failed. Please solve a new challenge.")


class UnknownLanguage(BookingError):
    message = _("This language is not offered.")
