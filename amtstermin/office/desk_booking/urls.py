from django.urls import path

from . import views

urlpatterns = [
    path("standort/<int:location_id>/buchen/", views.book, name="desk_book"),
    path("standort/<int:location_id>/buchen/<str:reference>/", views.booked, name="desk_booked"),
]
