from django.urls import path

from .. import views

# Owned by the wizard work; names join the "citizen" namespace.
urlpatterns = [
    path("", views.services, name="services"),
]
