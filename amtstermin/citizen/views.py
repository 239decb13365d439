"""The start page: ways in (booking, portal), notices, and every location's hours and contact.

Every visit of the town's front door asks for it, so it is stored whole (wizard/page_cache.py)
under everything it shows: the language, the day (opening hours from rosters), the version of
each location it lists (every edit of a location, its services, hours or rosters moves it) and
the version of the staff-written texts (welcome text, notices, which legal pages the footer
links). It lives until the next notice appears or goes, a minute at most, as a calendar does.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import get_language

from amtstermin.core import content
from amtstermin.core.models import ContentPage, Location, Notice, Service

from .content.translated import shown
from .hours import Day, opening_hours
from .wizard import page_cache


@dataclass(frozen=True)
class Place:
    location: Location
    hours: list[Day]


def start(request: HttpRequest) -> HttpResponse:
    now = timezone.now()
    if request.GET:
        # The language links carry the page's address: each query string would be a page of its
        # own, so only the plain address is stored.
        return _page(request, now, {})
    # Every location, not only those the page lists: whether one is listed depends on its
    # services, and every change to those moves its version too (core/signals.py), while the
    # plain query costs a fraction of one through the services.
    parts = (get_language(), timezone.localdate(now), content.texts_version(), Location.versions())
    page_key = "start-page:" + hashlib.sha256(repr(parts).encode()).hexdigest()
    return page_cache.serve(
        request,
        page_key,
        lambda extra: _page(request, now, extra),
        lifetime=lambda: _lifetime(now),
    )


def _bookable_locations():
    # Where citizens can book: a location without a bookable service has nothing to come for.
    return Location.objects.filter(pk__in=Service.objects.bookable().values("locations"))


def _page(request: HttpRequest, now: datetime, extra: dict) -> HttpResponse:
    today = timezone.localdate(now)
    # Up to two queries per location for its hours (official, else rostered) when not cached;
    # a town has a handful of locations at most.
    places = [Place(location, opening_hours(location, today)) for location in _bookable_locations()]
    welcome = ContentPage.objects.filter(kind=ContentPage.Kind.START).first()
    notices = [(notice, shown(notice, top_heading=3)) for notice in Notice.objects.current(now)]
    context = {
        "welcome": shown(welcome) if welcome else None,
        "notices": notices,
        "places": places,
        # One location without a welcome text names the page; otherwise each has a heading.
        "location": places[0].location if len(places) == 1 and welcome is None else None,
        **extra,
    }
    return render(request, "citizen/start.html", context)


def _lifetime(now: datetime) -> int:
    """Seconds the page rendered at `now` may be stored: not past a notice's start or end."""
    seconds = page_cache.SECONDS
    change = Notice.objects.next_change(now)
    if change is not None:
        seconds = min(seconds, int((change - now).total_seconds()))
    return seconds
