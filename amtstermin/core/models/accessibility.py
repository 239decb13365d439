"""Barrier-free access as BITV 2.0 asks of a public website: the accessibility statement with
its feedback channel, and the explanation of the site in German Sign Language (DGS)."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .staff import StaffMember

# Where citizens of NRW turn when the town does not answer (§§ 10d, 10e BGG NRW); a town in
# another state enters its own body in the admin.
NRW_OMBUDS_NAME = (
    "Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen"
)
NRW_OMBUDS_URL = "https://www.lbbp.nrw.de/ombudsstelle"
NRW_OMBUDS_EMAIL = "ombudsstelle-barrierefreie-it@mags.nrw.de"
LARGEST_VIDEO = 200 * 1024 * 1024


def at_most_200_mb(file) -> None:
    if file.size > LARGEST_VIDEO:
        raise ValidationError(_("The video may be at most 200 MB."))


class AccessibilityStatement(models.Model):
    """The Erklärung zur Barrierefreiheit: the town fills in these fields, the site writes the
    statement from them (one row; the page exists once it does)."""

    class Compliance(models.TextChoices):
        FULL = "full", _("fully compliant")
        PARTIAL = "partial", _("partially compliant")
        NONE = "none", _("not compliant")

    class Method(models.TextChoices):
        SELF = "self", _("self-assessment")
        THIRD_PARTY = "third_party", _("assessment by a third party")

    compliance = models.CharField(
        _("compliance with BITV 2.0"), max_length=10, choices=Compliance, default=Compliance.PARTIAL
    )
    known_gaps = models.TextField(
        _("content that is not accessible"),
        blank=True,
        help_text=_("Markdown: one list item per barrier, with the reason and any alternative."),
    )
    prepared_on = models.DateField(_("statement prepared on"))
    reviewed_on = models.DateField(_("last reviewed on"))
    method = models.CharField(
        _("review method"), max_length=12, choices=Method, default=Method.SELF
    )
    method_note = models.CharField(
        _("how it was reviewed"),
        max_length=300,
        blank=True,
        help_text=_(
            "For example: automated tests with axe-core and manual tests with a screen reader."
        ),
    )
    contact_email = models.EmailField(_("contact email for barriers"), blank=True)
    contact_phone = models.CharField(_("contact phone for barriers"), max_length=40, blank=True)
    reply_days = models.PositiveSmallIntegerField(
        _("days to answer feedback"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )
    enforcement_name = models.CharField(
        _("enforcement body"), max_length=200, default=NRW_OMBUDS_NAME
    )
    enforcement_url = models.URLField(_("enforcement body's website"), default=NRW_OMBUDS_URL)
    enforcement_email = models.EmailField(
        _("enforcement body's email"), blank=True, default=NRW_OMBUDS_EMAIL
    )
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        verbose_name = _("accessibility statement")
        verbose_name_plural = _("accessibility statement")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class AccessibilityFeedback(models.Model):
    """A barrier a citizen reported through the statement's form; answered in the office by
    its due date."""

    received_at = models.DateTimeField(_("received"))
    name = models.CharField(_("name"), max_length=120, blank=True)
    email = models.EmailField(_("email address"), blank=True)
    page = models.CharField(_("page"), max_length=300, blank=True)
    message = models.TextField(_("message"))
    language = models.CharField(_("language"), max_length=10)
    due_on = models.DateField(_("answer due by"))
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answered_by = models.ForeignKey(
        StaffMember,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answer = models.TextField(_("answer"), blank=True)

    class Meta:
        ordering = ["due_on", "received_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")
        indexes = [models.Index(fields=["answered_at", "due_on"], name="feedback_open_by_due")]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d}: {self.message[:40]}"


class SignLanguageVideo(models.Model):
    """The explanation of this site in German Sign Language (BITV 2.0 § 4, Anlage 2), as the
    town uploads it; the start page offers it to watch and to download."""

    title = models.CharField(_("title"), max_length=200)
    video = models.FileField(
        _("video file"),
        upload_to="gebaerdensprache/",
        validators=[FileExtensionValidator(["mp4", "webm"]), at_most_200_mb],
        help_text=_("MP4 or WebM, at most 200 MB."),
    )
    description = models.TextField(
        _("text alternative"),
        help_text=_("What the video says, for everyone who cannot watch it."),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now=True)

    class Meta:
        verbose_name = _("sign language video")
        verbose_name_plural = _("sign language videos")

    def __str__(self) -> str:
        return self.title
