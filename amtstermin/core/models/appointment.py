"""Appointments, what they are for, how they changed, and how citizens reach them."""

from datetime import date, datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import Service
from .organisation import Location
from .staff import StaffMember


class Channel(models.TextChoices):
    ONLINE = "online", _("online")
    PHONE = "phone", _("phone")
    DESK = "desk", _("front desk")
    WALK_IN = "walk_in", _("walk-in")


class Status(models.TextChoices):
    RESERVED = "reserved", _("reserved, awaiting confirmation")
    BOOKED = "booked", _("booked")
    CHECKED_IN = "checked_in", _("checked in")
    CALLED = "called", _("called")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    NO_SHOW = "no_show", _("no-show")


# Statuses whose time is taken. The PostgreSQL exclusion constraint uses the same set; a reserved
# appointment holds its time exactly like a booked one until expire_holds() marks it expired.
HOLDING = (
    Status.RESERVED,
    Status.BOOKED,
    Status.CHECKED_IN,
    Status.CALLED,
    Status.DONE,
    Status.NO_SHOW,
)
CHANGEABLE = (Status.RESERVED, Status.BOOKED)


class AppointmentQuerySet(models.QuerySet):
    def holding(self) -> "AppointmentQuerySet":
        return self.filter(status__in=HOLDING)

    def overlapping(self, start: datetime, end: datetime) -> "AppointmentQuerySet":
        return self.filter(start__lt=end, end__gt=start)


class Appointment(models.Model):
    # Every index is written by every booking: the single-column ones Django adds by default
    # are left out where a composite one below starts with the same column, and the unique
    # keys are constraints, which skip PostgreSQL's second index for LIKE (ADR 0009).
    reference = models.CharField(_("reference number"), max_length=12)
    location = models.ForeignKey(
        Location,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("location"),
        db_index=False,  # appointment_location_start
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        related_name="appointments",
        verbose_name=_("staff member"),
        db_index=False,  # appointment_staff_start
    )
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.BOOKED)
    waiting_day = models.DateField(_("day of the waiting number"))
    waiting_number = models.CharField(_("waiting number"), max_length=12)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"), blank=True)
    # The address reduced to its mailbox (see core/limits.py): the per-address limit counts by it.
    email_key = models.CharField(max_length=254, blank=True, editable=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    hold_expires_at = models.DateTimeField(_("unconfirmed hold expires"), null=True, blank=True)
    # A hold booked without the proof of work: an HMAC of the client's network (never the
    # address), which the caps on such holds count by (core/limits.py). Blank otherwise, and
    # blanked once the hold is confirmed, cancelled or lapsed.
    unproven_network = models.CharField(max_length=64, blank=True, editable=False)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # Why the office cancelled (told to the citizen by mail); blanked by the purge, as it may
    # name the citizen's circumstances.
    cancel_reason = models.TextField(_("reason for cancelling"), max_length=500, blank=True)
    # A cancelled time is offered online again only from here on (the re-release delay).
    online_release_at = models.DateTimeField(null=True, blank=True, editable=False)
    # NULL, not "": most bookings have no key, and the unique constraint must not count them.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # iCalendar SEQUENCE: grows with every change the citizen's calendar must pick up.
    sequence = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"))

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            # The capacity loader's range query: staff, then time, bounded on both sides
            # (capacity_sql.intervals), so a clerk's history is never read.
            models.Index(fields=["staff", "start"], name="appointment_staff_start"),
            models.Index(fields=["location", "start"], name="appointment_location_start"),
            # Every online booking counts the mailbox's upcoming ones (limits.py). Without
            # statistics (a fresh or fast-growing table) PostgreSQL took (location, start) and
            # filtered every upcoming appointment of the location: 8 ms instead of 0.1.
            models.Index(
                fields=["location", "email_key", "start"], name="appointment_mailbox_upcoming"
            ),
            models.Index(
                fields=["hold_expires_at"],
                name="appointment_open_holds",
                condition=Q(status="reserved"),
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["reference"], name="appointment_reference_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"], name="appointment_idempotency_key_unique"
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="appointment_positive"
            ),
            models.UniqueConstraint(
                fields=["location", "waiting_day", "waiting_number"],
                name="appointment_waiting_number_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.start:%Y-%m-%d %H:%M}"

    @property
    def duration_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.location.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.location.zone)

    @property
    def local_day(self) -> date:
        return self.local_start.date()

    def is_changeable(self, *, now: datetime) -> bool:
        return self.status in CHANGEABLE and self.start > now and not self.is_stale_hold(now=now)

    def is_stale_hold(self, *, now: datetime) -> bool:
        return (
            self.status == Status.RESERVED
            and self.hold_expires_at is not None
            and self.hold_expires_at <= now
        )


class AppointmentItem(models.Model):
    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="+", verbose_name=_("service")
    )
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("booked service")
        verbose_name_plural = _("booked services")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="item_quantity_positive"),
            models.UniqueConstraint(fields=["appointment", "service"], name="item_service_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.service}"


class AppointmentEvent(models.Model):
    """The history of an appointment: who changed what, when, through which channel."""

    class Kind(models.TextChoices):
        BOOKED = "booked", _("booked")
        RESERVED = "reserved", _("reserved")
        CONFIRMED = "confirmed", _("confirmed")
        RESCHEDULED = "rescheduled", _("rescheduled")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")
        NO_SHOW = "no_show", _("marked as no-show")
        REASSIGNED = "reassigned", _("handed to another clerk")
        DISRUPTED = "disrupted", _("needs a new time (roster change)")
        CONTACT_CHANGED = "contact", _("contact details changed")
        MAIL_RESENT = "resent", _("confirmation sent again")

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind)
    at = models.DateTimeField(_("when"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    # Who did it in the back office; empty for the citizen and the system. SET_NULL: a clerk
    # who leaves is deleted by IT, the appointment's history stays.
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("staff member"),
    )

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.appointment.reference} {self.kind} {self.at:%Y-%m-%d %H:%M}"


class AccessToken(models.Model):
    """A link key for a citizen: only its SHA-256 is stored, so a database leak opens nothing.

    An appointment may have several (one per email sent), because a hash cannot be turned back
    into the link a later email needs.
    """

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    # Sent to the citizen's mailbox. Only such a key confirms a hold: the key the browser gets
    # right after booking must not, or a bot could skip the double opt-in.
    mailed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("access key")
        verbose_name_plural = _("access keys")

    def __str__(self) -> str:
        return f"{self.appointment.reference} token {self.digest[:8]}…"


class WaitingNumberCounter(models.Model):
    """Last waiting number handed out per location and day (one atomic upsert per booking)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["location", "day"], name="waiting_counter_unique")
        ]

    def __str__(self) -> str:
        return f"{self.day}: {self.last}"


class SentMessage(models.Model):
    """Message-IDs already handed to the SMTP server: a retried mail task never sends twice."""

    message_id = models.CharField(max_length=200, unique=True)
    appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, related_name="sent_messages"
    )
    sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return self.message_id
