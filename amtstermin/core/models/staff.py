"""Who works when: staff, their skills, weekly rosters, absences and location closures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalog import Service
from .organisation import Department, Location

WEEKDAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class StaffMember(models.Model):
    class Role(models.TextChoices):
        CLERK = "clerk", _("clerk")
        TEAM_LEAD = "team_lead", _("team lead")
        ADMINISTRATOR = "admin", _("administrator")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff_member",
        verbose_name=_("login"),
    )
    name = models.CharField(_("name"), max_length=120)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="staff", verbose_name=_("department")
    )
    skills = models.ManyToManyField(
        Service, related_name="skilled_staff", blank=True, verbose_name=_("skills")
    )
    # What the back office lets this person see and do: a clerk or team lead works for one
    # department at the locations listed; an administrator sees every department and location.
    role = models.CharField(_("role"), max_length=10, choices=Role, default=Role.CLERK)
    locations = models.ManyToManyField(
        Location, related_name="staff_members", blank=True, verbose_name=_("works at")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")

    def __str__(self) -> str:
        return self.name


class RosterBlock(models.Model):
    """A weekly working block; gaps between blocks are breaks."""

    staff = models.ForeignKey(
        StaffMember, on_delete=models.CASCADE, related_name="roster", verbose_name=_("staff member")
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="roster", verbose_name=_("location")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=WEEKDAYS)
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    online_bookable = models.BooleanField(
        _("bookable online"),
        default=True,
        help_text=_("Off: kept back for phone, front desk and walk-ins."),
    )

    class Meta:
        ordering = ["staff", "weekday", "start_time"]
        verbose_name = _("roster block")
        verbose_name_plural = _("roster blocks")
        indexes = [models.Index(fields=["location", "weekday"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="roster_block_positive"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from")),
                name="roster_block_validity_order",
            ),
        ]

    def __str__(self) -> str:
        hours = f"{self.start_time:%H:%M}–{self.end_time:%H:%M}"
        return f"{self.staff} {self.get_weekday_display()} {hours}"


class Absence(models.Model):
    class Reason(models.TextChoices):
        LEAVE = "leave", _("leave")
        SICKNESS = "sickness", _("sickness")
        TRAINING = "training", _("training")
        OTHER = "other", _("other")

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="absences",
        verbose_name=_("staff member"),
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=10, choices=Reason, default=Reason.LEAVE)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("absence")
        verbose_name_plural = _("absences")
        indexes = [models.Index(fields=["staff", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="absence_positive")
        ]

    def __str__(self) -> str:
        return f"{self.staff}: {self.get_reason_display()}"


class Closure(models.Model):
    """The whole location is closed (staff outing, works, a local holiday)."""

    REASON_LIMIT = 200

    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="closures", verbose_name=_("location")
    )
    start = models.DateTimeField(_("from"))
    end = models.DateTimeField(_("until"))
    reason = models.CharField(_("reason"), max_length=REASON_LIMIT)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        indexes = [models.Index(fields=["location", "start"])]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="closure_positive")
        ]

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"
