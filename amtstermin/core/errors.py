"""Typed domain errors. Each carries a message a citizen can read, in the active language."""

from datetime import datetime
from typing import TYPE_CHECKING

from django.utils import formats
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from .models import Appointment


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


class TooManyActive(BookingError):
    """The address already holds the location's maximum of upcoming online appointments.

    Worded without saying how many or which appointments exist: whoever typed the address
    learns only that it cannot book more online right now (see core/limits.py).
    """

    message = _(
        "This email address cannot book more appointments online at the moment. Please cancel "
        "an appointment you no longer need, or call us."
    )


class TooManyUnproven(BookingError):
    """Holds without the proof of work have taken their share of this day (core/limits.py).

    Nothing is held: the time stays free for everyone else.
    """

    def __init__(self, *, phone: str = ""):
        if not phone:
            super().__init__(
                _(
                    "At the moment we cannot hold any more times for bookings without the "
                    "automatic check against bots. Please try again later, switch on JavaScript "
                    "to book at once, or call us."
                )
            )
            return
        super().__init__(
            _(
                "At the moment we cannot hold any more times for bookings without the automatic "
                "check against bots. Please try again later, switch on JavaScript to book at "
                "once, or call us at %(phone)s."
            )
            % {"phone": phone}
        )


class HoldExpired(BookingError):
    message = _("The confirmation period has passed; please book again.")


class SlotTaken(BookingError):
    """Someone was faster (or the time was never free); `alternatives` are the nearest starts."""

    message = _("This time was just taken. Please choose another one.")

    def __init__(self, alternatives: list[datetime] | None = None):
        super().__init__()
        self.alternatives = alternatives or []


class OutsideOpeningHours(BookingError):
    """A walk-in number asked for while the location is closed; `message` says why."""


class CheckInError(BookingError):
    """Base of the rules a check-in can break; nothing was written when it is raised.

    `message` speaks to the citizen (kiosk); `clerk_message` to staff at the desk, naming the
    citizen, when the error knows the appointment.
    """

    message = _("Check-in is not possible. Please ask at the front desk.")

    def __init__(self, message=None, *, appointment: "Appointment | None" = None):
        self.appointment = appointment
        super().__init__(message)

    @property
    def clerk_message(self) -> str:
        if self.appointment is None:
            return str(self.message)
        zone = self.appointment.location.zone
        return self.for_clerk(self.appointment, self.appointment.start.astimezone(zone))

    def for_clerk(self, appointment: "Appointment", start: datetime) -> str:
        return str(self.message)


class UnknownReference(CheckInError):
    message = _("We cannot find an appointment with this reference number. Please check it.")

    def for_clerk(self, appointment, start):
        # Found, but cancelled, expired, done or missed.
        return _(
            "The appointment of %(name)s cannot be checked in: its status is “%(status)s”."
        ) % {
            "name": appointment.name,
            "status": appointment.get_status_display(),
        }


class NotToday(CheckInError):
    message = _("Your appointment is not today. Please come on the day of your appointment.")

    def for_clerk(self, appointment, start):
        return _("The appointment of %(name)s is on %(weekday)s, %(day)s – not today.") % {
            "name": appointment.name,
            "weekday": formats.date_format(start, "l"),
            "day": formats.date_format(start, "MONTH_DAY_FORMAT"),
        }


class NotConfirmed(CheckInError):
    message = _("Your appointment was not confirmed by email. Please ask at the front desk.")

    def for_clerk(self, appointment, start):
        return _("%(name)s has not confirmed the appointment by email yet.") % {
            "name": appointment.name
        }


class TooEarly(CheckInError):
    def __init__(self, come_back_at: datetime, *, appointment=None, opens_at=None):
        self.come_back_at = come_back_at
        self.opens_at = opens_at
        super().__init__(
            _("You are early. Please come back at %(time)s.")
            % {"time": formats.time_format(come_back_at)},
            appointment=appointment,
        )

    def for_clerk(self, appointment, start):
        return _("%(name)s is early: the appointment is at %(time)s, check-in from %(opens)s.") % {
            "name": appointment.name,
            "time": formats.time_format(start),
            "opens": formats.time_format(self.opens_at.astimezone(start.tzinfo)),
        }


class TooLate(CheckInError):
    message = _(
        "Your appointment time has passed. Please ask at the front desk or book a new appointment."
    )

    def for_clerk(self, appointment, start):
        return _(
            "The appointment of %(name)s was at %(time)s; this location asks late arrivals to "
            "book a new appointment."
        ) % {"name": appointment.name, "time": formats.time_format(start)}


class NotCalled(CheckInError):
    message = _("This visitor is not called at the moment.")


class FormError(Exception):
    """A rule a citizen's form broke; nothing was written when it is raised.

    `field` names the form field the message belongs to, if any.
    """

    message = _("This cannot be processed.")
    field: str | None = None

    def __init__(self, message=None, *, field=None):
        if message is not None:
            self.message = message
        if field is not None:
            self.field = field
        super().__init__(str(self.message))


class OnlineRequestError(FormError):
    """Base of the rules an online request can break."""

    message = _("This request cannot be processed.")


class FeedbackError(FormError):
    """Feedback on a barrier, or its answer, that cannot be stored."""

    message = _("This feedback cannot be processed.")


class AlreadyAnswered(FeedbackError):
    message = _("This feedback has already been answered.")


class NotRequestable(OnlineRequestError):
    message = _("This service cannot be requested online.")


class TooManyUnconfirmedRequests(OnlineRequestError):
    """The mailbox got its daily number of "please confirm" mails (core/limits.py)."""

    field = "email"
    message = _(
        "We cannot send another confirmation email to this address today. Please confirm "
        "through the link in the email we already sent, or try again tomorrow."
    )


class InvalidRequester(OnlineRequestError):
    message = _("Please give your name, a valid email address and your postal address.")


class MissingName(OnlineRequestError):
    field = "last_name"
    message = _("Please give the first and last name of the person you are looking for.")


class InvalidBirthDate(OnlineRequestError):
    field = "date_of_birth"
    message = _("Please give a valid date of birth.")


class MissingLastAddress(OnlineRequestError):
    field = "last_known_address"
    message = _("Please give the last address you know of the person.")


class MissingPurpose(OnlineRequestError):
    field = "purpose"
    message = _("Please tell us what you need the information for.")


class MissingPlaceOfBirth(OnlineRequestError):
    field = "place_of_birth"
    message = _("Please give your place of birth.")


class NoConsent(OnlineRequestError):
    field = "consent"
    message = _("Please confirm that you accept the fee and that your details are correct.")


class MissingText(OnlineRequestError):
    field = "text"
    message = _("Please write the answer or the reason for the rejection.")


class NotYourDepartment(OnlineRequestError):
    message = _("This request belongs to another department.")


class AlreadyClaimed(OnlineRequestError):
    message = _("A colleague is already working on this request.")


class NotClaimed(OnlineRequestError):
    message = _("Please take on the request before answering it.")


class RequestNotConfirmed(OnlineRequestError):
    message = _("The requester has not confirmed this request yet.")


class RequestClosed(OnlineRequestError):
    message = _("This request has already been answered or rejected.")
