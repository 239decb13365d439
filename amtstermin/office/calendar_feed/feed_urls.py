"""The calendar address itself, polled by Outlook or Thunderbird without a login: the secret in
the path is its key (core/calendar_feed.py). Kept out of the office namespace, whose every page
asks for a login (tests/office/test_access.py)."""

from django.urls import path

from . import views

app_name = "calendar_feed"
urlpatterns = [
    path("<str:token>.ics", views.feed, name="feed"),
]
