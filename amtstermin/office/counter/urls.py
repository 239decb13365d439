"""The counter's pages, included into the office namespace (office:counter, office:call_next…).

Each path spells out location_id, so the office's access tests can fill it in."""

from django.urls import path

from . import views

PREFIX = "standort/<int:location_id>/schalter/"

urlpatterns = [
    path(PREFIX, views.counter, name="counter"),
    path(f"{PREFIX}waehlen/", views.choose_counter, name="counter_choose"),
    path(f"{PREFIX}warteschlange/", views.queue, name="counter_queue"),
    path(f"{PREFIX}aufrufen/", views.call_next, name="call_next"),
    path(f"{PREFIX}besuch/", views.visit_action, name="visit_action"),
    path(f"{PREFIX}einchecken/", views.desk_search, name="desk_search"),
    path(f"{PREFIX}einchecken/<int:appointment_id>/", views.check_in, name="check_in"),
    path(f"{PREFIX}ohne-termin/", views.walk_in, name="walk_in"),
]
