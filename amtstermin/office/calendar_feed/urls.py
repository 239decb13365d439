"""The staff member's own calendar subscription, included by office/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("kalender-abo/", views.subscription, name="calendar_feed"),
]
