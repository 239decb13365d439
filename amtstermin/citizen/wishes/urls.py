"""The wish-list's pages under /termin/wunsch/. The link-key paths are fixed by
core/notifications/links.py (WISH_PATH, WISH_VERIFY_PATH, WISH_OFFER_PATH): mails carry them."""

from django.urls import path

from . import views

# Names join the "citizen" namespace. "gesendet/" comes first: a key never reads like it.
urlpatterns = [
    path("wunsch/", views.leave, name="wish"),
    path("wunsch/gesendet/", views.sent, name="wish_sent"),
    path("wunsch/<str:token>/", views.status, name="wish_status"),
    path("wunsch/<str:token>/bestaetigen/", views.verify, name="wish_verify"),
    path("wunsch/<str:token>/angebot/", views.offer, name="wish_offer"),
    path("wunsch/<str:token>/zuruecknehmen/", views.cancel, name="wish_cancel"),
]
