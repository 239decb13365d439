"""The online request queue, included into the office namespace (office:requests…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("antraege/", views.queue, name="requests"),
    path("antraege/<str:reference>/", views.detail, name="request_detail"),
]
