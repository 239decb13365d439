"""Helpers for the few statements written by hand (scheduling/capacity_sql.py, booking_sql.py).

Names come from the models, so a renamed field breaks loudly; values are always parameters.
"""

from collections.abc import Sequence
from datetime import date, datetime
from functools import cache

from django.db import connection


# Cached: looking a name up and quoting it through the connection proxy cost a booking 1 ms.
# Both databases quote names alike ("name"), so one process may serve either.
@cache
def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def moment(value: datetime):
    return connection.ops.adapt_datetimefield_value(value)


def day(value: date):
    return connection.ops.adapt_datefield_value(value)


def placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
