"""Typed domain errors. Each carries a message a citizen can read, in the active language."""

from datetime import datetime

from django.utils.translation import gettext_lazy as _


class BookingError(Exception):
    """Base of every rule a booking request can break; nothing was written when it is raised."""

    message = _("This request cannot be processed.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


class NoItems(BookingError):
    message = _("Please choose at least one service.")


class NotOffered(BookingError):
    message = _("This service cannot be booked at this location.")


class TooManyUnits(BookingError):
    message = _("This quantity is more than one appointment can take.")


class InvalidStart(BookingError):
    message = _("Appointments start on the location's time grid; please choose an offered time.")


class TooShortNotice(BookingError):
    message = _("This time is too soon to book; please choose a later time.")


class OutsideHorizon(BookingError):
    message = _("This day cannot be booked yet or is in the past.")


class InvalidContact(BookingError):
    message = _("Please give a name and a valid email address.")


class NotChangeable(BookingError):
    message = _("This appointment can no longer be changed.")


class HoldExpired(BookingError):
    message = _("The confirmation period has passed; please book again.")


class SlotTaken(BookingError):
    """Someone was faster (or the time was never free); `alternatives` are the nearest starts."""

    message = _("This time was just taken. Please choose another one.")

    def __init__(self, alternatives: list[datetime] | None = None):
        super().__init__()
        self.alternatives = alternatives or []
