from django.urls import include, path

from . import views
from .appointment import urls as appointment_urls
from .portal import urls as portal_urls
from .requests import urls as request_urls
from .wishes import urls as wish_urls
from .wizard import urls as wizard_urls

app_name = "citizen"
urlpatterns = [
    path("", views.start, name="start"),
    path("dienstleistungen/", include(portal_urls)),
    path("antrag/", include(request_urls)),
    # Both live under /termin/; each package owns its own routes (see its urls.py).
    path("termin/", include(wizard_urls)),
    path("termin/", include(appointment_urls)),
    path("termin/", include(wish_urls)),
    path("", include("amtstermin.citizen.content.urls")),  # legal pages
    path("", include("amtstermin.citizen.accessibility.urls")),  # feedback on barriers
]
