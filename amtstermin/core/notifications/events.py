from django.db import models


class MailEvent(models.TextChoices):
    """Why an appointment email is sent; part of its Message-ID, so each is sent once."""

    CONFIRM_REQUEST = "confirm-request"  # reserved: please confirm through the link
    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
    REMINDER = "reminder"  # a while before the start; see notifications/reminders.py
    DISRUPTED = "disrupted"  # a roster change left nobody to serve it: please choose a new time
    MANAGE_LINK = "manage-link"  # asked for again on the start page (booking.send_manage_link)


# An online request's first mail when it came without the proof of work: please confirm. Its
# other mails are named by the status they report (OnlineRequest.Status).
CONFIRM_REQUEST = "confirm-request"

# The wish-list's mails (notifications/wish_mail.py): please confirm your mailbox; a time is
# held for you, accept or decline.
WISH_VERIFY = "verify"
WISH_OFFER = "offer"
