"""The start page: ways in (booking, portal), notices, and every location's hours and contact."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from amtstermin.core.models import ContentPage, Location, Notice, Service

from .content.translated import shown
from .hours import Day, opening_hours


@dataclass(frozen=True)
class Place:
    location: Location
    hours: list[Day]


def start(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    today = timezone.localdate(now)
    # Where citizens can book: a location without a bookable service has nothing to come for.
    locations = Location.objects.filter(pk__in=Service.objects.bookable().values("locations"))
    # Up to two queries per location for its hours (official, else rostered) when not cached;
    # a town has a handful of locations at most.
    places = [Place(location, opening_hours(location, today)) for location in locations]
    welcome = ContentPage.objects.filter(kind=ContentPage.Kind.START).first()
    notices = [(notice, shown(notice, top_heading=3)) for notice in Notice.objects.current(now)]
    context = {
        "welcome": shown(welcome) if welcome else None,
        "notices": notices,
        "places": places,
        # One location without a welcome text names the page; otherwise each has a heading.
        "location": places[0].location if len(places) == 1 and welcome is None else None,
    }
    return render(request, "citizen/start.html", context)
