"""A booking's reads stay bounded by location, day and clerk on PostgreSQL's generic plan.

A booking runs its statements on their generic plan (sql.generic_plans). Such a plan is made
without the values, so an index whose use depends on one (a partial index) or a condition the
planner cannot push into an index reads whole tables; these tests show the plan each read gets
once the appointment table is large, as it is in a town's database after a year.
PostgreSQL only: SQLite plans every statement for its values.
"""

import re
from datetime import date, timedelta

import psycopg
import pytest
from django.db import connection, transaction

from amtstermin.core import booking_sql, sql
from amtstermin.core.models import Appointment, StaffMember
from amtstermin.core.scheduling import capacity_sql
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="generic plans: PostgreSQL"
)

NOW = berlin(2026, 12, 4, 15, 0)
MONDAY_9 = berlin(2026, 12, 7, 9, 0)


@pytest.fixture
def busy_town(office):
    """The office with 20 more clerks, and 3,000 booked appointments of ten others at another
    location, the days around the office's Monday full: a county's other town halls."""
    elsewhere = factories.location(name="Bürgerbüro Nord")
    for _n in range(20):  # the office's own clerks, with their day still free
        factories.roster(factories.staff(skills=[office.id_card]), office.location)
    clerks = [factories.staff().pk for _n in range(10)]
    first = factories.online_booking(office, MONDAY_9, now=NOW)
    a = Appointment
    names = [
        field.column
        for field in a._meta.local_concrete_fields
        if field.column
        not in ("id", "reference", "location_id", "staff_id", "start", "end", "waiting_number")
    ]
    copied = ", ".join(f'"{name}"' for name in names)
    # Appointment g: clerk g % 10, every 20 minutes from two days before the Monday on.
    shift = "(g / 10 - 144) * interval '20 minutes'"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {sql.table(a)} (reference, waiting_number, location_id, staff_id, start, "
            f"\"end\", {copied}) SELECT 'BUSY' || g, 'B' || g, %s, (%s::bigint[])[1 + g %% 10], "
            f'start + {shift}, "end" + {shift}, {copied} '
            f"FROM {sql.table(a)}, generate_series(0, 2999) g WHERE id = %s",
            [elsewhere.pk, clerks, first.pk],
        )
        cursor.execute(f"ANALYZE {sql.table(a)}")
    return office


def generic_plan(statement: sql.Statement, *, analyze: bool = False) -> str:
    """EXPLAIN of `statement` on its generic plan, as one text (`analyze`: run, with counts)."""
    query, params = statement
    numbers = iter(range(1, len(params) + 1))
    numbered = re.sub("%s", lambda _match: f"${next(numbers)}", query)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL plan_cache_mode = force_generic_plan")
        cursor.execute(f"PREPARE read_under_test AS {numbered}")
        # EXECUTE is a utility statement, which takes no bound parameters: quoted in.
        with psycopg.ClientCursor(connection.connection) as quoting:
            quoting.execute(
                f"EXPLAIN {'(ANALYZE) ' if analyze else ''}"
                f"EXECUTE read_under_test({sql.placeholders(params)})",
                list(params),
            )
            plan = "\n".join(row[0] for row in quoting.fetchall())
        cursor.execute("DEALLOCATE read_under_test")
    return plan


def test_the_stale_holds_read_uses_the_index_of_open_holds(busy_town):
    start = MONDAY_9 + timedelta(hours=1)
    plan = generic_plan(booking_sql.stale_holds(start, start + timedelta(minutes=20), now=NOW))

    assert "appointment_open_holds" in plan
    assert "Seq Scan on core_appointment" not in plan


def test_the_day_read_finds_taken_time_by_clerk_not_by_every_location(busy_town):
    office = busy_town
    start = MONDAY_9 + timedelta(hours=1)
    statement = capacity_sql.day_for_booking(
        office.location.pk,
        date(2026, 12, 7),
        start,
        start + timedelta(minutes=20),
        unit_minutes=office.location.slot_minutes,
        online=True,
        now=NOW,
        also=[booking_sql.stale_holds(start, start + timedelta(minutes=20), now=NOW)],
    )

    plan = generic_plan(statement)

    # One index scan bounded by clerk and time; not a join of the rostered clerks to every
    # location's appointments of those days (the planner's choice once they are many).
    assert re.search(
        r"Index Scan (?:using|on) appointment_staff_start .*\n"
        r"\s+Index Cond: \(\(staff_id = ANY ",
        plan,
    )
    assert "appointment_location_start" not in plan
    assert "Seq Scan on core_appointment" not in plan


def test_the_day_read_finds_skills_by_the_rostered_clerks(busy_town):
    """A state's database holds the skills of thousands of clerks: the read looks up those of
    the day's rostered clerks by index, once per clerk, not the whole table."""
    office = busy_town
    through = StaffMember.skills.through
    others = [factories.staff() for _n in range(10)]
    services = [factories.service(department=office.id_card.department) for _n in range(300)]
    through.objects.bulk_create(
        through(staffmember=clerk, service=service) for clerk in others for service in services
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {sql.table(through)}")
    plan = generic_plan(_whole_day_read(office.location, date(2026, 12, 7)), analyze=True)

    skills = re.search(
        r"Index (?:Only )?Scan (?:using|on) \S+ on core_staffmember_skills .*loops=(\d+)", plan
    )
    assert skills and skills.group(1) == "1", plan
    assert "Seq Scan on core_staffmember_skills" not in plan


def test_the_day_read_walks_no_appointment_of_the_day_before(busy_town):
    """An appointment lies within its local day, so the next day's read starts at that day's
    start: a full Monday of the clerk's is not walked (and dropped) by Tuesday's booking."""
    office = busy_town
    monday = Appointment.objects.get(location=office.location)  # the clerk's, at 09:00
    with connection.cursor() as cursor:  # 30 more that Monday, 20 minutes each from 10:00 on
        cursor.execute(
            f'INSERT INTO {sql.table(Appointment)} (reference, waiting_number, start, "end", '
            f"{_columns_but('reference', 'waiting_number', 'start', 'end')}) "
            f"SELECT 'MON' || g, 'M' || g, start + (g + 2) * interval '20 minutes', "
            f"\"end\" + (g + 2) * interval '20 minutes', "
            f"{_columns_but('reference', 'waiting_number', 'start', 'end')} "
            f"FROM {sql.table(Appointment)}, generate_series(1, 30) g WHERE id = %s",
            [monday.pk],
        )
    tuesday = MONDAY_9 + timedelta(days=1)
    plan = generic_plan(_whole_day_read(office.location, date(2026, 12, 8)), analyze=True)

    # The (staff, start) index yields Tuesday's appointments of the clerks: there are none.
    read = re.search(r"Index Scan (?:using|on) appointment_staff_start .* rows=(\d+) loops", plan)
    assert read and read.group(1) == "0", plan
    assert Appointment.objects.filter(start__lt=tuesday, staff=monday.staff).count() == 31


def _whole_day_read(location, day: date) -> sql.Statement:
    """A booking's day read of `day` at `location` (online), without the extra reads."""
    next_day = day + timedelta(days=1)
    return capacity_sql.day_for_booking(
        location.pk,
        day,
        location.local_day_start(day),
        location.local_day_start(next_day),
        unit_minutes=location.slot_minutes,
        online=True,
        now=NOW,
    )


def _columns_but(*names: str) -> str:
    """The appointment table's columns, quoted, but the id and `names`."""
    return ", ".join(
        f'"{field.column}"'
        for field in Appointment._meta.local_concrete_fields
        if field.column not in ("id", *names)
    )
