"""Throughput of core book() in 8 worker processes, against raw inserts guarded the same way.

Workers are processes, as granian runs the app (bench/_workers.py): threads would share one
interpreter and measure its lock. With PostgreSQL the cache is Redis (REDIS_URL, default
redis://127.0.0.1:6379/7), as deployed: a booking moves the calendar's version there.

1. 200 bookings one by one at one location: the single-thread latency (p50) of book().
2. In ROUNDS alternating rounds of ~3.5 s each:
   - 8 processes book distinct free starts at that location through booking.book() (outbox
     task row included);
   - 8 processes insert rows with raw SQL into a table carrying the same exclusion constraint
     (PostgreSQL).
   Alternating, a change in the machine's speed during the run (a busy neighbour on the host:
   the same code measured 0.078 to 0.110 from one run to the next with one phase after the
   other) falls on both sides of the ratio alike. Each side's figure is its total count over
   its total time.
3. 8 processes spread over 4 locations (two each), ~10 s.
Finally every holding appointment is checked against every other of the same clerk.
Last line: bookings_per_s=<x> raw_inserts_per_s=<y> ratio=<x/y> overbooked=<n> (x: one location)

--state (PostgreSQL only; issue 13, state scale): after the spread, the same run copies the
database and fills the copy to a state's (400 locations, ~2.5 million appointments: see
_state.py), then books at the spread's last location (the first has too few free times left) in
both, in ROUNDS rounds that alternate between them: each round books SINGLE / ROUNDS times one by
one, then runs the processes. A change in the machine's speed then falls on both alike (one
after the other, around the fill's minute and a half, the ratio came out 0.70 and 0.90 for the
same code). It prints `state: bookings_per_s=<x> single_p50_ms=<y> state_ratio=<x/small x> ...`
before the last line, which keeps the small database's figures of steps 1 and 2 (overbooked
counts every booking of both databases).
"""

import os
import random
import sys
import time as clock
from collections import deque
from datetime import timedelta

os.environ.setdefault("TASKS_BACKEND", "amtstermin.core.outbox_backend.OutboxBackend")
if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")

from _support import NOW, build_scenario, db_label, median, throwaway_database  # noqa: E402
from _workers import run_processes  # noqa: E402

WORKERS = 8
LOCATIONS = 4  # for the spread figure
SECONDS = 10.0
ROUNDS = 3  # of SECONDS / ROUNDS each, bookings at one location and raw inserts in turn
SINGLE = 200  # bookings timed one by one before the processes start


def free_starts(location, items):
    """Every start on the service's own grid, as often as clerks could take it, shuffled."""
    from amtstermin.core.items import service_ids, units_needed
    from amtstermin.core.scheduling import availability, capacity, engine

    found = availability.compute(location, items, now=NOW)
    length = units_needed(items, location)
    loaded = capacity.load(location, found.days()[0], found.days()[-1], channel="online", now=NOW)
    pool = []
    for day in found.days():
        grid = loaded.grid(day)
        for unit in engine.bits(found.masks[day]):
            if unit % length == 0:  # distinct starts: neighbours never overlap
                seats = engine.capacity_at(loaded.staff_days[day], service_ids(items), length, unit)
                pool += [grid.instant(unit, location.slot_minutes)] * seats
    random.Random(7).shuffle(pool)
    return deque(pool)


def main() -> None:
    from django.conf import settings
    from django.db import connection

    from amtstermin.core import booking
    from amtstermin.core.errors import SlotTaken
    from amtstermin.core.items import Item
    from amtstermin.core.models import Appointment, Channel

    if "--state" in sys.argv[1:] and connection.vendor != "postgresql":
        sys.exit("--state needs PostgreSQL: set DATABASE_URL=postgres://…")
    with throwaway_database():
        sites = []
        for number in range(LOCATIONS):
            location, (id_card, _registration), _booked, _fill = build_scenario(
                fill=0.0, tag=str(number + 1) if number else ""
            )
            sites.append((location, [Item(id_card)]))
        location, items = sites[0]
        cache = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
        print(
            f"{len(free_starts(location, items))} free seats of 20 minutes per location, "
            f"{LOCATIONS} locations, db={db_label()}, cache={cache}"
        )

        def book_one(where, what, start, mailbox):
            contact = booking.Contact(name="Bench", email=mailbox)
            booking.book(
                location=where,
                items=what,
                start=start,
                contact=contact,
                channel=Channel.ONLINE,
                now=NOW,
            )

        def single(label, site, count=SINGLE):
            """One process: the cost of `count` bookings in ms, without waiting for anyone."""
            where, what = site
            starts = list(free_starts(where, what))[:count]
            latencies = []
            for number, start in enumerate(starts):
                began = clock.perf_counter()
                book_one(where, what, start, f"single-{label}-{number}@example.org")
                latencies.append((clock.perf_counter() - began) * 1000)
            return latencies

        def in_parallel(label, chosen, seconds=SECONDS):
            """WORKERS processes booking for `seconds` at the `chosen` sites (one or several).
            Returns (bookings, elapsed seconds)."""
            spread = len(chosen)
            pools = [list(free_starts(where, what)) for where, what in chosen]

            def work(number, deadline):
                where, what = chosen[number % spread]
                # Worker n takes every WORKERS-th seat of its location: no two try the same.
                mine = pools[number % spread][number // spread :: WORKERS // spread]
                for serial, start in enumerate(mine):
                    if clock.perf_counter() >= deadline:
                        return
                    # One mailbox per booking: the per-address limit is not what is measured.
                    try:
                        book_one(where, what, start, f"{label}-{number}-{serial}@example.org")
                        yield "booked"
                    except SlotTaken:
                        yield "taken"

            outcomes, elapsed = run_processes(WORKERS, seconds, work)
            errors = {key: n for key, n in outcomes.items() if key.startswith("error")}
            print(
                f"core book(), {WORKERS} processes at {spread} location(s): "
                f"{outcomes['booked'] / elapsed:.0f}/s ({outcomes['booked']} booked, "
                f"{outcomes['taken']} taken in {elapsed:.1f} s){f' {errors}' if errors else ''}"
            )
            return outcomes["booked"], elapsed

        def one_location(label, site):
            """Bookings at one location against raw inserts, in alternating rounds: (x, y)."""
            booked = inserted = booking_time = insert_time = 0.0
            for number in range(ROUNDS):
                count, elapsed = in_parallel(f"{label}-{number}", [site], SECONDS / ROUNDS)
                booked, booking_time = booked + count, booking_time + elapsed
                count, elapsed = raw_inserts(connection, number, SECONDS / ROUNDS)
                inserted, insert_time = inserted + count, insert_time + elapsed
            return booked / booking_time, inserted / insert_time

        small_p50 = median(single("small", sites[0]))
        print(f"single-thread book(): p50 {small_p50:.1f} ms over {SINGLE} bookings")
        bookings_per_s, raw_per_s = one_location("one", sites[0])
        in_parallel("spread", sites)
        overbooked = 0
        if "--state" in sys.argv[1:]:
            overbooked += state_scale(sites[-1], single, in_parallel)
        overbooked += sum(count_overbooked(connection, where) for where, _what in sites)
        print(f"appointments stored: {Appointment.objects.count()}")
        print(
            f"bookings_per_s={bookings_per_s:.0f} raw_inserts_per_s={raw_per_s:.0f} "
            f"ratio={bookings_per_s / raw_per_s:.3f} overbooked={overbooked}"
        )


def state_scale(site, single, in_parallel) -> int:
    """The --state part: rounds alternating between this database and its state-sized twin
    (_state.state_twin), at `site`. Prints the state lines; returns the twin's overbooked count."""
    from _state import state_twin
    from django.db import connection

    where, _what = site
    with state_twin(where) as (use, filled):
        print(
            f"state: {filled.locations} locations, {filled.appointments} appointments "
            f"since {filled.first_day}, filled in {filled.seconds:.0f} s"
        )
        latencies: dict[bool, list[float]] = {False: [], True: []}
        booked = {False: 0, True: 0}
        elapsed = {False: 0.0, True: 0.0}
        for number in range(ROUNDS):
            for big in (False, True):
                use(big_one=big)
                label = f"{'state' if big else 'small'}-{number}"
                latencies[big] += single(label, site, SINGLE // ROUNDS)
                count, seconds = in_parallel(label, [site], SECONDS / ROUNDS)
                booked[big] += count
                elapsed[big] += seconds
        use(big_one=True)
        overbooked = count_overbooked(connection, where)
        use(big_one=False)
    per_s = {big: booked[big] / elapsed[big] for big in (False, True)}
    for big, name in ((False, "small"), (True, "state")):
        print(
            f"{name}  at the last location: single-thread p50 {median(latencies[big]):.1f} ms, "
            f"{per_s[big]:.0f}/s ({ROUNDS} rounds, alternating)"
        )
    print(
        f"state: bookings_per_s={per_s[True]:.0f} single_p50_ms={median(latencies[True]):.1f} "
        f"state_ratio={per_s[True] / per_s[False]:.2f}"
    )
    return overbooked


def raw_inserts(connection, number: int, seconds: float) -> tuple[int, float]:
    """Rows that plain SQL inserts manage into an equally guarded table in round `number`:
    (rows, elapsed seconds)."""
    from django.db import connections

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_raw (staff_id int, during tstzrange, "
                "EXCLUDE USING gist (staff_id WITH =, during WITH &&))"
            )
        else:
            cursor.execute(
                "CREATE TABLE IF NOT EXISTS bench_raw (staff_id int, start text, finish text)"
            )

    def insert_some(worker, deadline):
        from django.db import connection as own
        from django.db import transaction

        moment = NOW
        done = 0
        staff_id = number * WORKERS + worker  # a clerk of its own in every round: no overlaps
        try:
            while clock.perf_counter() < deadline:
                finish = moment + timedelta(minutes=20)
                with transaction.atomic(), own.cursor() as cursor:
                    if postgres:
                        cursor.execute(
                            "INSERT INTO bench_raw VALUES (%s, tstzrange(%s, %s, '[)'))",
                            [staff_id, moment, finish],
                        )
                    else:
                        cursor.execute(
                            "INSERT INTO bench_raw VALUES (%s, %s, %s)", [staff_id, moment, finish]
                        )
                moment, done = finish, done + 1
            return ["inserted"] * done
        finally:
            connections.close_all()

    outcomes, elapsed = run_processes(WORKERS, seconds, insert_some)
    print(
        f"raw inserts, {WORKERS} processes: {outcomes['inserted'] / elapsed:.0f}/s "
        f"({outcomes['inserted']} in {elapsed:.1f} s)"
    )
    return outcomes["inserted"], elapsed


def count_overbooked(connection, location) -> int:
    """Pairs of holding appointments of one clerk whose times overlap, for the location's
    appointments (the state's millions of others would make this join take minutes)."""
    from amtstermin.core.models import HOLDING

    statuses = ",".join(f"'{status}'" for status in HOLDING)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM core_appointment a JOIN core_appointment b "
            "ON a.staff_id = b.staff_id AND a.id < b.id "
            'AND a.start < b."end" AND b.start < a."end" '
            f"WHERE a.status IN ({statuses}) AND b.status IN ({statuses}) "
            "AND a.location_id = %s",
            [location.pk],
        )
        return cursor.fetchone()[0]


if __name__ == "__main__":
    main()
