"""What leaving a wish can run into; each says it in the citizen's language."""

from django.utils.translation import gettext_lazy as _

from ..errors import BookingError


class AlreadyWishing(BookingError):
    message = _(
        "This email address is already on the wish-list for these services. You can see or "
        "cancel that wish through the link in its email."
    )


class NoDays(BookingError):
    message = _("Please choose at least one weekday.")


class OutsideWindow(BookingError):
    message = _("Please choose a latest day that has not passed and a time range that is open.")


class OfferGone(BookingError):
    message = _("This offer is no longer open: it was accepted, declined or has lapsed.")
