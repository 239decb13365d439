"""The booking wizard's steps and the way to move a booked appointment."""

from django.urls import path

from . import reschedule, views

# Names join the "citizen" namespace. German paths: they are what citizens see and share.
urlpatterns = [
    path("", views.services, name="services"),
    path("auswahl/", views.selection, name="selection"),
    path("standort/", views.location, name="location"),
    path("tag/", views.day, name="day"),
    path("zeit/", views.time, name="time"),
    path("kontakt/", views.contact, name="contact"),
    path("kontakt/pruefung/", views.challenge, name="challenge"),
    path("pruefen/", views.review, name="review"),
    path("verwalten/<str:token>/verschieben/", reschedule.day, name="reschedule"),
    path("verwalten/<str:token>/verschieben/zeit/", reschedule.time, name="reschedule_time"),
    path(
        "verwalten/<str:token>/verschieben/pruefen/",
        reschedule.confirm,
        name="reschedule_confirm",
    ),
]
