"""Rosters, absences and closures for team leads and administrators, included by office/urls.py.

Rows (blocks, absences, closures) are named in the query or the form, never in the path: each is
looked up within the lead's team at the location in the path.
"""

from django.urls import path

from . import views

urlpatterns = [
    path("dienstplan/", views.choose, name="rosters"),
    path("dienstplan/<int:location_id>/", views.week, name="roster_week"),
    path("dienstplan/<int:location_id>/block/", views.block, name="roster_block"),
    path("dienstplan/<int:location_id>/block/beenden/", views.end_block, name="roster_block_end"),
    path("dienstplan/<int:location_id>/abwesenheit/", views.absence, name="roster_absence"),
    path(
        "dienstplan/<int:location_id>/abwesenheit/entfernen/",
        views.remove_absence,
        name="roster_absence_remove",
    ),
    path("dienstplan/<int:location_id>/schliessung/", views.closure, name="roster_closure"),
    path(
        "dienstplan/<int:location_id>/schliessung/entfernen/",
        views.remove_closure,
        name="roster_closure_remove",
    ),
]
