"""The feedback form of the accessibility statement (the statement itself is
/barrierefreiheit/, citizen/content/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("barrierefreiheit/rueckmeldung/", views.feedback, name="accessibility_feedback"),
    path(
        "barrierefreiheit/rueckmeldung/gesendet/",
        views.sent,
        name="accessibility_feedback_sent",
    ),
]
