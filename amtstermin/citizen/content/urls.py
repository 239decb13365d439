"""The legal pages every German public website needs, at their usual German addresses."""

from django.urls import path

from amtstermin.core.models import ContentPage

from . import easy, sign_language, views

# Names join the "citizen" namespace; context.py links each one in the footer once it exists.
urlpatterns = [
    path("impressum/", views.page, {"kind": ContentPage.Kind.LEGAL_NOTICE}, name="legal_notice"),
    path("datenschutz/", views.page, {"kind": ContentPage.Kind.PRIVACY}, name="privacy"),
    path(
        "barrierefreiheit/",
        views.page,
        {"kind": ContentPage.Kind.ACCESSIBILITY},
        name="accessibility",
    ),
]

# Leichte Sprache and German Sign Language (BITV 2.0 § 4): linked from every page's header.
urlpatterns += [
    path("leichte-sprache/", easy.page, name="easy_language"),
    path("gebaerdensprache/", sign_language.page, name="sign_language"),
    path("gebaerdensprache/video/<str:pk>/", sign_language.video_file, name="sign_language_video"),
]
