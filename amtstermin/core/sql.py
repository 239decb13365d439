"""Helpers for the few statements written by hand (scheduling/capacity_sql.py, booking_sql.py).

Names come from the models, so a renamed field breaks loudly; values are always parameters.
"""

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections
from psycopg import _queries

Statement = tuple[str, list]  # SQL with %s placeholders, and its parameters

# psycopg remembers how it parsed a statement's placeholders only for statements of at most
# 50 parameters; a booking's merged write (Batch.hold) has more, the same text every time, and
# was parsed anew on every booking (0.1 ms). Its cache keeps 128 statements, whatever their size.
_queries.MAX_CACHED_STATEMENT_PARAMS = max(_queries.MAX_CACHED_STATEMENT_PARAMS, 200)

_merging: ContextVar["Batch | None"] = ContextVar("merging", default=None)  # batch() on PostgreSQL


def db() -> Any:
    """The default database's connection of this thread. `django.db.connection` is a proxy:
    each attribute read through it first fails on the proxy (an AttributeError, built and
    dropped) and then looks the connection up, some 40 times a booking; read once, then used."""
    return connections[DEFAULT_DB_ALIAS]


@cache
def postgres() -> bool:
    """Whether the database is PostgreSQL (else SQLite): fixed by the settings for the
    process's life, so asked once."""
    return connections[DEFAULT_DB_ALIAS].vendor == "postgresql"


@cache
def _adapt() -> tuple[Any, Any]:
    """The database's adapters of datetimes and dates. They depend on the database's kind and
    the settings alone, never on a connection's state, so the first connection's serve all."""
    ops = connections[DEFAULT_DB_ALIAS].ops
    return ops.adapt_datetimefield_value, ops.adapt_datefield_value


# Cached: looking a name up and quoting it through the connection proxy cost a booking 1 ms.
# Both databases quote names alike ("name"), so one process may serve either.
@cache
def table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def column(model, field: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(field).column)


def moment(value: datetime):
    return _adapt()[0](value)


def day(value: date):
    return _adapt()[1](value)


def placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def insert(row: Any, computed: dict[str, Statement] | None = None) -> Statement:
    """The INSERT of a new model instance `row`, its defaults filled as save() would, without
    RETURNING: inside a batch() it waits for no answer. For rows nobody reads back (items,
    history, keys); `row` keeps no id. `computed`: SQL expressions (with their parameters) for
    some fields instead of the instance's values."""
    computed = computed or {}
    model: Any = type(row)
    fields, columns = _inserted(model, row.pk is not None)
    values, params = [], []
    db = connections[DEFAULT_DB_ALIAS]  # once: through the proxy, each field looked it up
    for field in fields:
        if field.name in computed:
            expression, expression_params = computed[field.name]
            values.append(expression)
            params += expression_params
        else:
            values.append("%s")
            params.append(field.get_db_prep_save(field.pre_save(row, True), db))
    return f"INSERT INTO {table(model)} ({columns}) VALUES ({', '.join(values)})", params


@cache
def _inserted(model: Any, with_pk: bool) -> tuple[list, str]:
    """The fields an insert() of `model` writes, and their columns as SQL: the database fills
    the others (the id, unless drawn ahead by next_id())."""
    fields = [
        field
        for field in model._meta.local_concrete_fields
        if not field.db_returning or (field.primary_key and with_pk)
    ]
    return fields, ", ".join(column(model, field.name) for field in fields)


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
    row._state.adding, row._state.db = False, DEFAULT_DB_ALIAS


def next_id(model: Any) -> Statement | None:
    """Selects the next id of `model` ahead of its INSERT (PostgreSQL: its key's sequence), so
    rows referring to it go out in the same batch without waiting for the INSERT's answer.
    None on SQLite: create() reads the id back at no cost there."""
    if not postgres():
        return None
    return "SELECT nextval(%s::regclass)", [_sequence(model)]


@cache
def _sequence(model: Any) -> str:
    """The name of the sequence behind `model`'s id, asked once per process: asked in every
    booking, the server searched its catalogue of dependencies each time (0.03-0.06 ms)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        return cursor.fetchone()[0]


def generic_plans() -> Statement | None:
    """Selects that the rest of the transaction runs prepared statements on their generic plan,
    made once per connection (PostgreSQL; None on SQLite).

    By default PostgreSQL plans a prepared statement for its values while the generic plan's
    estimate costs more, and the estimate grows with the table: a booking's day read was then
    planned on every booking (about 0.6 ms of server time). Its parameters never change the
    plan worth having: index lookups by location, day and clerk. A generic plan cannot use a
    partial index whose condition is a parameter: write such a condition out
    (booking_sql.stale_holds)."""
    if not postgres():
        return None
    return "SELECT set_config('plan_cache_mode', 'force_generic_plan', true)", []


def execute(statement: Statement | None) -> None:
    """Run `statement` (None, e.g. a lock SQLite does not need: nothing); inside a batch()
    on PostgreSQL an insert() is held there without a trip through Django's cursor."""
    if statement is None:
        return
    merging = _merging.get()
    if merging is not None and merging.holds(statement[0]):
        merging.hold(statement)
        return
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
        self._row: tuple | None = None

    def rows(self) -> list[tuple]:
        with self._cursor as cursor:
            return cursor.fetchall()

    def row(self) -> tuple:
        """The one row of a together() statement, read once."""
        if self._row is None:
            (self._row,) = self.rows()
        return self._row


@dataclass(frozen=True)
class Listed:
    """A statement of one column whose every row is wanted, for Batch.together()."""

    statement: Statement


class Answer:
    """One statement's rows out of a Batch.together(), once the batch has ended."""

    def __init__(self, sent: "Sent | None", index: int = 0, listed: bool = False) -> None:
        self._sent, self._index, self._listed = sent, index, listed

    def rows(self) -> list[tuple]:
        if self._sent is None:
            return []  # no statement was given
        value = self._sent.row()[self._index]
        return [(item,) for item in value] if self._listed else [(value,)]


class Held:
    """A write held in a batch (Batch.hold); its rows can be read once the batch has ended."""

    def __init__(self, name: str, query: str, params: Sequence) -> None:
        self.name = name  # later held writes of the same merge may read its RETURNING rows here
        self.query = query
        self.params = list(params)
        self.into: str | None = None  # "INSERT INTO t (a, b) VALUES" of a plain row INSERT
        self._sent: Sent | None = None

    def rows(self) -> list[tuple]:
        assert self._sent is not None, "hold(read=True) for the rows of a held write"
        return self._sent.rows()


# The ORM's and insert()'s INSERT of one row: "... VALUES (%s, %s)".
_ONE_ROW = re.compile(r"^(INSERT INTO [^;]* VALUES) (\((?:%s, )*%s\))$")


class Batch:
    def __init__(self, merging: bool) -> None:
        self._merging = merging
        self._db = db()
        self._unread: list = []
        self._held: list[Held] = []
        self._reader: Held | None = None
        self._names = 0
        self._flushing = False

    def send(self, statement: Statement) -> Sent:
        cursor = self._db.cursor()
        cursor.execute(*statement)
        return Sent(cursor)

    def run(self, statement: Statement | None) -> None:
        """A statement whose rows nobody reads (a lock); None: nothing to run."""
        if statement is not None:
            cursor = self._db.cursor()
            self._unread.append(cursor)
            cursor.execute(*statement)

    def together(self, *parts: Statement | Listed | None) -> list[Answer | Sent]:
        """Statements of one row of one column each (a lock, a count, the next id), or of one
        column whose rows are all wanted (Listed), sent as one SELECT on PostgreSQL: one message
        for the server to wake up for. They share its snapshot, taken before any lock among
        them is granted, so a read that must follow a lock goes in a later statement. SQLite
        runs each at once. Answers in the order given (no rows for None)."""
        given = [part for part in parts if part is not None]
        if not self._merging or not given:
            return [_NOTHING if part is None else self.send(_statement_of(part)) for part in parts]
        columns = [
            f"ARRAY({part.statement[0]})" if isinstance(part, Listed) else f"({part[0]})"
            for part in given
        ]
        params = [value for part in given for value in _statement_of(part)[1]]
        sent = self.send((f"SELECT {', '.join(columns)}", params))
        answers = iter(
            Answer(sent, index, isinstance(part, Listed)) for index, part in enumerate(given)
        )
        return [_NOTHING if part is None else next(answers) for part in parts]

    def hold(self, statement: Statement, *, read: bool = False) -> Held:
        """A write (INSERT, UPDATE) merged with the writes held next to it into one statement
        (PostgreSQL's data-modifying WITH queries): one message for the server to wake up for,
        not one each. Its parts run on one snapshot and in no promised order, so a held write
        reads another's effect only through its `name` (the RETURNING rows); rows of one table
        held one after the other become one INSERT, in order. `read`: its rows can be read
        after the batch (one such write per merge). SQLite runs it at once."""
        query, params = statement
        if not self._merging:
            held = Held("", query, params)
            cursor = self._db.cursor()
            cursor.execute(query, params)
            held._sent = Sent(cursor)
            return held
        if self._reader is not None and read:
            self._flush()
        row = None if read else _ONE_ROW.match(query)
        last = self._held[-1] if self._held else None
        if row and last and last.into == row.group(1):
            last.query += ", " + row.group(2)
            last.params += params
            return last
        held = Held(f"held_{self._names}", query, params)
        held.into = row.group(1) if row else None
        self._names += 1
        self._held.append(held)
        if read:
            self._reader = held
        return held

    @staticmethod
    def holds(query: str) -> bool:
        return query.startswith("INSERT ") and " RETURNING " not in query

    def _intercept(self, execute, query, params, many, context):
        """Django's execute wrapper while the batch lasts: an INSERT without RETURNING (the
        ORM's, insert()'s) is held like hold(); anything else first sends what is held, so the
        server still sees every statement in the order it was made."""
        if self._flushing:
            return execute(query, params, many, context)
        if not many and self.holds(query):
            self.hold((query, list(params or ())))
            return None
        self._flush()
        return execute(query, params, many, context)

    def _flush(self) -> None:
        if not self._held:
            return
        held, reader = self._held, self._reader
        self._held, self._reader = [], None
        if reader is None:  # the last write is the main statement
            *parts, main = held
            query, params = main.query, main.params
        else:
            parts, query, params = held, f"SELECT * FROM {reader.name}", []
        if parts:
            query = "WITH " + ", ".join(f"{p.name} AS ({p.query})" for p in parts) + " " + query
            params = [value for part in parts for value in part.params] + params
        self._flushing = True
        try:
            cursor = self._db.cursor()
            cursor.execute(query, params)
        finally:
            self._flushing = False
        if reader is None:
            self._unread.append(cursor)
        else:
            reader._sent = Sent(cursor)


_NOTHING = Answer(None)


def _statement_of(part: Statement | Listed) -> Statement:
    return part.statement if isinstance(part, Listed) else part


@contextmanager
def batch(*, pipeline: bool = True) -> Iterator[Batch]:
    """Statements sent inside are answered together, in one round trip on PostgreSQL (psycopg's
    pipeline mode); read their rows after the block. The server still runs them one after the
    other, each with a fresh snapshot in READ COMMITTED: a read sent after a lock sees what the
    lock's previous holder committed. Writes in a row are merged into one (Batch.hold), since
    the server wakes up for each statement it receives. SQLite runs each at once (no round
    trips to save).

    `pipeline=False` for a batch of writes only, which merge into one statement anyway: it is
    sent plainly, as the pipeline's bookkeeping costs more than the statement itself does in
    the client (44 against 22 µs, measured with psycopg 3). A statement that is not a held
    write then waits for its answer before the next one is sent.
    """
    merging = postgres()
    sent = Batch(merging=merging)
    try:
        if merging:
            own = sent._db
            own.ensure_connection()
            # Errors surface when the pipeline ends, outside Django's cursor: wrap them there.
            with (
                own.wrap_database_errors,
                own.connection.pipeline() if pipeline else nullcontext(),
                own.execute_wrapper(sent._intercept),
            ):
                reset = _merging.set(sent)
                try:
                    yield sent
                    sent._flush()
                finally:
                    _merging.reset(reset)
        else:
            yield sent
    finally:
        for cursor in sent._unread:
            cursor.close()
