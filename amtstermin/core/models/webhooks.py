"""Webhooks: addresses a department's systems receive events at, and the log of each delivery.

Written by core/webhooks.py (deliveries) and the Django admin (endpoints are configuration).
"""

import base64
import ipaddress
import secrets
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Department

# 32 random bytes: the Standard Webhooks spec asks for 24 to 64.
SECRET_BYTES = 32
SECRET_PREFIX = "whsec_"


class WebhookEvent(models.TextChoices):
    """The events a receiver can subscribe to; the value is the payload's "type"."""

    APPOINTMENT_BOOKED = "appointment.booked", _("appointment booked")
    APPOINTMENT_MOVED = "appointment.moved", _("appointment moved")
    APPOINTMENT_CANCELLED = "appointment.cancelled", _("appointment cancelled")
    APPOINTMENT_CHECKED_IN = "appointment.checked_in", _("appointment checked in")
    APPOINTMENT_DONE = "appointment.done", _("appointment done")
    APPOINTMENT_NO_SHOW = "appointment.no_show", _("appointment: citizen did not come")
    REQUEST_SUBMITTED = "online_request.submitted", _("online request submitted")
    REQUEST_ANSWERED = "online_request.answered", _("online request answered")
    REQUEST_REJECTED = "online_request.rejected", _("online request rejected")


def new_secret() -> str:
    """A fresh signing key, base64 as the spec writes it (without the "whsec_" prefix)."""
    return base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii")


def validate_webhook_url(url: str) -> None:
    """https only; plain http only to this machine, and only where the setting allows it
    (development and the tests' local receiver). Raises ValidationError."""
    parts = urlsplit(url)
    if parts.username or parts.password:
        raise ValidationError(_("Put no user name or password into the address."))
    if parts.scheme == "https" and parts.hostname:
        return
    if parts.scheme == "http" and settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP and _loopback(parts):
        return
    raise ValidationError(_("Enter an https:// address."))


def _loopback(parts) -> bool:
    if parts.hostname == "localhost":
        return True
    try:
        return ipaddress.ip_address(parts.hostname or "").is_loopback
    except ValueError:
        return False


def validate_events(value) -> None:
    if not isinstance(value, list) or not value or not set(value) <= set(WebhookEvent.values):
        raise ValidationError(_("Choose at least one of the listed events."))


class WebhookEndpoint(models.Model):
    """An address a department's system receives signed events at (Standard Webhooks)."""

    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=80, help_text=_("e.g. the registration software"))
    url = models.URLField(
        _("address"), max_length=500, validators=[validate_webhook_url], help_text=_("https://…")
    )
    # Kept readable: signing needs the key itself. Shown once, when the endpoint is created.
    secret = models.CharField(max_length=100, default=new_secret, editable=False)
    events = models.JSONField(_("events"), default=list, validators=[validate_events])
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["department", "name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        indexes = [models.Index(fields=["department", "active"], name="webhook_endpoint_active")]

    def __str__(self) -> str:
        return f"{self.department} – {self.name}"

    @property
    def signing_secret(self) -> str:
        """The secret as the receiver enters it."""
        return SECRET_PREFIX + self.secret


class WebhookDeliveryQuerySet(models.QuerySet):
    def pending(self) -> "WebhookDeliveryQuerySet":
        return self.filter(next_attempt_at__isnull=False)


class WebhookDelivery(models.Model):
    """One event for one endpoint, and how sending it went. The body is kept as sent, so every
    attempt sends the same bytes under the same id (receivers deduplicate by `event_id`)."""

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("endpoint"),
    )
    # The same for every endpoint the event goes to: it names the event, not the attempt.
    event_id = models.CharField(_("event id"), max_length=40)
    event_type = models.CharField(_("event"), max_length=40, choices=WebhookEvent)
    payload = models.TextField(_("body"))
    created_at = models.DateTimeField(_("created"))
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # When the next attempt is due; empty once delivered or given up (see pending()).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("last HTTP status"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    given_up_at = models.DateTimeField(_("given up"), null=True, blank=True)

    objects = WebhookDeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "event_id"], name="webhook_event_once")
        ]
        indexes = [
            models.Index(fields=["next_attempt_at"], name="webhook_delivery_due"),
            models.Index(fields=["created_at"], name="webhook_delivery_created"),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} {self.event_id}"
