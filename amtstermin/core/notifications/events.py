from django.db import models


class MailEvent(models.TextChoices):
    """Why an appointment email is sent; part of its Message-ID, so each is sent once."""

    CONFIRM_REQUEST = "confirm-request"  # reserved: please confirm through the link
    BOOKED = "booked"
    RESCHEDULED = "rescheduled"
    CANCELLED = "cancelled"
