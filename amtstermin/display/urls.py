"""Waiting-room screens under /anzeige/, each opened by its device link (core/devices.py)."""

from django.urls import path

from . import views

app_name = "display"
urlpatterns = [
    path("<str:token>/", views.board, name="board"),
    path("<str:token>/aufrufe/", views.calls, name="calls"),
    path("<str:token>/checkin/", views.kiosk, name="kiosk"),
]
