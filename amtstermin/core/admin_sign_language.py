"""Django admin for the sign language video: the town uploads it, the start page offers it."""

from django.contrib import admin
from modeltranslation.admin import TranslationAdmin

from .models import SignLanguageVideo


@admin.register(SignLanguageVideo)
class SignLanguageVideoAdmin(TranslationAdmin):
    # The site shows the newest upload (core/sign_language.py); older ones stay until removed.
    list_display = ("title", "video", "uploaded_at")
    search_fields = ("title_de", "title_en")
    readonly_fields = ("uploaded_at",)
    fields = ("title", "video", "description", "uploaded_at")
