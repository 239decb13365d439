"""Texts staff write for citizens: the start-page text, the legal pages and current notices.

Bodies are Markdown, rendered and sanitised by core/content.py; titles and bodies are translated
(core/translation.py). Nothing here is domain flow: a text is shown or not.
"""

from datetime import datetime

from django.core.cache import cache
from django.db import models, transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

# Which kinds of page exist: asked by every page's footer, cached by core/content.py.
PAGE_KINDS_CACHE_KEY = "content:page-kinds"


class ContentPage(models.Model):
    """One text of a fixed kind; a legal page exists for citizens once its row does."""

    class Kind(models.TextChoices):
        START = "start", _("start page text")
        LEGAL_NOTICE = "legal_notice", _("legal notice (Impressum)")
        PRIVACY = "privacy", _("privacy notice")
        ACCESSIBILITY = "accessibility", _("accessibility statement")
        EASY_LANGUAGE = "easy_language", _("information in Leichte Sprache")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind, unique=True)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"))
    updated_at = models.DateTimeField(_("last changed"), auto_now=True)

    class Meta:
        ordering = ["kind"]
        verbose_name = _("content page")
        verbose_name_plural = _("content pages")

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class NoticeQuerySet(models.QuerySet):
    def current(self, now: datetime) -> "NoticeQuerySet":
        """Notices shown at `now`: started (or no start) and not yet over (or no end)."""
        return self.filter(
            models.Q(shown_from__isnull=True) | models.Q(shown_from__lte=now),
            models.Q(shown_until__isnull=True) | models.Q(shown_until__gt=now),
        )

    def next_change(self, now: datetime) -> datetime | None:
        """The first instant after `now` at which a notice appears or goes, if any is planned."""
        found = self.aggregate(
            appears=models.Min("shown_from", filter=models.Q(shown_from__gt=now)),
            goes=models.Min("shown_until", filter=models.Q(shown_until__gt=now)),
        )
        return min((instant for instant in found.values() if instant), default=None)


class Notice(models.Model):
    """A notice on the start page (“Closed on 24 December”), shown for a while or until removed."""

    class Level(models.TextChoices):
        INFO = "info", _("information")
        WARNING = "warning", _("warning")

    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level, default=Level.INFO)
    shown_from = models.DateTimeField(
        _("shown from"), null=True, blank=True, help_text=_("Empty: shown at once.")
    )
    shown_until = models.DateTimeField(
        _("shown until"), null=True, blank=True, help_text=_("Empty: shown until removed.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(shown_from__isnull=True)
                | models.Q(shown_until__isnull=True)
                | models.Q(shown_until__gt=models.F("shown_from")),
                name="notice_ends_after_it_starts",
                violation_error_message=_("A notice must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_current(self, now: datetime) -> bool:
        started = self.shown_from is None or self.shown_from <= now
        return started and (self.shown_until is None or now < self.shown_until)


@receiver([post_save, post_delete], sender=ContentPage)
@receiver([post_save, post_delete], sender="core.AccessibilityStatement")
def content_page_changed(sender, **kwargs) -> None:
    # Now, for the rest of this transaction; again after the commit, because a request that read
    # the old rows in between may have stored them in the cache again.
    cache.delete(PAGE_KINDS_CACHE_KEY)
    transaction.on_commit(lambda: cache.delete(PAGE_KINDS_CACHE_KEY))
