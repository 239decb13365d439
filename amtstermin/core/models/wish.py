"""The wish-list: people for whom no time fit, served in order as capacity frees up
(core/wishes/)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .appointment import Appointment
from .catalog import Service
from .organisation import Location
from .staff import StaffMember

ALL_WEEKDAYS = 0b1111111  # bit 0 Monday … bit 6 Sunday


class Wish(models.Model):
    class Status(models.TextChoices):
        UNVERIFIED = "unverified", _("waiting for the email check")
        WAITING = "waiting", _("waiting for a time")
        OFFERED = "offered", _("a time is offered")
        FULFILLED = "fulfilled", _("booked")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    reference = models.CharField(_("reference number"), max_length=12, unique=True)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.UNVERIFIED)
    locations = models.ManyToManyField(Location, related_name="wishes", verbose_name=_("locations"))
    weekdays = models.PositiveSmallIntegerField(
        _("weekdays"), default=ALL_WEEKDAYS, help_text=_("bit 0 Monday … bit 6 Sunday")
    )
    earliest_time = models.TimeField(_("not before"), null=True, blank=True)
    latest_time = models.TimeField(_("ending by"), null=True, blank=True)
    latest_date = models.DateField(_("latest day"))
    name = models.CharField(_("name"), max_length=120)
    # Empty for a wish left by phone without one: no mails, the desk calls (wishes/store.py).
    email = models.EmailField(_("email"), blank=True)
    # The mailbox as the limits count it (one waiting wish per mailbox and set of services).
    email_key = models.CharField(max_length=254, db_index=True, editable=False)
    services_key = models.CharField(max_length=200, editable=False)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    urgent = models.BooleanField(_("urgent"), default=False)
    urgent_reason = models.CharField(_("reason for urgency"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"))
    # The queue's order: the moment the mailbox was proven (an unproven wish holds no place).
    verified_at = models.DateTimeField(_("email checked"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The office's part: who left it for a caller (and vouched for the caller instead of a
    # mailbox), who placed it directly (an urgent case) and the appointment that was booked.
    left_by = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_by = models.ForeignKey(
        StaffMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    placed_appointment = models.ForeignKey(
        Appointment, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["verified_at", "pk"]
        verbose_name = _("wish")
        verbose_name_plural = _("wishes")
        indexes = [models.Index(fields=["status", "verified_at"], name="wish_queue")]
        constraints = [
            # One open wish per verified mailbox and set of services: more mailboxes, not more
            # wishes, would be a bot's only lever, and each costs a proof of work.
            models.UniqueConstraint(
                fields=["email_key", "services_key"],
                condition=Q(status__in=["waiting", "offered"]),
                name="wish_one_open_per_mailbox",
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class WishItem(models.Model):
    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.service}"


class WishToken(models.Model):
    """A link key to a wish (SHA-256 digest only): the mailed one proves the mailbox."""

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    mailed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.wish} ({'mailed' if self.mailed else 'browser'})"


class WishOffer(models.Model):
    """A freed time held for one wish: a reserved appointment until accepted, declined or
    lapsed. The hold keeps it from everyone else (online and other wishes) meanwhile."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        LAPSED = "lapsed", _("lapsed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    wish = models.ForeignKey(Wish, on_delete=models.CASCADE, related_name="offers")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.PROTECT, related_name="wish_offer"
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.OPEN)
    created_at = models.DateTimeField(_("offered"))
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            # One open offer per wish: the next time goes to the next wish.
            models.UniqueConstraint(
                fields=["wish"], condition=Q(state="open"), name="wish_one_open_offer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.wish}: {self.appointment}"
