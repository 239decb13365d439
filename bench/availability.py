"""Full 6-week availability for Personalausweis + Anmeldung at a 20-clerk location.

Prints p50/p95 of availability.compute() over the whole horizon, and in the same run the p95 of a
bare SQL fetch of the same appointment rows (what any system must at least read), in the cheapest
form: epoch seconds, as the loader reads them. The fetch as datetime objects is printed too.
Last line: availability_p95_ms=<x> bare_fetch_p95_ms=<y> ratio=<x/y> db=<sqlite|postgresql>
"""

from datetime import timedelta

from _support import NOW, build_scenario, db_label, median, percentile, throwaway_database, timed

REPEAT = 60


def main() -> None:
    from django.db import connection

    from amtstermin.core.items import Item
    from amtstermin.core.models import HOLDING
    from amtstermin.core.scheduling import availability

    with throwaway_database():
        location, (id_card, registration), booked, fill = build_scenario()
        items = [Item(id_card), Item(registration)]
        staff_ids = sorted(location.roster.values_list("staff_id", flat=True).distinct())
        window = availability.window(location, channel="online", now=NOW)
        first = location.local_day_start(window.first)
        last = location.local_day_start(window.last + timedelta(days=1))
        statuses = [str(status) for status in HOLDING]
        epoch = (
            "EXTRACT(EPOCH FROM {0})::float8"
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

        rows = len(bare_fetch())
        free_days = sum(1 for count in full_calendar() if count)
        calendar_ms = timed(full_calendar, REPEAT)
        fetch_ms = timed(bare_fetch, REPEAT)
        datetime_ms = timed(lambda: fetch(as_datetimes), REPEAT)
        cached_ms = timed(cached_calendar, REPEAT)
        p95, fetch_p95 = percentile(calendar_ms, 0.95), percentile(fetch_ms, 0.95)
        print(
            f"scenario: 20 staff, {booked} bookings ({fill:.0%} of rostered time), "
            f"{rows} rows in the horizon, {free_days} days with free starts"
        )
        print(f"availability p50={median(calendar_ms):.2f} ms p95={p95:.2f} ms ({REPEAT} runs)")
        print(
            f"cached       p50={median(cached_ms):.2f} ms p95={percentile(cached_ms, 0.95):.2f} ms "
            "(what the calendar page pays while nothing is written)"
        )
        print(f"bare fetch   p50={median(fetch_ms):.2f} ms p95={fetch_p95:.2f} ms (epoch seconds)")
        print(
            f"bare fetch   p50={median(datetime_ms):.2f} ms "
            f"p95={percentile(datetime_ms, 0.95):.2f} ms (as datetime objects)"
        )
        print(
            f"availability_p95_ms={p95:.2f} bare_fetch_p95_ms={fetch_p95:.2f} "
            f"ratio={p95 / fetch_p95:.2f} db={db_label()}"
        )


if __name__ == "__main__":
    main()
