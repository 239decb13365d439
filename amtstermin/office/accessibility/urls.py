"""Feedback on barriers, answered by team leads and administrators (office:accessibility…)."""

from django.urls import path

from . import views

urlpatterns = [
    path("barrierefreiheit/", views.feedback_list, name="accessibility_feedback"),
]
