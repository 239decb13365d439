from django.contrib import admin
from django.urls import include, path

from . import health, languages

# Django's own refusals (too many form fields, a broken upload) get the site's 400 page.
handler400 = "amtstermin.bad_requests.bad_request"

urlpatterns = [
    # The admin site asks for the office login's second factor (office/admin_site.py).
    path("admin/", admin.site.urls),
    path("sprache/<str:code>/", languages.switch, name="language"),
    path("healthz", health.healthz, name="healthz"),  # probes (and the benchmarks' baseline)
    # A clerk's calendar address: no login, its secret is the key (office/calendar_feed/).
    path("verwaltung/kalender/", include("amtstermin.office.calendar_feed.feed_urls")),
    path("verwaltung/", include("amtstermin.office.urls")),
    path("anzeige/", include("amtstermin.display.urls")),
    path("api/", include("amtstermin.api.urls")),
    path("", include("amtstermin.citizen.urls")),
]
