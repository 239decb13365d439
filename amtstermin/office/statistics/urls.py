"""Statistics of a location for team leads and administrators, included by office/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("statistik/", views.choose, name="statistics"),
    path("statistik/<int:location_id>/", views.location, name="statistics_location"),
    path("statistik/<int:location_id>/csv/", views.download, name="statistics_csv"),
]
