from django.urls import path

from . import docs
from .v1 import api

# No app namespace: django-ninja reverses its own ("api-v1") from the root.
urlpatterns = [
    path("v1/", api.urls),
    path("", docs.page, name="api_docs"),
]
