from django.urls import path

from . import docs
from .v1 import api

app_name = "api"

urlpatterns = [
    path("v1/", api.urls),
    path("", docs.page, name="docs"),
]
