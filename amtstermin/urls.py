from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    # The admin site asks for the office login's second factor (office/admin_site.py).
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verwaltung/", include("amtstermin.office.urls")),
    path("anzeige/", include("amtstermin.display.urls")),
    path("", include("amtstermin.citizen.urls")),
]
