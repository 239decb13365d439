"""The back office under /verwaltung/. Every view except the login steps uses
access.staff_view; tests/office/test_access.py checks that for every name listed here."""

from django.urls import include, path

from . import login, views

app_name = "office"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("anmelden/", login.login, name="login"),
    path("anmelden/code/", login.verify, name="verify"),
    path("anmelden/einrichten/", login.enrol, name="enrol"),
    path("abmelden/", login.logout, name="logout"),
    path("", include("amtstermin.office.counter.urls")),
    path("", include("amtstermin.office.dayplan.urls")),
    path("", include("amtstermin.office.desk_booking.urls")),
    path("", include("amtstermin.office.statistics.urls")),
    path("", include("amtstermin.office.rosters.urls")),
    path("", include("amtstermin.office.requests.urls")),
    path("", include("amtstermin.office.wishes.urls")),
    path("", include("amtstermin.office.appointments.urls")),
    path("", include("amtstermin.office.accessibility.urls")),
    path("", include("amtstermin.office.calendar_feed.urls")),
]
