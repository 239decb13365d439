"""Django admin for the texts citizens read: start-page text, legal pages, notices and the
accessibility statement with its feedback (read only).

Bodies are Markdown. The change page shows each language's text as citizens will see it, after
sanitising, so staff can check a heading or a link before they save again.
"""

from django.contrib import admin
from django.db import models
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import content
from .models import AccessibilityFeedback, AccessibilityStatement, ContentPage, Notice

MARKDOWN_HELP = _(
    "Write the text in Markdown. A blank line starts a new paragraph; a backslash at the end "
    "of a line breaks it. “## Heading” starts a section: the title is the page's main "
    "heading, so the text's highest heading level is shown one level below it. **bold**, "
    "*italic*, lists with “- ” or “1. ”, links as [link text](https://…), “> ” for a quote, "
    "tables with | columns |. Links may go to https, http, mailto and tel addresses or to "
    "pages of this site. HTML and images are not shown. The preview below shows the text as "
    "last saved."
)


class MarkdownPreview(admin.ModelAdmin):
    """The saved German and English body, rendered as citizens see it (read-only)."""

    top_heading = 2  # the level "#" is shown at where the text appears

    def _preview(self, text: str | None) -> SafeString | str:
        return content.render_markdown(text, top_heading=self.top_heading) if text else "–"

    @admin.display(description=_("preview (German)"))
    def preview_de(self, obj) -> SafeString | str:
        return self._preview(obj.body_de)

    @admin.display(description=_("preview (English)"))
    def preview_en(self, obj) -> SafeString | str:
        return self._preview(obj.body_en)


@admin.register(ContentPage)
class ContentPageAdmin(MarkdownPreview, TranslationAdmin):
    list_display = ("title", "kind", "updated_at")
    search_fields = ("title_de", "title_en", "body_de", "body_en")
    readonly_fields = ("updated_at", "preview_de", "preview_en")
    fieldsets = (
        (None, {"fields": ("kind", "title", "updated_at")}),
        (_("Text"), {"fields": ("body",), "description": MARKDOWN_HELP}),
        (_("Preview"), {"fields": ("preview_de", "preview_en")}),
    )


@admin.register(Notice)
class NoticeAdmin(MarkdownPreview, TranslationAdmin):
    top_heading = 3  # below the notice's own title
    list_display = ("title", "level", "shown_from", "shown_until", "position")
    list_filter = ("level",)
    search_fields = ("title_de", "title_en", "body_de", "body_en")
    ordering = ("position", "pk")
    readonly_fields = ("preview_de", "preview_en")
    fieldsets = (
        (None, {"fields": ("title", "level", "position")}),
        (_("Text"), {"fields": ("body",), "description": MARKDOWN_HELP}),
        (_("When it is shown"), {"fields": ("shown_from", "shown_until")}),
        (_("Preview"), {"fields": ("preview_de", "preview_en")}),
    )


@admin.register(AccessibilityStatement)
class AccessibilityStatementAdmin(TranslationAdmin):
    """The fields the Erklärung zur Barrierefreiheit is written from (/barrierefreiheit/)."""

    list_display = ("__str__", "compliance", "reviewed_on", "updated_at")
    readonly_fields = ("updated_at",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (None, {"fields": ("compliance", "known_gaps", "updated_at")}),
        (_("Review"), {"fields": ("prepared_on", "reviewed_on", "method", "method_note")}),
        (_("Feedback"), {"fields": ("contact_email", "contact_phone", "reply_days")}),
        (
            _("Enforcement procedure"),
            {"fields": ("enforcement_name", "enforcement_url", "enforcement_email")},
        ),
    )

    def has_add_permission(self, request) -> bool:
        # One statement per site: the page shows the first row.
        return super().has_add_permission(request) and not AccessibilityStatement.objects.exists()


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Read only: feedback is written by the citizen's form and answered in the office
    (core/accessibility.py), never here."""

    list_display = ("received_at", "due_on", "answered_at", "page")
    list_filter = ("answered_at",)
    date_hierarchy = "received_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the retention purge erases the personal data (core/retention.py)
