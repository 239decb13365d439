"""A booked citizen's own appointment, reached by an unguessable token: view, confirm, cancel."""

from django.urls import path

from . import views

# Owned by the appointment-page work; names join the "citizen" namespace. The paths are fixed:
# core/notifications/links.py writes them into mails that stay valid for the appointment's life.
urlpatterns = [
    path("verwalten/<str:token>/", views.appointment, name="appointment"),
    path("verwalten/<str:token>/kalender.ics", views.calendar, name="calendar"),
    path("verwalten/<str:token>/absagen/", views.cancel, name="cancel"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
]
