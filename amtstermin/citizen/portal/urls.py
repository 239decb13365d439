"""The service portal: every service of the city and the county, and one page per service."""

from django.urls import path

from . import views

# Names join the "citizen" namespace.
urlpatterns = [
    path("", views.catalogue, name="portal"),
    path("<slug:slug>/", views.service, name="portal_service"),
]
