"""Full 6-week availability for Personalausweis + Anmeldung at a 20-clerk location.

Prints p50/p95 of availability.compute() over the whole horizon, and in the same run the p95 of a
bare SQL fetch of the same appointment rows (what any system must at least read), in the cheapest
form: epoch seconds, as the loader reads them (date_part() on PostgreSQL, in float8). The fetch
as datetime objects is printed too. The three take turns, one call each, for ROUNDS rounds
(_support.interleaved): a change in the machine's speed falls on all alike. Then the cached
calendar is timed ROUNDS times in a row, as a page is served while nothing is written: between
the turns, Redis and the database server sat idle for tens of milliseconds, and waking them
doubled its time, which then measured the host, not the calendar.
On PostgreSQL the filled tables are vacuumed and analysed first, as autovacuum would have done
within a minute (_support.settle), so plans are made with statistics, as in the --state twin.
Last line: availability_p95_ms=<x> bare_fetch_p95_ms=<y> ratio=<x/y> db=<sqlite|postgresql>

--state (PostgreSQL only; issue 13, state scale): after that line, the same run copies the
database and fills the copy to a state's (400 locations, ~2.5 million past and future
appointments with items and history, made server-side: see _state.py); the rows of the
location's horizon are the same in both, only history was added. Then blocks of 20 runs
alternate between the two databases (200 runs each), so a busy machine's load falls on both
alike; lines for each, and the p50 and bare-fetch ratios, then the last line is:
state_ratio=<big/small p95> small_p95_ms=<x> big_p95_ms=<y> appointments=<n> fill_s=<t>
The target is state_ratio <= 1.2: a calendar costs what its staff x days cost, not the table.

With PostgreSQL the cache is Redis (REDIS_URL, default redis://127.0.0.1:6379/7), as deployed:
the cached calendar reads its entry there.
"""

import os
import sys
from datetime import timedelta

if os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/7")

from _support import (  # noqa: E402
    NOW,
    build_scenario,
    db_label,
    interleaved,
    median,
    percentile,
    settle,
    throwaway_database,
    timed,
)

# The calendar and the fetches take turns, one call each (_support.interleaved).
ROUNDS = 200
# --state: blocks of runs alternate between the small database and the state's
STATE_BLOCKS = 10
STATE_BLOCK_RUNS = 20


def main() -> None:
    from django.db import connection

    from amtstermin.core.items import Item
    from amtstermin.core.models import HOLDING
    from amtstermin.core.scheduling import availability

    if "--state" in sys.argv[1:] and connection.vendor != "postgresql":
        sys.exit("--state needs PostgreSQL: set DATABASE_URL=postgres://…")
    with throwaway_database():
        location, (id_card, registration), booked, fill = build_scenario()
        settle()
        items = [Item(id_card), Item(registration)]
        staff_ids = sorted(location.roster.values_list("staff_id", flat=True).distinct())
        window = availability.window(location, channel="online", now=NOW)
        first = location.local_day_start(window.first)
        last = location.local_day_start(window.last + timedelta(days=1))
        statuses = [str(status) for status in HOLDING]
        epoch = (
            "date_part('epoch', {0})"
            if connection.vendor == "postgresql"
            else "(julianday({0}) - 2440587.5) * 86400.0"
        )
        where = (
            'FROM core_appointment WHERE staff_id IN ({}) AND start < %s AND "end" > %s '
            "AND status IN ({})".format(
                ",".join(["%s"] * len(staff_ids)), ",".join(["%s"] * len(statuses))
            )
        )
        end_column = '"end"'
        columns = f"staff_id, {epoch.format('start')}, {epoch.format(end_column)}"
        as_numbers = f"SELECT {columns} {where}"
        as_datetimes = f'SELECT staff_id, start, "end" {where}'
        params = [*staff_ids, last, first, *statuses]

        def fetch(sql):
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()

        def bare_fetch():
            return fetch(as_numbers)

        def full_calendar():
            found = availability.compute(location, items, now=NOW)
            return [found.count(day) for day in found.masks]

        def cached_calendar():
            found = availability.compute(location, items, now=NOW, cached=True)
            return [found.count(day) for day in found.masks]

        def measure():
            """Print the figures; return the calendar's and the bare fetch's p95."""
            rows = len(bare_fetch())
            free_days = sum(1 for count in full_calendar() if count)
            samples = interleaved(
                {
                    "calendar": full_calendar,
                    "fetch": bare_fetch,
                    "datetimes": lambda: fetch(as_datetimes),
                },
                ROUNDS,
            )
            calendar_ms, fetch_ms = samples["calendar"], samples["fetch"]
            datetime_ms, cached_ms = samples["datetimes"], timed(cached_calendar, ROUNDS)
            repeat = len(calendar_ms)
            p95, fetch_p95 = percentile(calendar_ms, 0.95), percentile(fetch_ms, 0.95)
            print(
                f"scenario: 20 staff, {booked} bookings ({fill:.0%} of rostered time), "
                f"{rows} rows in the horizon, {free_days} days with free starts"
            )
            print(
                f"availability p50={median(calendar_ms):.2f} ms p95={p95:.2f} ms ({repeat} runs, "
                "taking turns with the fetches)"
            )
            print(
                f"cached       p50={median(cached_ms):.2f} ms "
                f"p95={percentile(cached_ms, 0.95):.2f} ms "
                "(what the calendar page pays while nothing is written)"
            )
            print(
                f"bare fetch   p50={median(fetch_ms):.2f} ms p95={fetch_p95:.2f} ms (epoch seconds)"
            )
            print(
                f"bare fetch   p50={median(datetime_ms):.2f} ms "
                f"p95={percentile(datetime_ms, 0.95):.2f} ms (as datetime objects)"
            )
            return p95, fetch_p95

        state = "--state" in sys.argv[1:]
        p95, fetch_p95 = measure()
        print(
            f"availability_p95_ms={p95:.2f} bare_fetch_p95_ms={fetch_p95:.2f} "
            f"ratio={p95 / fetch_p95:.2f} db={db_label()}"
        )
        if state:
            from _state import state_twin

            with state_twin(location) as (use, filled):
                compare(use, filled, full_calendar, bare_fetch)


def compare(use, filled, full_calendar, bare_fetch):
    """Alternate blocks of runs on the small database and its state-sized twin: a busy
    machine's load then falls on both alike. Prints the state lines."""
    print(
        f"state: {filled.locations} locations, {filled.staff} more staff, "
        f"{filled.appointments} appointments since {filled.first_day}, {filled.items} items, "
        f"{filled.events} history entries; filled in {filled.seconds:.0f} s ("
        + ", ".join(f"{step} {seconds:.0f} s" for step, seconds in filled.phases.items())
        + ")"
    )
    calendar: dict[bool, list[float]] = {False: [], True: []}
    fetch: dict[bool, list[float]] = {False: [], True: []}
    for _block in range(STATE_BLOCKS):
        for big in (False, True):
            use(big_one=big)
            calendar[big] += timed(full_calendar, STATE_BLOCK_RUNS)
            fetch[big] += timed(bare_fetch, STATE_BLOCK_RUNS)
    runs = STATE_BLOCKS * STATE_BLOCK_RUNS
    for big, label in ((False, "small"), (True, "state")):
        print(
            f"{label:5}  availability p50={median(calendar[big]):.2f} ms "
            f"p95={percentile(calendar[big], 0.95):.2f} ms, bare fetch "
            f"p50={median(fetch[big]):.2f} ms p95={percentile(fetch[big], 0.95):.2f} ms "
            f"({runs} runs, alternating in blocks of {STATE_BLOCK_RUNS})"
        )
    small_p95, big_p95 = (percentile(calendar[big], 0.95) for big in (False, True))
    print(
        f"state: p50_ratio={median(calendar[True]) / median(calendar[False]):.2f} "
        f"bare_fetch_ratio={percentile(fetch[True], 0.95) / percentile(fetch[False], 0.95):.2f}"
    )
    print(
        f"state_ratio={big_p95 / small_p95:.2f} small_p95_ms={small_p95:.2f} "
        f"big_p95_ms={big_p95:.2f} appointments={filled.appointments} "
        f"fill_s={filled.seconds:.0f}"
    )


if __name__ == "__main__":
    main()
