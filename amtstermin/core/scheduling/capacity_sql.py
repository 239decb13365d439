"""The reads behind capacity.load(), as hand-written SQL.

Every booking and calendar request runs them. Through the ORM, compiling the queries cost
more than running them (a booking spent ~15 of its 20 ms building SQL, issue 13), so they are
written once here, for SQLite and PostgreSQL alike, with every value passed as a parameter.
Table and column names come from the models, so a renamed field breaks loudly here.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache

from .. import sql
from ..models import HOLDING, Absence, Appointment, Closure, RosterBlock, StaffMember, Status

RosterRow = tuple[int, int, object, object, date, date | None]  # like RosterBlock's columns
# staff id (None: everyone), first and end unit counted from the read's start (its first
# local midnight), rounded outwards; the unit is the location's slot (intervals())
IntervalRow = tuple[int | None, int, int]


def _millis(column: str) -> str:
    """A datetime column as whole milliseconds since 1970 (UTC): the engine works on integers.

    SQLite keeps UTC text: julianday() is its cheapest reader, and rounding by CAST instead of
    ROUND(…, 3) costs nothing more (ROUND formats digits, a third of the fetch). Every stored
    time is whole seconds (slot grid, forms), so the millisecond loses nothing.
    PostgreSQL: date_part() reckons in float8, EXTRACT() in numeric since version 14, which cost
    a 6-week calendar's read a quarter of its time; the cast to int8 rounds.
    """
    if sql.postgres():
        return f"(date_part('epoch', {column}) * 1000)::int8"
    return f"CAST((julianday({column}) - 2440587.5) * 86400000.0 + 0.5 AS INTEGER)"


def _rostered_where(
    location_id: int, first: date, last: date, *, online: bool, weekday: int | None
) -> sql.Statement:
    """FROM … WHERE of the roster blocks (alias r) of active staff at the location valid on some
    day first..last; `online`: only blocks open to online booking; `weekday`: only that one."""
    params: list = [location_id, True, sql.day(last), sql.day(first)]
    if online:
        params.append(True)
    if weekday is not None:
        params.append(weekday)
    return _rostered_where_text(online, weekday is not None), params


@cache
def _rostered_where_text(online: bool, one_weekday: bool) -> str:
    block, staff = RosterBlock, StaffMember
    until = sql.column(block, "valid_until")
    where = (
        f"FROM {sql.table(block)} r JOIN {sql.table(staff)} s "
        f"ON s.{sql.column(staff, 'id')} = r.{sql.column(block, 'staff')} "
        f"WHERE r.{sql.column(block, 'location')} = %s AND s.{sql.column(staff, 'active')} = %s "
        f"AND r.{sql.column(block, 'valid_from')} <= %s AND (r.{until} IS NULL OR r.{until} >= %s)"
    )
    if online:
        where += f" AND r.{sql.column(block, 'online_bookable')} = %s"
    if one_weekday:
        where += f" AND r.{sql.column(block, 'weekday')} = %s"
    return where


def _block_columns(alias: str) -> str:
    """A roster block's columns in RosterRow's order, of the table or CTE `alias`."""
    names = ("staff", "weekday", "start_time", "end_time", "valid_from", "valid_until")
    return ", ".join(f"{alias}.{sql.column(RosterBlock, name)}" for name in names)


def rosters_and_skills(
    location_id: int, first: date, last: date, *, online: bool, weekday: int | None = None
) -> sql.Statement:
    """Selects the roster blocks of active staff at the location valid on some day first..last
    and the skills of their staff in one statement (split_rosters tells them apart)."""
    block, through = RosterBlock, StaffMember.skills.through
    where, params = _rostered_where(location_id, first, last, online=online, weekday=weekday)
    # The first column tells the parts apart: 0 a block, 1 a skill (its service in the third).
    query = (
        f"SELECT 0, {_block_columns('r')} {where} "
        f"UNION ALL SELECT 1, k.{sql.column(through, 'staffmember')}, "
        f"k.{sql.column(through, 'service')}, NULL, NULL, NULL, NULL "
        f"FROM {sql.table(through)} k WHERE k.{sql.column(through, 'staffmember')} "
        f"IN (SELECT r.{sql.column(block, 'staff')} {where})"
    )
    return query, params * 2


def split_rosters(rows: list[tuple]) -> tuple[list[RosterRow], list[tuple[int, int]]]:
    """The rows of rosters_and_skills() as (blocks, (staff id, service id) skills)."""
    blocks: list[RosterRow] = []
    skills: list[tuple[int, int]] = []
    for part, staff_id, number, start, end, valid_from, valid_until in rows:
        if part:
            skills.append((staff_id, number))
        else:
            blocks.append((staff_id, number, start, end, valid_from, valid_until))
    return blocks, skills


def day_for_booking(
    location_id: int,
    day: date,
    start: datetime,
    end: datetime,
    *,
    unit_minutes: int,
    online: bool,
    now: datetime,
    also: Sequence[sql.Statement | None] = (),
) -> sql.Statement:
    """rosters_and_skills() of one day and the intervals() of everyone rostered then, in one
    statement for a booking (split_day tells the rows apart): the rostered staff are found once,
    and the server wakes up for one statement, not two, which also reads their skills.
    `also`: more reads of one column each, whose rows come along on the same snapshot."""
    _where, params = _rostered_where(location_id, day, day, online=online, weekday=day.weekday())
    params += intervals(
        location_id,
        _rostered_staff(),
        start,
        end,
        unit_minutes=unit_minutes,
        online=online,
        now=now,
    )[1]
    reads = tuple(read[0] for read in also if read is not None)
    for read in also:
        if read is not None:
            params += read[1]
    return _day_text(sql.postgres(), online, reads), params


@cache
def _rostered_staff() -> sql.Statement:
    """Selects the clerks of day_for_booking()'s roster rows, for intervals()."""
    return f"SELECT {sql.column(RosterBlock, 'staff')} FROM rostered", []


@cache
def _day_text(postgres: bool, online: bool, reads: tuple[str, ...]) -> str:
    """day_for_booking()'s SQL, the same for every booking of one kind: built once (it cost
    0.17 ms a booking). `postgres` keys the cache, as _millis() writes SQL for one database."""
    through = StaffMember.skills.through
    where = _rostered_where_text(online, True)
    rostered_is = _among(_rostered_staff())[0]
    # The skills of each rostered clerk once, found by the clerks' index. Looked up per roster
    # block instead, PostgreSQL scanned the skills table once per block (a clerk has two or
    # three a day: 0.37 of the read's 0.74 ms); joined to the rostered staff, it hashed a
    # state's whole skills table.
    member, service = sql.column(through, "staffmember"), sql.column(through, "service")
    skills = (
        f"SELECT 1, k.{member}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        f"{_joined('k.' + service)} FROM {sql.table(through)} k "
        f"WHERE k.{member} {rostered_is} GROUP BY k.{member}"
    )
    taken = _intervals_text(postgres, rostered_is, online, False)
    # The first column tells the parts apart: 0 a block, 1 a clerk's skills (in the last
    # column), 2 a taken interval (its start and end in the two before), 3… the value of an
    # `also` read.
    query = (
        f"WITH rostered AS (SELECT {_block_columns('r')} {where}) "
        f"SELECT 0, {_block_columns('rostered')}, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT), "
        f"CAST(NULL AS TEXT) FROM rostered UNION ALL {skills} "
        f"UNION ALL SELECT 2, t.staff, NULL, NULL, NULL, NULL, NULL, t.low, t.high, NULL "
        f"FROM ({taken}) t"
    )
    for kind, read in enumerate(reads, start=_ALSO):
        query += f" UNION ALL SELECT {kind}, x.*, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
        query += f"NULL FROM ({read}) x"
    return query


def _joined(column: str) -> str:
    """The values of an integer column, comma-separated ("3,7"), as an aggregate."""
    if sql.postgres():
        return f"string_agg(CAST({column} AS text), ',')"
    return f"group_concat({column}, ',')"


_ALSO = 3  # the kind of day_for_booking()'s first `also` read


@dataclass
class Day:
    """The rows of day_for_booking(), told apart; or of rosters_and_skills() and intervals()."""

    blocks: list[RosterRow] = field(default_factory=list)
    skills: list[tuple[int, int]] = field(default_factory=list)  # (staff id, service id)
    taken: list[IntervalRow] = field(default_factory=list)
    also: list[list[tuple]] = field(default_factory=list)  # the rows of each `also` read


def split_day(rows: list[tuple], also: int = 0) -> Day:
    """The rows of day_for_booking() with `also` reads, told apart."""
    day = Day(also=[[] for _ in range(also)])
    for row in rows:
        kind = row[0]
        if kind == 2:
            day.taken.append((row[1], row[7], row[8]))
        elif kind == 0:
            day.blocks.append(row[1:7])
        elif kind == 1:
            staff_id = row[1]
            day.skills += [(staff_id, int(service)) for service in row[9].split(",")]
        else:
            day.also[kind - _ALSO].append((row[1],))
    return day


def _among(staff: list[int] | sql.Statement) -> sql.Statement:
    """The condition "is one of `staff`" on a staff column: their ids, or a subquery.

    A subquery is an array on PostgreSQL: `= ANY` lets the (staff, start) index bound the read
    by clerk and time. As `IN (subquery)`, the planner read every location's appointments of
    those days by time alone and kept its clerks': with seven locations booked, a booking's day
    read took 1.06 ms instead of 0.24, and more with every location.
    """
    if isinstance(staff, list):
        return f"IN ({sql.placeholders(staff)})", staff
    query, params = staff
    if sql.postgres():
        return f"= ANY(ARRAY({query}))", params
    return f"IN ({query})", params


def intervals(
    location_id: int,
    staff: list[int] | sql.Statement,
    start: datetime,
    end: datetime,
    *,
    unit_minutes: int,
    online: bool,
    now: datetime,
    exclude: int | None = None,
    held_back: bool = True,
) -> sql.Statement:
    """Selects the time taken between `start` and `end` (IntervalRow): appointments that hold
    their time, absences, and the location's closures (staff id None: for everyone).

    Each as the units it touches, counted from `start` in units of `unit_minutes`: the server
    does this arithmetic for every row, so the calendar's hottest loop (capacity._busy) need not
    (it cost 1 ms of a 6-week calendar's 15). An interval that began before `start` has a
    first unit of 0 or below: integer division rounds towards zero there, which only matters
    below 0, where nothing is marked.

    `start` is the start of a local day (capacity.day_grids): an appointment lies within its
    local day (it fits a day's grid), so one that overlaps the window starts inside it, and the
    (staff, start) index bounds the read by clerk and by the window's days alone.
    `staff`: their ids, or a subquery selecting them (day_for_booking).

    An appointment holds its time while booked or later (HOLDING), a reserved hold until it
    expires; for online bookings a cancelled one until its re-release moment (booking.taking_time
    says why).
    """
    staff_is, staff_params = _among(staff)
    origin, unit = round(start.timestamp() * 1000), unit_minutes * 60_000
    start, end, now = sql.moment(start), sql.moment(end), sql.moment(now)
    held = online and held_back
    # The first unit rounds down, the last up: (end - origin + unit - 1) / unit.
    params: list = [origin, unit, origin - unit + 1, unit]
    params += [*staff_params, start, end, *_HOLDING_NOT_RESERVED, Status.RESERVED, now]
    if held:
        params += [Status.CANCELLED, now]
    if exclude is not None:
        params.append(exclude)
    params += [*staff_params, end, start, location_id, end, start]
    text = _intervals_text(sql.postgres(), staff_is, held, exclude is not None)
    return text, params


_HOLDING_NOT_RESERVED = [status for status in HOLDING if status != Status.RESERVED]


@cache
def _intervals_text(postgres: bool, staff_is: str, held_back: bool, excluding: bool) -> str:
    """intervals()'s SQL, built once per shape; `postgres` keys the cache (_millis())."""
    appointment, absence, closure = Appointment, Absence, Closure
    a_start = sql.column(appointment, "start")
    a_status = sql.column(appointment, "status")
    expires = sql.column(appointment, "hold_expires_at")
    taking = (
        f"({a_status} IN ({sql.placeholders(_HOLDING_NOT_RESERVED)}) OR ({a_status} = %s AND "
        f"({expires} IS NULL OR {expires} > %s))"
    )
    if held_back:
        taking += f" OR ({a_status} = %s AND {sql.column(appointment, 'online_release_at')} > %s)"
    taking += ")"
    query = (
        f"SELECT {sql.column(appointment, 'staff')} AS staff, {_millis(a_start)} AS start_ms, "
        f"{_millis(sql.column(appointment, 'end'))} AS end_ms "
        f"FROM {sql.table(appointment)} WHERE {sql.column(appointment, 'staff')} {staff_is} "
        f"AND {a_start} >= %s AND {a_start} < %s AND {taking}"
    )
    if excluding:
        query += f" AND {sql.column(appointment, 'id')} <> %s"
    b_start, b_end = sql.column(absence, "start"), sql.column(absence, "end")
    query += (
        f" UNION ALL SELECT {sql.column(absence, 'staff')}, {_millis(b_start)}, {_millis(b_end)} "
        f"FROM {sql.table(absence)} WHERE {sql.column(absence, 'staff')} {staff_is} "
        f"AND {b_start} < %s AND {b_end} > %s"
    )
    c_start, c_end = sql.column(closure, "start"), sql.column(closure, "end")
    query += (
        f" UNION ALL SELECT NULL, {_millis(c_start)}, {_millis(c_end)} "
        f"FROM {sql.table(closure)} WHERE {sql.column(closure, 'location')} = %s "
        f"AND {c_start} < %s AND {c_end} > %s"
    )
    return (
        "SELECT i.staff, (i.start_ms - %s) / %s AS low, (i.end_ms - %s) / %s AS high "
        f"FROM ({query}) i"
    )
