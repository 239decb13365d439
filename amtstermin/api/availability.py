"""Free days and times for a list of (service, quantity) at one or several locations."""

from django.utils import timezone
from ninja import Query, Router, Schema

from amtstermin.core import inputs
from amtstermin.core.errors import OutsideHorizon
from amtstermin.core.items import locations_for, units_needed, validate
from amtstermin.core.models import Channel
from amtstermin.core.scheduling import availability

from . import requested
from .problems import Problem

router = Router(tags=["availability"])

ITEMS = Query(
    ...,
    description='Services with quantities: "12" or "12:2" (service 12, twice); repeat for more.',
    max_length=requested.MOST_ITEMS,
)

LOCATIONS = Query(
    [],
    description="Location ids; none: every location offering all the services.",
    max_length=requested.MOST_LOCATIONS,
)
DAY = Query(..., description="The local day, ISO 8601 (2026-12-08).", max_length=10)


class Day(Schema):
    date: str  # the local day at the location, ISO 8601
    free: int  # how many start times are free that day


class LocationDays(Schema):
    location: int
    duration_minutes: int  # how long the appointment takes, on the location's time grid
    first_free: str | None  # the earliest free start, UTC instant
    days: list[Day]


class Times(Schema):
    location: int
    date: str
    duration_minutes: int
    times: list[str]  # free starts, UTC instants


def _free(location, items, now):
    return availability.compute(location, items, now=now, channel=Channel.ONLINE, cached=True)


@router.get(
    "/availability/days",
    response={200: list[LocationDays], 422: Problem},
    summary="Days with free times within the booking horizon",
)
def days(
    request,
    items: list[str] = ITEMS,
    locations: list[int] = LOCATIONS,
):
    wanted = requested.items(requested.parse_items(items))
    places = requested.locations(locations) if locations else locations_for(wanted)
    now = timezone.now()
    answer = []
    for place in places:
        validate(wanted, place)
        found = _free(place, wanted, now)
        free_days = found.days()
        first = found.starts(free_days[0])[0].isoformat() if free_days else None
        answer.append(
            {
                "location": place.pk,
                "duration_minutes": units_needed(wanted, place) * place.slot_minutes,
                "first_free": first,
                "days": [{"date": day.isoformat(), "free": found.count(day)} for day in free_days],
            }
        )
    return answer


@router.get(
    "/availability/times",
    response={200: Times, 422: Problem},
    summary="Free start times on one day at one location",
)
def times(
    request,
    location: int,
    date: str = DAY,
    items: list[str] = ITEMS,
):
    wanted = requested.items(requested.parse_items(items))
    (place,) = requested.locations([location])
    validate(wanted, place)
    day = inputs.parse_date(date)
    now = timezone.now()
    bounds = availability.window(place, channel=Channel.ONLINE, now=now)
    if day is None or not bounds.first <= day <= bounds.last:
        raise OutsideHorizon()
    found = _free(place, wanted, now)
    return {
        "location": place.pk,
        "date": day.isoformat(),
        "duration_minutes": units_needed(wanted, place) * place.slot_minutes,
        "times": [start.isoformat() for start in found.starts(day)],
    }
