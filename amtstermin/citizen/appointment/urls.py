"""A booked citizen's own appointment, reached by an unguessable token: view, confirm, cancel."""

from django.urls import path

from . import recover, views

# Owned by the appointment-page work; names join the "citizen" namespace. The paths are fixed:
# core/notifications/links.py writes them into mails that stay valid for the appointment's life.
urlpatterns = [
    # No token: "Termin verwalten" on the start page, for whoever lost the mail with the link.
    path("verwalten/", recover.recover, name="recover"),
    path("link-gesendet/", recover.recover_sent, name="recover_sent"),
    path("verwalten/<str:token>/", views.appointment, name="appointment"),
    path("verwalten/<str:token>/kalender.ics", views.calendar, name="calendar"),
    path("verwalten/<str:token>/absagen/", views.cancel, name="cancel"),
    path("bestaetigen/<str:token>/", views.confirm, name="confirm"),
]
