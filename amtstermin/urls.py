from django.contrib import admin
from django.urls import include, path

# Django's own refusals (too many form fields, a broken upload) get the site's 400 page.
handler400 = "amtstermin.bad_requests.bad_request"

urlpatterns = [
    # The admin site asks for the office login's second factor (office/admin_site.py).
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verwaltung/", include("amtstermin.office.urls")),
    path("anzeige/", include("amtstermin.display.urls")),
    path("", include("amtstermin.citizen.urls")),
]
