"""The legal pages every German public website needs, at their usual German addresses."""

from django.urls import path

from amtstermin.core.models import ContentPage

from . import views

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
