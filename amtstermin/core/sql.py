"""Helpers for the few statements written by hand (scheduling/capacity_sql.py, booking_sql.py).

Names come from the models, so a renamed field breaks loudly; values are always parameters.
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import connection

Statement = tuple[str, list]  # SQL with %s placeholders, and its parameters


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


def insert(row: Any, computed: dict[str, Statement] | None = None) -> Statement:
    """The INSERT of a new model instance `row`, its defaults filled as save() would, without
    RETURNING: inside a batch() it waits for no answer. For rows nobody reads back (items,
    history, keys); `row` keeps no id. `computed`: SQL expressions (with their parameters) for
    some fields instead of the instance's values."""
    computed = computed or {}
    model: Any = type(row)
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not field.db_returning or (field.primary_key and row.pk is not None)  # next_id()
    ]
    columns = ", ".join(column(model, field.name) for field in fields)
    values, params = [], []
    for field in fields:
        if field.name in computed:
            expression, expression_params = computed[field.name]
            values.append(expression)
            params += expression_params
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(row, True), connection))
    return f"INSERT INTO {table(model)} ({columns}) VALUES ({', '.join(values)})", params


def create(row: Any, computed: dict[str, Statement] | None = None) -> Any:
    """Save the new instance `row` through insert(), reading back its id and the `computed`
    fields: the ORM's create() compiled the same INSERT in about a tenth of a booking's time.
    No signals are sent (models written so have none)."""
    names = [type(row)._meta.pk.name, *(computed or {})]
    with connection.cursor() as cursor:
        cursor.execute(*returning(insert(row, computed), type(row), names))
        filled(row, dict(zip(names, cursor.fetchone(), strict=True)))
    return row


def returning(statement: Statement, model: Any, names: Sequence[str]) -> Statement:
    """`statement` (an INSERT or UPDATE of `model`) answering with these fields."""
    query, params = statement
    return f"{query} RETURNING {', '.join(column(model, name) for name in names)}", params


def filled(row: Any, values: dict[str, Any]) -> None:
    """Mark `row` saved, with the `values` its INSERT answered."""
    for name, value in values.items():
        setattr(row, name, value)
    row._state.adding, row._state.db = False, connection.alias


def next_id(model: Any) -> Statement | None:
    """Selects the next id of `model` ahead of its INSERT (PostgreSQL: its key's sequence), so
    rows referring to it go out in the same batch without waiting for the INSERT's answer.
    None on SQLite: create() reads the id back at no cost there."""
    if connection.vendor != "postgresql":
        return None
    return "SELECT nextval(pg_get_serial_sequence(%s, %s))", [
        model._meta.db_table,
        model._meta.pk.column,
    ]


def execute(statement: Statement | None) -> None:
    """Run `statement` (None, e.g. a lock SQLite does not need: nothing)."""
    if statement is not None:
        with connection.cursor() as cursor:
            cursor.execute(*statement)


def fetch(sql: str, params: Sequence) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Sent:
    """A statement sent in a batch; its rows can be read once the batch has ended."""

    def __init__(self, cursor) -> None:
        self._cursor = cursor

    def rows(self) -> list[tuple]:
        with self._cursor as cursor:
            return cursor.fetchall()


class Batch:
    def __init__(self) -> None:
        self._unread: list = []

    def send(self, statement: Statement) -> Sent:
        cursor = connection.cursor()
        cursor.execute(*statement)
        return Sent(cursor)

    def run(self, statement: Statement | None) -> None:
        """A statement whose rows nobody reads (a lock); None: nothing to run."""
        if statement is not None:
            cursor = connection.cursor()
            self._unread.append(cursor)
            cursor.execute(*statement)


@contextmanager
def batch() -> Iterator[Batch]:
    """Statements sent inside are answered together, in one round trip on PostgreSQL (psycopg's
    pipeline mode); read their rows after the block. The server still runs them one after the
    other, each with a fresh snapshot in READ COMMITTED: a read sent after a lock sees what the
    lock's previous holder committed. SQLite runs each at once (no round trips to save).
    """
    sent = Batch()
    try:
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            # Errors surface when the pipeline ends, outside Django's cursor: wrap them there.
            with connection.wrap_database_errors, connection.connection.pipeline():
                yield sent
        else:
            yield sent
    finally:
        for cursor in sent._unread:
            cursor.close()
