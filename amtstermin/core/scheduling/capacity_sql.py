"""The three reads behind capacity.load(), as hand-written SQL.

Every booking and calendar request runs them. Through the ORM, compiling the queries cost
more than running them (a booking spent ~15 of its 20 ms building SQL, issue 13), so they are
written once here, for SQLite and PostgreSQL alike, with every value passed as a parameter.
Table and column names come from the models, so a renamed field breaks loudly here.
"""

from collections.abc import Sequence
from datetime import date, datetime

from django.db import connection

from ..models import HOLDING, Absence, Appointment, Closure, RosterBlock, StaffMember, Status

RosterRow = tuple[int, int, object, object, date, date | None]  # like RosterBlock's columns
IntervalRow = tuple[int | None, int, int]  # staff id (None: everyone), start, end in ms


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def _millis(column: str) -> str:
    """A datetime column as whole milliseconds since 1970 (UTC): the engine works on integers.

    SQLite keeps UTC text: julianday() is its cheapest reader, and rounding by CAST instead of
    ROUND(…, 3) costs nothing more (ROUND formats digits, a third of the fetch). Every stored
    time is whole seconds (slot grid, forms), so the millisecond loses nothing.
    """
    if connection.vendor == "postgresql":
        return f"ROUND(EXTRACT(EPOCH FROM {column}) * 1000)::int8"
    return f"CAST((julianday({column}) - 2440587.5) * 86400000.0 + 0.5 AS INTEGER)"


def _moment(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def _day(value: date):
    return connection.ops.adapt_datefield_value(value)


def _in(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def roster_rows(
    location_id: int, first: date, last: date, *, online: bool, weekday: int | None = None
) -> list[RosterRow]:
    """Roster blocks of active staff at the location valid on some day first..last.

    `online`: only blocks open to online booking. `weekday`: only that weekday (one-day loads).
    """
    block, staff = RosterBlock, StaffMember
    until = _column(block, "valid_until")
    sql = (
        f"SELECT r.{_column(block, 'staff')}, r.{_column(block, 'weekday')}, "
        f"r.{_column(block, 'start_time')}, r.{_column(block, 'end_time')}, "
        f"r.{_column(block, 'valid_from')}, r.{_column(block, 'valid_until')} "
        f"FROM {_table(block)} r JOIN {_table(staff)} s "
        f"ON s.{_column(staff, 'id')} = r.{_column(block, 'staff')} "
        f"WHERE r.{_column(block, 'location')} = %s AND s.{_column(staff, 'active')} = %s "
        f"AND r.{_column(block, 'valid_from')} <= %s AND (r.{until} IS NULL OR r.{until} >= %s)"
    )
    params: list = [location_id, True, _day(last), _day(first)]
    if online:
        sql += f" AND r.{_column(block, 'online_bookable')} = %s"
        params.append(True)
    if weekday is not None:
        sql += f" AND r.{_column(block, 'weekday')} = %s"
        params.append(weekday)
    return _fetch(sql, params)


def skill_rows(staff_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(staff id, service id) for every skill of these staff members."""
    through = StaffMember.skills.through
    sql = (
        f"SELECT {_column(through, 'staffmember')}, {_column(through, 'service')} "
        f"FROM {_table(through)} WHERE {_column(through, 'staffmember')} IN ({_in(staff_ids)})"
    )
    return _fetch(sql, list(staff_ids))


def interval_rows(
    location_id: int,
    staff_ids: Sequence[int],
    start: datetime,
    end: datetime,
    *,
    online: bool,
    now: datetime,
    exclude: int | None = None,
) -> list[IntervalRow]:
    """Time taken between `start` and `end`: appointments that hold their time, absences, and
    the location's closures (staff id None: for everyone).

    An appointment holds its time while booked or later (HOLDING), a reserved hold until it
    expires; for online bookings a cancelled one until its re-release moment (booking.taking_time
    says why).
    """
    appointment, absence, closure = Appointment, Absence, Closure
    a_start, a_end = _column(appointment, "start"), _column(appointment, "end")
    a_status = _column(appointment, "status")
    holding = [status for status in HOLDING if status != Status.RESERVED]
    taking = (
        f"({a_status} IN ({_in(holding)}) OR ({a_status} = %s AND "
        f"({_column(appointment, 'hold_expires_at')} IS NULL OR "
        f"{_column(appointment, 'hold_expires_at')} > %s))"
    )
    taking_params: list = [*holding, Status.RESERVED, _moment(now)]
    if online:
        taking += f" OR ({a_status} = %s AND {_column(appointment, 'online_release_at')} > %s)"
        taking_params += [Status.CANCELLED, _moment(now)]
    taking += ")"
    staff_in = _in(staff_ids)
    sql = (
        f"SELECT {_column(appointment, 'staff')}, {_millis(a_start)}, {_millis(a_end)} "
        f"FROM {_table(appointment)} WHERE {_column(appointment, 'staff')} IN ({staff_in}) "
        f"AND {a_start} < %s AND {a_end} > %s AND {taking}"
    )
    params: list = [*staff_ids, _moment(end), _moment(start), *taking_params]
    if exclude is not None:
        sql += f" AND {_column(appointment, 'id')} <> %s"
        params.append(exclude)
    b_start, b_end = _column(absence, "start"), _column(absence, "end")
    sql += (
        f" UNION ALL SELECT {_column(absence, 'staff')}, {_millis(b_start)}, {_millis(b_end)} "
        f"FROM {_table(absence)} WHERE {_column(absence, 'staff')} IN ({staff_in}) "
        f"AND {b_start} < %s AND {b_end} > %s"
    )
    params += [*staff_ids, _moment(end), _moment(start)]
    c_start, c_end = _column(closure, "start"), _column(closure, "end")
    sql += (
        f" UNION ALL SELECT NULL, {_millis(c_start)}, {_millis(c_end)} "
        f"FROM {_table(closure)} WHERE {_column(closure, 'location')} = %s "
        f"AND {c_start} < %s AND {c_end} > %s"
    )
    params += [location_id, _moment(end), _moment(start)]
    return _fetch(sql, params)
