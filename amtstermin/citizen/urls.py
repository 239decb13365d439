from django.urls import path

from . import views

app_name = "citizen"
urlpatterns = [
    path("", views.start, name="start"),
    path("termin/", views.services, name="services"),
]
