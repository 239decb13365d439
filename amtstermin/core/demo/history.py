"""Past office days played through the core as they happened, so statistics have figures and
the waiting area is alive today: bookings, check-ins, calls, no-shows and walk-ins.

Every step is a core function with `now` at the moment it happens: `booking.book` the evening
before, `visits.check_in` when the citizen arrives, `visits.call_next` when a clerk is free,
`booking.mark_no_show` for those who never came. Fewer bookings than the coming days get (a
past day's statistics read the same with fewer rows, and the seed stays quick).
"""

import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import booking, visits
from ..errors import BookingError
from ..models import Absence, Appointment, Counter, Location, Service, StaffMember, Status, Visit
from .bookings import _fill_day, _items
from .spec import Town

WEEKS = 8
FILL = 0.08  # share of the online-bookable time a past day had booked
TODAY_FILL = 0.5  # today is busy: a queue and calls to see
NO_SHOW_SHARE = 0.08
LATE_SHARE = 0.1  # come up to 10 minutes after their start; the others up to 15 before
WALK_INS = (1, 4)  # per day, drawn evenly
PACE = (0.7, 1.4)  # how long a visit takes, as a share of its planned minutes
STEP = timedelta(minutes=2)  # how often an idle clerk looks at the queue
AFTER_WORK = (0, 8)  # minutes of notes and filing between one visitor and calling the next
RETRY = timedelta(minutes=15)
RANDOM_SEED = 2027


@dataclass(frozen=True)
class Played:
    days: int
    visits: int
    no_shows: int


def play_history(location: Location, town: Town, *, now: datetime) -> Played:
    """Book and play the last WEEKS weeks of working days, and today's bookings before `now`."""
    rng = random.Random(RANDOM_SEED)
    services = {service.slug: service for service in Service.objects.filter(locations=location)}
    today = location.local_date(now)
    days = played = no_shows = 0
    day = today - timedelta(weeks=WEEKS)
    while day <= today:
        if day.weekday() < 5:
            _book_day(location, day, TODAY_FILL if day == today else FILL, services, town, rng)
            if day < today:
                counted = play_day(location, day, town, rng, services, until=None)
                days, played, no_shows = days + 1, played + counted[0], no_shows + counted[1]
        day += timedelta(days=1)
    return Played(days, played, no_shows)


def play_today(location: Location, town: Town, *, now: datetime) -> int:
    """Play today until `now` unless someone came already: some served, some called, some
    waiting. Returns how many visits were made."""
    today = location.local_date(now)
    if Visit.objects.filter(location=location, waiting_day=today).exists():
        return 0
    services = {service.slug: service for service in Service.objects.filter(locations=location)}
    rng = random.Random(RANDOM_SEED + today.toordinal())
    return play_day(location, today, town, rng, services, until=now)[0]


def _book_day(location, day, share, services, town, rng) -> None:
    start = location.local_day_start(day)
    booked_at = start - timedelta(hours=6)  # the evening before
    # Every start of the day is open to these bookings, as it was the evening before.
    _fill_day(
        location,
        day,
        share,
        services,
        town,
        rng,
        earliest={"online": start, "phone": start},
        now=booked_at,
    )


def play_day(
    location: Location,
    day: date,
    town: Town,
    rng: random.Random,
    services: dict[str, Service],
    *,
    until: datetime | None,
) -> tuple[int, int]:
    """Play `day` until `until` (None: to its end); returns (visits, no-shows)."""
    day_start = location.local_day_start(day)
    day_end = location.local_day_start(day + timedelta(days=1))
    end = until or day_end
    # Until `until` plus a quarter of an hour: those due soon have come already and wait.
    booked = Appointment.objects.filter(
        location=location,
        start__gte=day_start,
        start__lt=min(end + timedelta(minutes=20), day_end),
        status=Status.BOOKED,
    ).order_by("start")
    arrivals: list[tuple[datetime, object]] = []
    absent = []
    for appointment in booked:
        if rng.random() < NO_SHOW_SHARE:
            absent.append(appointment)
            continue
        if rng.random() < LATE_SHARE:
            arrival = appointment.start + timedelta(minutes=rng.uniform(1, 10))
        else:
            early = min(15, location.check_in_early_minutes)
            arrival = appointment.start - timedelta(minutes=rng.uniform(0, early))
        arrivals.append((arrival, appointment))
    for opens, closes in _opening_hours(location, day):
        for _ in range(rng.randint(*WALK_INS)):
            request = rng.choices(town.requests, [r.weight for r in town.requests])[0]
            arrivals.append(
                (opens + (closes - opens) * rng.random(), _items(request, services, rng))
            )
    arrivals = sorted((a for a in arrivals if a[0] < end), key=lambda a: a[0])

    clerks = _clerks(location, day)
    busy_until = {clerk.pk: day_start for clerk, _counter, _skills in clerks}
    serving: dict[int, Visit] = {}
    # Who waits: visit → its services and since when it is due. Clerks call an appointment at
    # its time, not when it came early, so the statistics show the waiting of a real office.
    waiting: dict[int, tuple[frozenset[int], datetime]] = {}
    visits_made = 0
    # A clerk whom call_next gave nobody (a walk-in too long for the gap before their next
    # booking) asks again after the next arrival or a quarter of an hour.
    asked_at: dict[int, tuple[int, datetime]] = {}
    # Today the clerks are busy for the last minutes: those who came lately still wait.
    calls_until = end - timedelta(minutes=10) if until else end
    t = arrivals[0][0] if arrivals else end
    while t < end and (arrivals or waiting or serving):
        while arrivals and arrivals[0][0] <= t:
            at, who = arrivals.pop(0)
            visit = _arrive(location, who, at)
            if visit is not None:
                visits_made += 1
                needs = frozenset(i.service_id for i in visit.items.all())
                waiting[visit.pk] = (needs, visit.due_at)
        for clerk, counter, skills in clerks:
            if busy_until[clerk.pk] > t or t >= calls_until:
                continue
            fits = any(n <= skills and due <= t for n, due in waiting.values())
            asked = asked_at.get(clerk.pk)
            if not fits or (asked and asked[0] == visits_made and t - asked[1] < RETRY):
                if clerk.pk in serving:  # the last visitor leaves; nobody to call
                    visits.finish(serving.pop(clerk.pk), now=busy_until[clerk.pk])
                continue
            call_at = min(t + timedelta(minutes=rng.uniform(*AFTER_WORK)), end)
            called = visits.call_next(clerk, counter, now=call_at)  # finishes the one before
            serving.pop(clerk.pk, None)
            if called is None:
                asked_at[clerk.pk] = (visits_made, t)
                continue
            asked_at.pop(clerk.pk, None)
            waiting.pop(called.pk, None)
            serving[clerk.pk] = called
            busy_until[clerk.pk] = call_at + timedelta(minutes=called.minutes * rng.uniform(*PACE))
        t += STEP
    for clerk_pk, visit in list(serving.items()):
        if busy_until[clerk_pk] <= end:
            visits.finish(visit, now=busy_until[clerk_pk])
            serving.pop(clerk_pk)
    if until and not serving and waiting and clerks:
        # The call display shows a number just called, whenever the demo starts.
        needs = next(iter(waiting.values()))[0]
        clerk, counter, _skills = next((c for c in clerks if c[2] >= needs), clerks[0])
        visits.call_next(clerk, counter, now=until)
    for appointment in absent:
        gone_at = appointment.start + timedelta(minutes=location.late_tolerance_minutes + 15)
        if gone_at <= end:
            booking.mark_no_show(appointment=appointment, now=gone_at)
    return visits_made, len(absent)


def _arrive(location: Location, who, at: datetime) -> Visit | None:
    try:
        if isinstance(who, Appointment):
            return visits.check_in(who, now=at)
        return visits.walk_in(location, who, now=at)
    except BookingError:  # too early or late by the location's rules, outside opening hours
        return None


def _opening_hours(location: Location, day: date) -> list[tuple[datetime, datetime]]:
    return [
        (
            datetime.combine(day, span.opens, tzinfo=location.zone),
            datetime.combine(day, span.closes, tzinfo=location.zone),
        )
        for span in location.opening_hours.filter(weekday=day.weekday())
    ]


def _clerks(location: Location, day: date) -> list[tuple[StaffMember, Counter, frozenset[int]]]:
    """Who works at `location` on `day`, not absent, each at a counter of their own."""
    start = location.local_day_start(day)
    end = location.local_day_start(day + timedelta(days=1))
    away = Absence.objects.filter(start__lt=end, end__gt=start).values("staff")
    members = (
        StaffMember.objects.filter(
            active=True, roster__location=location, roster__weekday=day.weekday()
        )
        .exclude(pk__in=away)
        .distinct()
        .order_by("pk")
    )
    counters = list(location.counters.filter(active=True).order_by("pk"))
    clerks = []
    for member, counter in zip(members, counters, strict=False):
        clerks.append((member, counter, frozenset(member.skills.values_list("pk", flat=True))))
    return clerks
