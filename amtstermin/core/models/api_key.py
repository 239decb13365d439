"""API keys for other systems (registration software, kiosks): the staff API's logins."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .staff import StaffMember


class ApiKey(models.Model):
    """A key acts as its own staff member, so its scope (department, locations, or everything
    for an administrator's) is the office's scope, and every change it makes is in the history
    under its name. Only the SHA-256 digest of the key is stored."""

    class Access(models.TextChoices):
        READ = "read", _("read only")
        WRITE = "write", _("read and write")

    staff = models.OneToOneField(
        StaffMember, on_delete=models.PROTECT, related_name="api_key", verbose_name=_("acts as")
    )
    access = models.CharField(_("access"), max_length=5, choices=Access, default=Access.READ)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # The key's first characters, so an administrator can tell keys apart; not a secret.
    prefix = models.CharField(_("begins with"), max_length=12, editable=False)
    created_at = models.DateTimeField(_("created"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        ordering = ["staff__name"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return self.staff.name

    @property
    def may_write(self) -> bool:
        return self.access == self.Access.WRITE


class ApiCall(models.Model):
    """One call of the staff API: the audit trail of what a key read or did, kept for the
    retention period (core/retention.py). Writes are also in the appointments' history."""

    key = models.ForeignKey(
        ApiKey, on_delete=models.CASCADE, related_name="calls", verbose_name=_("API key")
    )
    at = models.DateTimeField(_("when"))
    method = models.CharField(_("method"), max_length=8)
    path = models.CharField(_("address"), max_length=300)
    status = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("API call")
        verbose_name_plural = _("API calls")
        indexes = [models.Index(fields=["key", "at"], name="api_call_key_at")]

    def __str__(self) -> str:
        return f"{self.method} {self.path}"
