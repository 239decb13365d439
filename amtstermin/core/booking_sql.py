"""Reads every booking makes, written by hand (see scheduling/capacity_sql.py).

Compiling their ORM filters cost more than running them: about 0.7 ms of Python per booking
for the mailbox count alone.
"""

from datetime import datetime

from . import sql
from .models import Appointment, Channel, Service, Status


def active_online(location_id: int, email_key: str, *, now: datetime) -> sql.Statement:
    """Counts upcoming online appointments of a mailbox at a location that hold their time:
    booked, or reserved and not expired (limits.check_active_count reads the row)."""
    a = Appointment
    status, expires = sql.column(a, "status"), sql.column(a, "hold_expires_at")
    query = (
        f"SELECT COUNT(*) FROM {sql.table(a)} WHERE {sql.column(a, 'location')} = %s "
        f"AND {sql.column(a, 'email_key')} = %s AND {sql.column(a, 'channel')} = %s "
        f"AND {sql.column(a, 'start')} > %s AND ({status} = %s OR ({status} = %s "
        f"AND ({expires} IS NULL OR {expires} > %s)))"
    )
    moment = sql.moment(now)
    params = [location_id, email_key, Channel.ONLINE, moment, Status.BOOKED, Status.RESERVED]
    return query, [*params, moment]


def stale_holds(start: datetime, end: datetime, *, now: datetime) -> sql.Statement:
    """Selects the ids of reserved holds past their lifetime that overlap start..end
    (booking._expire)."""
    a = Appointment
    expires = sql.column(a, "hold_expires_at")
    # The status is written out: the partial index appointment_open_holds is on status =
    # 'reserved', and a booking's generic plan (sql.generic_plans) cannot match a parameter to
    # it; it read the whole table instead.
    query = (
        f"SELECT {sql.column(a, 'id')} FROM {sql.table(a)} "
        f"WHERE {sql.column(a, 'status')} = '{Status.RESERVED}' AND {expires} <= %s "
        f"AND {sql.column(a, 'start')} < %s AND {sql.column(a, 'end')} > %s"
    )
    return query, [sql.moment(now), sql.moment(end), sql.moment(start)]


def offered(location_id: int, service_ids: list[int]) -> sql.Statement:
    """Selects which of these services the location offers (items.offered)."""
    through = Service.locations.through
    query = (
        f"SELECT {sql.column(through, 'service')} FROM {sql.table(through)} "
        f"WHERE {sql.column(through, 'location')} = %s "
        f"AND {sql.column(through, 'service')} IN ({sql.placeholders(service_ids)})"
    )
    return query, [location_id, *service_ids]
