from django.urls import path

from . import views

urlpatterns = [
    path("standort/<int:location_id>/tagesplan/", views.day_plan, name="day_plan"),
]
