"""The start page: the two ways in (booking, portal), opening hours and contact."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from amtstermin.core.models import Location

from .hours import opening_hours


def start(request: HttpRequest) -> HttpResponse:
    # A town with several locations gets a chooser later; until then the first one speaks.
    location = Location.objects.first()
    hours = opening_hours(location, timezone.localdate()) if location else []
    return render(request, "citizen/start.html", {"location": location, "hours": hours})
