"""What the office offers: services, and the documents a citizen brings for them."""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .organisation import Department, Location

# The federal Leistungskatalog numbers each service with 14 digits (e.g. 99102013104000); ASCII
# only, as str.isdigit() would also take "²" or Arabic-Indic digits.
LEIKA_KEY = re.compile(r"[0-9]{14}")


def validate_leika_key(value: str) -> None:
    """Empty, or a LeiKa key of exactly 14 digits; raises ValidationError otherwise."""
    if value and not LEIKA_KEY.fullmatch(value):
        raise ValidationError(
            _("A LeiKa key has exactly 14 digits, without spaces; leave it empty if unknown."),
            code="invalid_leika_key",
        )


class ServiceQuerySet(models.QuerySet):
    def bookable(self) -> "ServiceQuerySet":
        return self.filter(active=True, mode=Service.Mode.APPOINTMENT)

    def without_visit(self) -> "ServiceQuerySet":
        """Done online or elsewhere: listed, linked to, never booked here."""
        return self.filter(
            active=True, mode__in=[Service.Mode.ONLINE_REQUEST, Service.Mode.EXTERNAL_LINK]
        )

    def offered_at(self, location: Location) -> "ServiceQuerySet":
        return self.filter(locations=location)

    def matching(self, text: str) -> "ServiceQuerySet":
        """Services whose name, synonyms ("Perso", "Umzug") or description contain every word."""
        found = self
        for word in text.split()[:8]:
            found = found.filter(
                models.Q(name__icontains=word)
                | models.Q(synonyms__icontains=word)
                | models.Q(description__icontains=word)
                | models.Q(life_situation__icontains=word)
            )
        return found


class RequestKind(models.TextChoices):
    """The online forms a service done without a visit can take (core/online_requests.py)."""

    MELDEREGISTERAUSKUNFT = "melderegisterauskunft", _("simple registry information")
    STEUER_ID = "steuer_id", _("information on the tax identification number")


class Service(models.Model):
    class Mode(models.TextChoices):
        APPOINTMENT = "appointment", _("appointment at the office")
        ONLINE_REQUEST = "online_request", _("online request without a visit")
        EXTERNAL_LINK = "external_link", _("offered elsewhere (link)")

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="services", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    life_situation = models.CharField(
        _("life situation"), max_length=80, blank=True, help_text=_("e.g. Moving, Travel, Family")
    )
    synonyms = models.CharField(
        _("search words"), max_length=250, blank=True, help_text=_("e.g. Perso, Ausweis")
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode, default=Mode.APPOINTMENT)
    external_url = models.URLField(_("external address"), blank=True)
    request_kind = models.CharField(
        _("online form"),
        max_length=24,
        choices=RequestKind,
        blank=True,
        help_text=_("Only for mode “online request”: the form citizens fill in."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("average processing time (minutes)"), default=10, validators=[MinValueValidator(1)]
    )
    additional_minutes = models.PositiveSmallIntegerField(
        _("time for each additional unit (minutes)"), default=0
    )
    max_quantity = models.PositiveSmallIntegerField(
        _("maximum quantity per booking"), default=1, validators=[MinValueValidator(1)]
    )
    fee = models.DecimalField(
        _("fee per unit (EUR)"), max_digits=7, decimal_places=2, default=Decimal("0.00")
    )
    fee_note = models.CharField(
        _("fee note"), max_length=200, blank=True, help_text=_("e.g. 27,60 € under 24")
    )
    legal_basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    leika_key = models.CharField(
        _("LeiKa key"), max_length=20, blank=True, validators=[validate_leika_key]
    )
    locations = models.ManyToManyField(
        Location, related_name="services", blank=True, verbose_name=_("offered at")
    )
    documents = models.ManyToManyField["Document", "ServiceDocument"](
        "Document", through="ServiceDocument", related_name="services", blank=True
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    objects = ServiceQuerySet.as_manager()

    class Meta:
        ordering = ["department", "position", "name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gte=1), name="service_duration_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(max_quantity__gte=1), name="service_max_quantity_positive"
            ),
            # A form only for services done online, so the booking wizard never meets one.
            models.CheckConstraint(
                condition=models.Q(request_kind="") | models.Q(mode="online_request"),
                name="service_request_kind_only_online",
                violation_error_message=_(
                    "An online form fits only a service done online without a visit."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def minutes_for(self, quantity: int) -> int:
        return self.duration_minutes + (quantity - 1) * self.additional_minutes


class Document(models.Model):
    """Something to bring; shared between services so a booking lists it once."""

    name = models.CharField(_("name"), max_length=160)
    note = models.CharField(_("note"), max_length=250, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self) -> str:
        return self.name


class ServiceDocument(models.Model):
    class Rule(models.TextChoices):
        PER_UNIT = "per_unit", _("one per unit (e.g. per person)")
        ONCE = "once", _("once per appointment")

    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="document_rules")
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="service_rules")
    rule = models.CharField(_("quantity rule"), max_length=10, choices=Rule, default=Rule.PER_UNIT)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("document to bring")
        verbose_name_plural = _("documents to bring")
        constraints = [
            models.UniqueConstraint(fields=["service", "document"], name="service_document_once")
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.document}"

    def count_for(self, quantity: int) -> int:
        return quantity if self.rule == self.Rule.PER_UNIT else 1
