"""A whole state on one PostgreSQL: 400 locations and ~2.5 million appointments (issue 13).

fill_state() grows the reference scenario's database into a state's: 399 more towns (2-10
clerks each, the reference rosters, every service), and appointments over the past months and
the booking horizon, so many that the table holds about `target` rows. The benchmark's own
locations get only their past (under their earlier rosters, from the same first day on): the
rows of their horizon stay exactly those the small run made, so the runs differ in history.

Rows are made in the database (INSERT ... SELECT over generate_series, one statement per month),
never through the ORM row by row: 2.5 million rows take minutes this way, not hours.
Appointments sit on a 20-minute grid per clerk, about 60 % of it taken, 10-20 minutes each,
so no two holding ones of a clerk overlap (the exclusion constraint checks every row).
Statuses as an office sees them: past done, no-show, cancelled, lapsed holds; future booked,
cancelled (released again), a few unconfirmed holds still within their 30 minutes (older ones
the worker has expired); personal data blanked after 30 days, as the purge does. Every
appointment has one or two items and one or two history entries.
PostgreSQL only: SQLite has neither generate_series nor the writer to take this.
"""

import time as clock
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, time, timedelta

from _support import AFTERNOONS, NOW

LOCATIONS = 400
TARGET = 2_500_000
TAKEN_SHARE = 0.6  # of the 20-minute grid
GRID_MINUTES = 20
RETENTION_DAYS = 30  # personal data blanked after this (settings' default)
CHUNK_DAYS = 31


@dataclass
class StateFill:
    locations: int
    staff: int
    appointments: int
    items: int
    events: int
    first_day: date
    seconds: float
    phases: dict[str, float]  # seconds per step of the fill


@contextmanager
def state_twin(measured):
    """A copy of this database filled to a state's, beside the original.

    Yields (use, StateFill): use(big=True) points the connection at the copy, use(big=False)
    back at the original, so a benchmark can alternate between them and a busy machine's load
    falls on both alike. The copy is dropped afterwards.
    """
    import psycopg
    from django.db import connection

    settings = connection.settings_dict
    small = settings["NAME"]
    big = f"{small}_state"
    admin = {
        "dbname": "postgres",
        "host": settings["HOST"] or None,
        "port": settings["PORT"] or None,
        "user": settings["USER"] or None,
        "password": settings["PASSWORD"] or None,
    }

    def use(*, big_one: bool) -> None:
        connection.close()
        settings["NAME"] = big if big_one else small

    if connection.vendor != "postgresql":
        raise SystemExit("--state needs PostgreSQL (DATABASE_URL=postgres://…)")
    connection.close()  # a template must have no sessions
    started = clock.perf_counter()
    with psycopg.connect(**admin, autocommit=True) as server:
        server.execute(f'DROP DATABASE IF EXISTS "{big}"')
        server.execute(f'CREATE DATABASE "{big}" TEMPLATE "{small}"')
    copied = clock.perf_counter() - started
    try:
        use(big_one=True)
        filled = fill_state(measured)
        filled.phases = {"copy": copied, **filled.phases}
        filled.seconds += copied
        yield use, filled
    finally:
        use(big_one=False)
        with psycopg.connect(**admin, autocommit=True) as server:
            server.execute(f'DROP DATABASE IF EXISTS "{big}" WITH (FORCE)')


def _blocks_for(number: int) -> list[tuple[int, time, time]]:
    """Mornings Monday to Friday and one or two afternoons: the reference pattern."""
    blocks = [(weekday, time(8), time(12)) for weekday in range(5)]
    return blocks + AFTERNOONS[number % 3 : number % 3 + 1 + number % 2]


def fill_state(measured, *, target: int = TARGET, locations: int = LOCATIONS) -> StateFill:
    """Fill the database around `measured` (the benchmark's location); see the module doc."""
    from django.db import connection

    from amtstermin.core.models import Appointment, Location, RosterBlock, Service, StaffMember

    if connection.vendor != "postgresql":
        raise SystemExit("--state needs PostgreSQL (DATABASE_URL=postgres://…)")
    started = clock.perf_counter()
    today = measured.local_date(NOW)
    horizon_end = measured.last_bookable_day(today)
    services = list(Service.objects.filter(locations=measured).order_by("position"))
    kept = list(Location.objects.values_list("pk", flat=True))  # the benchmark's own
    department = services[0].department

    towns = Location.objects.bulk_create(
        Location(
            name=f"Bürgerbüro {number:03d}",
            slug=f"state-{number:03d}",
            street="Rathausplatz 1",
            postcode=f"{40000 + number * 47:05d}",
            city=f"Stadt {number:03d}",
            federal_state="NW",
        )
        for number in range(1, locations)
    )
    Service.locations.through.objects.bulk_create(
        Service.locations.through(service_id=service.pk, location_id=town.pk)
        for town in towns
        for service in services
    )
    staff_of: list[tuple[Location, StaffMember]] = []
    members = []
    for number, town in enumerate(towns):
        for clerk in range(2 + number * 7 % 9):  # 2 to 10 clerks, about 6 on average
            members.append(StaffMember(name=f"Clerk {number:03d}-{clerk}", department=department))
            staff_of.append((town, members[-1]))
    StaffMember.objects.bulk_create(members)
    skill = StaffMember.skills.through
    skill.objects.bulk_create(
        skill(staffmember_id=member.pk, service_id=service.pk)
        for number, member in enumerate(members)
        for position, service in enumerate(services)
        if position < 2 or (number + position) % 3
    )
    works = StaffMember.locations.through
    works.objects.bulk_create(
        works(staffmember_id=member.pk, location_id=town.pk) for town, member in staff_of
    )

    # Enough past days that the table ends near `target`: the grid's rows per week, by share.
    own = list(RosterBlock.objects.filter(location_id__in=kept))
    own_minutes = sum(_minutes(b.start_time, b.end_time) for b in own)
    town_blocks = [
        (town, member, block)
        for number, (town, member) in enumerate(staff_of)
        for block in _blocks_for(number)
    ]
    town_minutes = sum(_minutes(start, end) for _t, _m, (_w, start, end) in town_blocks)
    per_day = (own_minutes + town_minutes) / GRID_MINUTES * TAKEN_SHARE / 7
    future_days = (horizon_end - today).days + 1
    future_rows = town_minutes / GRID_MINUTES * TAKEN_SHARE / 7 * future_days
    existing = Appointment.objects.count()
    first_day = today - timedelta(days=round((target - existing - future_rows) / per_day))

    # Rosters: the towns' from the first day on, and the benchmark locations' earlier rosters
    # (the same blocks, ending the day before their scenario starts).
    RosterBlock.objects.bulk_create(
        [
            RosterBlock(
                staff=member,
                location=town,
                weekday=weekday,
                start_time=start,
                end_time=end,
                valid_from=first_day,
            )
            for town, member, (weekday, start, end) in town_blocks
        ]
        + [
            RosterBlock(
                staff_id=block.staff_id,
                location_id=block.location_id,
                weekday=block.weekday,
                start_time=block.start_time,
                end_time=block.end_time,
                valid_from=first_day,
                valid_until=today - timedelta(days=1),
            )
            for block in own
        ]
    )
    holidays = sorted(measured.holidays_between(first_day, horizon_end))
    phases = {"setup": clock.perf_counter() - started}
    with connection.cursor() as cursor, _indexes_rebuilt(cursor, FILLED, phases):
        cursor.execute("SET synchronous_commit = off")
        before = _max_id(cursor, "core_appointment")
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute("CREATE TEMPORARY SEQUENCE state_reference")
        day = first_day
        while day <= horizon_end:
            until = min(day + timedelta(days=CHUNK_DAYS - 1), horizon_end)
            cursor.execute(
                APPOINTMENTS,
                {
                    "first": day,
                    "last": until,
                    "today": today,
                    "kept": kept,
                    "holidays": holidays,
                    "now": NOW,
                    "purged": today - timedelta(days=RETENTION_DAYS),
                    "share": TAKEN_SHARE,
                    "grid": GRID_MINUTES,
                },
            )
            day = until + timedelta(days=1)
        cursor.execute("DROP SEQUENCE state_reference")
        phases["appointments"] = clock.perf_counter() - started - sum(phases.values())
        ids = [service.pk for service in services]
        cursor.execute(ITEMS, {"before": before, "common": ids[:2], "other": ids[2:]})
        phases["items"] = clock.perf_counter() - started - sum(phases.values())
        cursor.execute(EVENTS, {"before": before})
        phases["events"] = clock.perf_counter() - started - sum(phases.values())
    with connection.cursor() as cursor:
        # Visibility map and statistics as a live database has them; then the fill's dirty
        # pages are written before anything is measured.
        for table in FILLED:
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("ANALYZE")
        cursor.execute("CHECKPOINT")
        counts = []
        for table in FILLED:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts.append(cursor.fetchone()[0])
        phases["vacuum"] = clock.perf_counter() - started - sum(phases.values())
    return StateFill(
        locations=locations,
        staff=len(members),
        appointments=counts[0],
        items=counts[1],
        events=counts[2],
        first_day=first_day,
        seconds=clock.perf_counter() - started,
        phases=phases,
    )


FILLED = ("core_appointment", "core_appointmentitem", "core_appointmentevent")


@contextmanager
def _indexes_rebuilt(cursor, tables, phases):
    """Drop the tables' secondary indexes and unique, exclusion and foreign key constraints;
    build them anew afterwards: building once is several times faster than maintaining them
    row by row, and the constraints still check every row when they are added back."""
    cursor.execute("SET maintenance_work_mem = '512MB'")
    constraints, indexes = [], []
    for table in tables:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid), conindid FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'x', 'f')",
            [table],
        )
        found = cursor.fetchall()
        constraints += [(table, name, definition) for name, definition, _index in found]
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
            "FROM pg_index i WHERE i.indrelid = %s::regclass AND NOT i.indisprimary "
            "AND NOT i.indexrelid = ANY(%s)",
            [table, [index for _name, _definition, index in found]],
        )
        indexes += cursor.fetchall()
    for table, name, _definition in constraints:
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    yield
    started = clock.perf_counter()
    for _name, definition in indexes:
        cursor.execute(definition)
    for table, name, definition in constraints:
        cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    phases["indexes"] = clock.perf_counter() - started


def _minutes(start: time, end: time) -> int:
    return (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)


def _max_id(cursor, table: str) -> int:
    cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
    return cursor.fetchone()[0]


# One row per taken cell of the 20-minute grid of every roster block valid on the day; the
# benchmark's locations only before `today`. Layers: the cell and its dice, then the status (past
# or future), then every column.
APPOINTMENTS = """
INSERT INTO core_appointment (
    reference, location_id, staff_id, start, "end", channel, status, waiting_day,
    waiting_number, name, email, email_key, phone, language, hold_expires_at,
    unproven_network, cancelled_at, cancel_reason, online_release_at, idempotency_key,
    sequence, created_at)
SELECT
    'S' || lpad(n::text, 10, '0'), location_id, staff_id, start,
    start + minutes * interval '1 minute', channel, status, day, 'S' || n,
    CASE WHEN purged THEN '' ELSE 'Bürger ' || n END,
    CASE WHEN purged OR channel <> 'online' THEN '' ELSE 'b' || n || '@example.org' END,
    CASE WHEN purged OR channel <> 'online' THEN '' ELSE 'b' || n || '@example.org' END,
    '', 'de',
    CASE WHEN status IN ('reserved', 'expired') THEN created + interval '30 minutes' END,
    '',
    CASE WHEN status = 'cancelled' THEN created + (start - created) / 2 END,
    '',
    CASE WHEN status = 'cancelled' THEN created + (start - created) / 2
        + interval '15 minutes' END,
    NULL, 0, created
FROM (
    SELECT *,
        CASE
            WHEN start < %(now)s THEN CASE
                WHEN u < 0.85 THEN 'done' WHEN u < 0.89 THEN 'no_show'
                WHEN u < 0.98 THEN 'cancelled' ELSE 'expired' END
            ELSE CASE
                WHEN u < 0.88 THEN 'booked' WHEN u < 0.995 THEN 'cancelled'
                ELSE 'reserved' END
        END AS status,
        CASE WHEN c < 0.7 THEN 'online' WHEN c < 0.9 THEN 'phone' ELSE 'desk' END AS channel,
        CASE
            -- a hold still open: made within its 30 minutes (the worker expires older ones)
            WHEN start >= %(now)s AND u >= 0.995 THEN %(now)s - w * interval '25 minutes'
            ELSE LEAST(start - (1 + floor(w * 30)) * interval '1 day', %(now)s)
        END AS created,
        day < %(purged)s AS purged
    FROM (
        SELECT nextval('state_reference') AS n, r.location_id, r.staff_id, d::date AS day,
            ((d + r.start_time) AT TIME ZONE 'Europe/Berlin')
                + cell * %(grid)s * interval '1 minute' AS start,
            (ARRAY[10, 15, 20])[1 + floor(random() * 3)::int] AS minutes,
            random() AS u, random() AS c, random() AS w
        FROM generate_series(%(first)s::timestamp, %(last)s::timestamp, interval '1 day') d
        JOIN core_rosterblock r
            ON r.weekday = extract(isodow FROM d) - 1 AND r.valid_from <= d::date
            AND (r.valid_until IS NULL OR r.valid_until >= d::date)
        CROSS JOIN LATERAL generate_series(
            0, (extract(epoch FROM r.end_time - r.start_time) / 60)::int / %(grid)s - 1) cell
        WHERE random() < %(share)s AND NOT d::date = ANY(%(holidays)s::date[])
            AND (NOT r.location_id = ANY(%(kept)s::bigint[]) OR d::date < %(today)s)
    ) cells
) rows
"""

# One item each (the two services every clerk has), a second one for about every tenth.
ITEMS = """
INSERT INTO core_appointmentitem (appointment_id, service_id, quantity)
SELECT id, (%(common)s::int[])[1 + id %% 2], CASE WHEN id %% 7 = 0 THEN 2 ELSE 1 END
FROM core_appointment WHERE id > %(before)s
UNION ALL
SELECT id, (%(other)s::int[])[1 + id %% cardinality(%(other)s::int[])], 1
FROM core_appointment WHERE id > %(before)s AND id %% 10 = 3
"""

# Booked or reserved when made; cancelled, lapsed and no-shows have their second entry.
EVENTS = """
INSERT INTO core_appointmentevent (appointment_id, kind, at, channel, detail, staff_id)
SELECT id, CASE WHEN status IN ('reserved', 'expired') THEN 'reserved' ELSE 'booked' END,
    created_at, channel, '{}'::jsonb, NULL::bigint
FROM core_appointment WHERE id > %(before)s
UNION ALL
SELECT id, status, COALESCE(cancelled_at, hold_expires_at, start + interval '15 minutes'),
    channel, '{}'::jsonb, NULL::bigint
FROM core_appointment WHERE id > %(before)s AND status IN ('cancelled', 'expired', 'no_show')
"""
