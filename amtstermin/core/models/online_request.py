"""Services done without a visit: a citizen's request, its history and its link keys."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalog import RequestKind, Service
from .staff import StaffMember


class OnlineRequestQuerySet(models.QuerySet):
    def confirmed(self) -> "OnlineRequestQuerySet":
        """Requests whose requester followed the emailed link, or sent the proof of work."""
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self) -> "OnlineRequestQuerySet":
        """Requests sent without JavaScript, held until the emailed link is followed."""
        return self.filter(confirmed_at__isnull=True)


class OnlineRequest(models.Model):
    """A Melderegisterauskunft or Steuer-ID request; written only by core/online_requests.py."""

    Kind = RequestKind

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        IN_PROGRESS = "in_progress", _("in progress")
        ANSWERED = "answered", _("answered")
        REJECTED = "rejected", _("rejected")

    reference = models.CharField(_("reference number"), max_length=12, unique=True)
    service = models.ForeignKey(
        Service, on_delete=models.PROTECT, related_name="online_requests", verbose_name=_("service")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.SUBMITTED)
    name = models.CharField(_("name"), max_length=120)
    email = models.EmailField(_("email"))
    # The mailbox (core/limits.py) while the request waits for confirmation: the "please confirm"
    # mails one mailbox gets are counted by it. Blanked once the request is confirmed.
    email_key = models.CharField(max_length=254, blank=True, db_index=True, editable=False)
    postal_address = models.TextField(_("postal address"), max_length=300)
    language = models.CharField(_("language"), max_length=8, default="de")
    # The person searched (Melderegisterauskunft) or the citizen's own data (Steuer-ID).
    data = models.JSONField(_("form data"), default=dict)
    fee = models.DecimalField(_("fee"), max_digits=7, decimal_places=2, default=0)
    staff_notes = models.TextField(_("staff notes"), blank=True)
    claimed_by = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="online_requests",
        verbose_name=_("handled by"),
    )
    answer = models.TextField(_("answer"), blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"))
    # Empty while a request sent without the proof of work (no JavaScript) waits for the
    # requester to follow the emailed link: the mailbox is the human check. Staff never see it.
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = OnlineRequestQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("online request")
        verbose_name_plural = _("online requests")
        indexes = [models.Index(fields=["status", "created_at"], name="online_request_queue")]

    def __str__(self) -> str:
        return f"{self.reference} {self.get_kind_display()}"

    @property
    def answered_by_post(self) -> bool:
        """The tax ID goes only by post to the registered address: never by email or web page
        (DOMAIN.md), where a wrong address typed in would hand it to a stranger."""
        return self.kind == self.Kind.STEUER_ID

    def answer_for_requester(self) -> str:
        """The answer as the requester may read it in a mail or on the status page."""
        if self.status != self.Status.ANSWERED or self.answered_by_post:
            return ""
        return self.answer


class OnlineRequestEvent(models.Model):
    """The history of an online request: which status, when, by whom."""

    request = models.ForeignKey(OnlineRequest, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(_("new status"), max_length=12, choices=OnlineRequest.Status)
    at = models.DateTimeField(_("when"))
    staff = models.ForeignKey(
        StaffMember,
        on_delete=models.PROTECT,
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
        return f"{self.request.reference} {self.status} {self.at:%Y-%m-%d %H:%M}"


class OnlineRequestToken(models.Model):
    """A link to the request's status page; only its SHA-256 is stored, as for AccessToken."""

    request = models.ForeignKey(OnlineRequest, on_delete=models.CASCADE, related_name="tokens")
    digest = models.CharField(max_length=64, unique=True)
    # The key went out by email: following it proves access to the mailbox (the confirmation).
    mailed = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        verbose_name = _("access key")
        verbose_name_plural = _("access keys")

    def __str__(self) -> str:
        return f"{self.request.reference} token {self.digest[:8]}…"
