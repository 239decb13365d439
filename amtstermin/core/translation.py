"""Fields citizens read in their language (django-modeltranslation adds name_de, name_en …)."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    AccessibilityStatement,
    ContentPage,
    Department,
    Document,
    Location,
    Notice,
    Service,
    SignLanguageVideo,
)


@register(Department)
class DepartmentTranslation(TranslationOptions):
    fields = ("name", "description")


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("name", "directions")


@register(Service)
class ServiceTranslation(TranslationOptions):
    fields = ("name", "description", "life_situation", "fee_note")


@register(Document)
class DocumentTranslation(TranslationOptions):
    fields = ("name", "note")


@register(ContentPage)
class ContentPageTranslation(TranslationOptions):
    fields = ("title", "body")


@register(Notice)
class NoticeTranslation(TranslationOptions):
    fields = ("title", "body")


@register(AccessibilityStatement)
class AccessibilityStatementTranslation(TranslationOptions):
    fields = ("known_gaps", "method_note")


@register(SignLanguageVideo)
class SignLanguageVideoTranslation(TranslationOptions):
    fields = ("title", "description")
