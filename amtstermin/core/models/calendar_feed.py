"""A clerk's calendar subscription: a secret address their Outlook or Thunderbird polls."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .staff import StaffMember


class CalendarFeed(models.Model):
    """One staff member's iCalendar address. Only the SHA-256 of its token is stored, as for
    AccessToken, so a database dump opens no calendar; a revoked feed stays as a record."""

    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
        verbose_name=_("staff member"),
    )
    digest = models.CharField(max_length=64, unique=True)
    # Citizens' names travel to a calendar outside the town's systems (a phone, a cloud):
    # only when the clerk asks for them, and then only for appointments in their scope.
    include_names = models.BooleanField(_("with citizens' names"), default=False)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # Written at most every few minutes (core/calendar_feed.py), not on every poll.
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            # A new feed replaces the old one: at most one open address per staff member.
            models.UniqueConstraint(
                fields=["staff"],
                condition=Q(revoked_at__isnull=True),
                name="calendar_feed_one_open",
            )
        ]

    def __str__(self) -> str:
        return f"{self.staff} feed {self.digest[:8]}…"
