"""The earliest free time anywhere: ten locations of a county, each like bench/availability.py's.

10 locations × 20 clerks (the reference rosters, four on a week's leave each), 6 weeks, about
60 % booked at random. Times earliest.everywhere() for Personalausweis + Anmeldung, uncached (what
the location step pays on a cache miss), at the reference Monday 07:00 and on the Friday afternoon
before (nothing left that day: the search walks over the weekend). Checks every answer against
availability.compute() over the whole horizon first. On PostgreSQL the filled tables are vacuumed
and analysed before timing, as autovacuum would have done (_support.settle).
Last line: earliest_p95_ms=<x> locations=10 staff=200 db=<sqlite|postgresql>
"""

import random
from datetime import timedelta
from decimal import Decimal

from _support import (
    FIRST_MONDAY,
    NOW,
    SERVICES,
    WEEKS,
    book_at_random,
    db_label,
    median,
    percentile,
    settle,
    staff_and_rosters,
    throwaway_database,
    timed,
)

LOCATIONS = 10
STAFF = 20
FILL = 0.6
REPEAT = 60
# The Friday before the reference week, 15:00 in Berlin: the clerks have gone home.
FRIDAY = NOW - timedelta(days=3) + timedelta(hours=8)


def build_county():
    """Ten locations sharing the catalogue; returns (locations, [Personalausweis, Anmeldung])."""
    from amtstermin.core.models import Department, Service

    department = Department.objects.create(name="Einwohnermeldewesen", slug="emw")
    services = [
        Service.objects.create(
            department=department,
            name=name,
            slug=f"s{position}",
            duration_minutes=minutes,
            additional_minutes=10,
            max_quantity=4,
            fee=Decimal("10.00"),
            position=position,
        )
        for position, (name, minutes, _skilled) in enumerate(SERVICES)
    ]
    locations = [
        build_location(department, services, number, random.Random(2026 + number))
        for number in range(LOCATIONS)
    ]
    return locations, services[:2]


def build_location(department, services, number, rng):
    """One location as in _support.build_scenario, booked to FILL at random."""
    from amtstermin.core.models import (
        Absence,
        Location,
    )

    location = Location.objects.create(
        name=f"Bürgerbüro {number:02d}",
        slug=f"bb{number}",
        street="Markt 1",
        postcode="59302",
        city="Musterstadt",
        federal_state="NW",
        min_notice_minutes=0,
    )
    for service in services:
        service.locations.add(location)
    staff, blocks = staff_and_rosters(
        location,
        department,
        services,
        rng,
        valid_from=FIRST_MONDAY - timedelta(days=7),
        prefix=f"{number:02d}-",
    )
    absent = set()
    for member in rng.sample(staff, 4):
        week = FIRST_MONDAY + timedelta(weeks=rng.randrange(WEEKS))
        Absence.objects.create(
            staff=member,
            start=location.local_day_start(week),
            end=location.local_day_start(week + timedelta(days=7)),
        )
        absent |= {(member.pk, week + timedelta(days=k)) for k in range(7)}
    # From the Friday before the reference week, so its afternoon is booked like the rest.
    book_at_random(
        location,
        services,
        blocks,
        absent,
        fill=FILL,
        rng=rng,
        reference=f"C{number:02d}",
        created_at=FRIDAY - timedelta(days=7),
        first=FIRST_MONDAY - timedelta(days=3),
    )
    return location


def main() -> None:
    from amtstermin.core.items import Item, service_ids
    from amtstermin.core.scheduling import availability, capacity, earliest

    with throwaway_database():
        locations, (id_card, registration) = build_county()
        settle()
        items = [Item(id_card), Item(registration)]
        for now in (NOW, FRIDAY):
            found = earliest.everywhere(locations, items, now=now)
            for place, answer in zip(locations, found, strict=True):
                calendar = availability.compute(place, items, now=now)
                day = calendar.first_day()
                expected = calendar.starts(day)[0] if day else None
                assert answer.start == expected, (place.name, answer.start, expected)
        results = {}
        for label, now in (("Friday 15:00", FRIDAY), ("Monday 07:00", NOW)):
            samples = timed(lambda now=now: earliest.everywhere(locations, items, now=now), REPEAT)
            cached = timed(
                lambda now=now: earliest.everywhere(locations, items, now=now, cached=True),
                REPEAT,
            )
            best = earliest.soonest(earliest.everywhere(locations, items, now=now))
            results[label] = percentile(samples, 0.95)
            print(
                f"{label}: earliest {best.local_start:%a %d.%m. %H:%M} at {best.location.name}; "
                f"uncached p50={median(samples):.2f} ms p95={results[label]:.2f} ms, "
                f"cached p50={median(cached):.2f} ms p95={percentile(cached, 0.95):.2f} ms "
                f"({REPEAT} runs, all {LOCATIONS} locations)"
            )
        full = timed(
            lambda: [availability.compute(place, items, now=FRIDAY) for place in locations], 10
        )
        print(f"for comparison, 10 full 6-week calendars: p50={median(full):.1f} ms")
        # The floor of any search through the loader: one day loaded at each location.
        wanted, monday = service_ids(items), NOW.date()
        floor = timed(
            lambda: [
                capacity.load(place, monday, monday, channel="online", now=NOW, services=wanted)
                for place in locations
            ],
            REPEAT,
        )
        print(
            f"floor, one capacity.load() of Monday per location: p50={median(floor):.2f} ms "
            f"p95={percentile(floor, 0.95):.2f} ms"
        )
        print(
            f"earliest_p95_ms={results['Monday 07:00']:.2f} locations={LOCATIONS} "
            f"staff={LOCATIONS * STAFF} db={db_label()}"
        )


if __name__ == "__main__":
    main()
