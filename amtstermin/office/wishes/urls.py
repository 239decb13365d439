"""The wish-list in the office: the list with urgent triage, a wish taken by phone, answering
an offer for a caller, placing an urgent wish directly. Included by office/urls.py."""

from django.urls import path

from . import views

urlpatterns = [
    path("wuensche/", views.wishes, name="wishes"),
    path("wuensche/<str:reference>/angebot/", views.answer, name="wish_answer"),
    path("wuensche/<str:reference>/platzieren/", views.place, name="wish_place"),
    path("standort/<int:location_id>/wunsch/", views.leave, name="wish_leave"),
]
