"""Throughput of core book() under 8 threads, against raw inserts guarded the same way.

8 threads book distinct free starts of the reference scenario through booking.book() (outbox
task row included) for ~10 s; then, in the same run, 8 threads insert rows with raw SQL into a
table carrying the same exclusion constraint (PostgreSQL) for ~10 s. Finally every holding
appointment is checked against every other of the same clerk.
First, 200 bookings one by one give the single-thread latency (p50).
Last line: bookings_per_s=<x> raw_inserts_per_s=<y> ratio=<x/y> overbooked=<n>

--state (PostgreSQL only; issue 13, state scale): after the raw inserts, the same run fills the
database to a state's (400 locations, ~2.5 million appointments: see _state.py) and books at the
same location again, single-thread and with the threads, printing
`state: bookings_per_s=<x> single_p50_ms=<y> state_ratio=<x/small x> ...` before the last line,
which keeps the small database's figures (overbooked counts every booking of both parts).
"""

import itertools
import os
import random
import sys
import threading
import time as clock
from collections import Counter, deque
from datetime import timedelta

os.environ.setdefault("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")

from _support import NOW, build_scenario, db_label, median, throwaway_database  # noqa: E402

THREADS = 8
SECONDS = 10.0
SINGLE = 200  # bookings timed one by one before the threads start


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


def run_threads(work) -> tuple[Counter, float]:
    outcomes: Counter = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(THREADS)
    deadline = []

    def worker(number):
        barrier.wait()
        if number == 0:
            deadline.append(clock.perf_counter() + SECONDS)
        while not deadline:
            pass
        local = Counter(work(number, deadline[0]))
        with lock:
            outcomes.update(local)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    started = clock.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes, clock.perf_counter() - started


def main() -> None:
    from django.db import connection, connections

    from amtstermin.core import booking
    from amtstermin.core.errors import SlotTaken
    from amtstermin.core.items import Item
    from amtstermin.core.models import Appointment, Channel

    if "--state" in sys.argv[1:] and connection.vendor != "postgresql":
        sys.exit("--state needs PostgreSQL: set DATABASE_URL=postgres://…")
    with throwaway_database():
        location, (id_card, _registration), _booked, _fill = build_scenario(fill=0.0)
        items = [Item(id_card)]
        pool = free_starts(location, items)
        print(f"{len(pool)} free seats of 20 minutes in the horizon, db={db_label()}")

        serial = itertools.count()  # next() on it is atomic under the GIL

        def book_one(start):
            mailbox = f"b{next(serial)}@example.org"
            contact = booking.Contact(name="Bench single", email=mailbox)
            booking.book(
                location=location,
                items=items,
                start=start,
                contact=contact,
                channel=Channel.ONLINE,
                now=NOW,
            )

        def single_p50():
            """One thread first: the Python cost of a booking, without waiting for anyone."""
            singles = [pool.popleft() for _ in range(SINGLE)]
            latencies = []
            for start in singles:
                began = clock.perf_counter()
                book_one(start)
                latencies.append((clock.perf_counter() - began) * 1000)
            return median(latencies)

        print(f"single-thread book(): p50 {single_p50():.1f} ms over {SINGLE} bookings")

        def book_some(number, deadline):
            try:
                while clock.perf_counter() < deadline:
                    try:
                        start = pool.popleft()
                    except IndexError:
                        return
                    # One mailbox per booking: the per-address limit is not what is measured.
                    try:
                        book_one(start)
                        yield "booked"
                    except SlotTaken:
                        yield "taken"
            finally:
                connections.close_all()

        outcomes, elapsed = run_threads(lambda n, d: list(book_some(n, d)))
        bookings_per_s = outcomes["booked"] / elapsed
        booked, taken = outcomes["booked"], outcomes["taken"]
        print(f"core book(): {booked} booked, {taken} taken in {elapsed:.1f} s")

        raw_per_s = raw_inserts(connection)
        if "--state" in sys.argv[1:]:
            from _state import fill_state

            filled = fill_state(location)
            print(
                f"state: {filled.locations} locations, {filled.appointments} appointments "
                f"since {filled.first_day}, filled in {filled.seconds:.0f} s"
            )
            state_p50 = single_p50()
            state_outcomes, state_elapsed = run_threads(lambda n, d: list(book_some(n, d)))
            state_per_s = state_outcomes["booked"] / state_elapsed
            print(
                f"state: bookings_per_s={state_per_s:.0f} single_p50_ms={state_p50:.1f} "
                f"state_ratio={state_per_s / bookings_per_s:.2f} "
                f"({state_outcomes['booked']} booked, {state_outcomes['taken']} taken)"
            )
        overbooked = count_overbooked(connection, location)
        print(f"appointments stored: {Appointment.objects.count()}")
        print(
            f"bookings_per_s={bookings_per_s:.0f} raw_inserts_per_s={raw_per_s:.0f} "
            f"ratio={bookings_per_s / raw_per_s:.3f} overbooked={overbooked}"
        )


def raw_inserts(connection) -> float:
    """Rows per second that plain SQL inserts manage into an equally guarded table."""
    from django.db import connections

    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute(
                "CREATE TABLE bench_raw (staff_id int, during tstzrange, "
                "EXCLUDE USING gist (staff_id WITH =, during WITH &&))"
            )
        else:
            cursor.execute("CREATE TABLE bench_raw (staff_id int, start text, finish text)")

    def insert_some(number, deadline):
        from django.db import connection as own
        from django.db import transaction

        moment = NOW
        done = 0
        try:
            while clock.perf_counter() < deadline:
                finish = moment + timedelta(minutes=20)
                with transaction.atomic(), own.cursor() as cursor:
                    if postgres:
                        cursor.execute(
                            "INSERT INTO bench_raw VALUES (%s, tstzrange(%s, %s, '[)'))",
                            [number, moment, finish],
                        )
                    else:
                        cursor.execute(
                            "INSERT INTO bench_raw VALUES (%s, %s, %s)", [number, moment, finish]
                        )
                moment, done = finish, done + 1
            return ["inserted"] * done
        finally:
            connections.close_all()

    outcomes, elapsed = run_threads(insert_some)
    print(f"raw inserts: {outcomes['inserted']} in {elapsed:.1f} s")
    return outcomes["inserted"] / elapsed


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
