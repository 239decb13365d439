"""The waiting area: who is here, who was called to which counter, and when they were done.

A visit starts when a citizen checks in (with an appointment) or draws a number (walk-in). Its
events are the source of the waiting-time statistics; the call display reads the calls.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .appointment import Appointment
from .catalog import Service
from .organisation import Counter, Location
from .staff import StaffMember


class Visit(models.Model):
    class Kind(models.TextChoices):
        APPOINTMENT = "appointment", _("appointment")
        WALK_IN = "walk_in", _("walk-in")

    class State(models.TextChoices):
        WAITING = "waiting", _("waiting")
        CALLED = "called", _("called")
        DONE = "done", _("done")
        NO_SHOW = "no_show", _("did not come when called")

    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, related_name="visits", verbose_name=_("location")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    appointment = models.OneToOneField(
        Appointment,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="visit",
        verbose_name=_("appointment"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.WAITING)
    waiting_day = models.DateField(_("day"))
    waiting_number = models.CharField(_("waiting number"), max_length=12)
    # When the visitor is due: the appointment's start, or the moment a walk-in drew a number.
    due_at = models.DateTimeField(_("due"))
    minutes = models.PositiveIntegerField(_("expected minutes"))
    checked_in_at = models.DateTimeField(_("checked in"))
    called_at = models.DateTimeField(_("called"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    counter = models.ForeignKey(
        Counter, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("counter")
    )
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="visits",
        verbose_name=_("served by"),
    )
    calls = models.PositiveSmallIntegerField(_("times called"), default=0)

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        indexes = [
            models.Index(
                fields=["location", "due_at"],
                name="visit_waiting",
                condition=Q(state="waiting"),
            ),
            models.Index(fields=["location", "waiting_day"], name="visit_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="walk_in", appointment__isnull=True)
                | Q(kind="appointment", appointment__isnull=False),
                name="visit_kind_matches_appointment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.waiting_number} {self.get_state_display()}"


class VisitItem(models.Model):
    """The services a visitor came for: what the called clerk must be skilled in."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="items")
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveSmallIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "service"], name="visit_item_once"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.service}"


class VisitEvent(models.Model):
    class Kind(models.TextChoices):
        CHECKED_IN = "checked_in", _("checked in")
        CALLED = "called", _("called")
        RECALLED = "recalled", _("called again")
        NO_SHOW = "no_show", _("did not come when called")
        DONE = "done", _("done")

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="events")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what happened"), max_length=12, choices=Kind)
    at = models.DateTimeField(_("when"))
    counter = models.ForeignKey(Counter, on_delete=models.SET_NULL, null=True, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["at", "pk"]
        indexes = [
            # The call display: the latest calls of a location.
            models.Index(fields=["location", "-at"], name="visit_event_latest"),
        ]

    def __str__(self) -> str:
        return f"{self.visit.waiting_number} {self.kind} {self.at:%H:%M}"


class DeviceLink(models.Model):
    """A screen without a login (call display, check-in kiosk), opened by a secret link.

    Only the link's SHA-256 is stored; staff revoke a lost or replaced screen's link.
    """

    class Kind(models.TextChoices):
        DISPLAY = "display", _("call display")
        KIOSK = "kiosk", _("check-in kiosk")

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="devices", verbose_name=_("location")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=80, help_text=_("e.g. Waiting room, left wall"))
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["location", "kind", "name"]
        verbose_name = _("device link")
        verbose_name_plural = _("device links")

    def __str__(self) -> str:
        return f"{self.location} – {self.name}"
