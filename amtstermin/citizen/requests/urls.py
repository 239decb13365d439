"""Online requests without a visit: the form per service, and the status page from the mails.

The status path is fixed by core/notifications/links.py (REQUEST_PATH); the form lives one
level deeper so a service's short name can never be taken for a link key.
"""

from django.urls import path

from . import views

# Names join the "citizen" namespace.
urlpatterns = [
    path("neu/<slug:slug>/", views.apply, name="request_form"),
    path("<str:token>/", views.status, name="request_status"),
]
