from django.urls import path

from . import views

urlpatterns = [
    path("termine/", views.search, name="appointments"),
    path("termine/<str:reference>/", views.detail, name="appointment"),
    path("termine/<str:reference>/verschieben/", views.move, name="appointment_move"),
    path("termine/<str:reference>/absagen/", views.cancel, name="appointment_cancel"),
    path("termine/<str:reference>/kontakt/", views.contact, name="appointment_contact"),
    path("termine/<str:reference>/bestaetigung/", views.resend, name="appointment_resend"),
]
