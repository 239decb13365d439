"""Reference numbers, waiting numbers and access tokens."""

import hashlib
import secrets
from collections.abc import Callable
from datetime import date

from django.db import connection

from . import sql
from .models import Location, WaitingNumberCounter

# Crockford base32: no I, L, O, U, so a number read out on the phone is hard to mishear.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CHECK_SYMBOLS = ALPHABET + "*~$=U"
REFERENCE_LENGTH = 8  # 40 random bits: guessing one of a town's references is hopeless
_READ_AS = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _check_value(digits: str) -> int:
    value = 0
    for char in digits:
        value = value * 32 + ALPHABET.index(char)
    return value % 37


def new_reference() -> str:
    """A random reference like "K7QM-3XZ9-D": not sequential, with Crockford's mod-37 check.

    Draws again when the check would be one of Crockford's extra symbols (*~$=U), so every
    character stays one a person can read out; the check stays valid Crockford.
    """
    while True:
        digits = "".join(secrets.choice(ALPHABET) for _ in range(REFERENCE_LENGTH))
        check = _check_value(digits)
        if check < len(ALPHABET):
            return f"{digits[:4]}-{digits[4:]}-{ALPHABET[check]}"


def parse_reference(text: str) -> str | None:
    """The canonical form of a typed reference, or None if it is malformed or the check fails."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_READ_AS)
    if len(cleaned) != REFERENCE_LENGTH + 1:
        return None
    digits, check = cleaned[:-1], cleaned[-1]
    if any(char not in ALPHABET for char in digits) or check not in CHECK_SYMBOLS:
        return None
    if CHECK_SYMBOLS.index(check) != _check_value(digits):
        return None
    return f"{digits[:4]}-{digits[4:]}-{check}"


def next_waiting_number(location: Location, day: date) -> str:
    """The next waiting number of a location on a local day, e.g. "A-042".

    One atomic upsert: concurrent bookings on PostgreSQL never draw the same number, and the
    counter row is locked only for the rest of the booking transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_count_on(location, day, returning=True))
        (number,) = cursor.fetchone()
    return f"{location.waiting_prefix}-{number:03d}"


def create_with_waiting_number(
    row, location: Location, day: date, batch=None
) -> Callable[[], None]:
    """sql.create(row) with the next_waiting_number() of `location` on `day` in its
    waiting_number. On PostgreSQL the INSERT reads the number from the counter row the upsert
    before it moved (the same format, in SQL), so both go out together; with the row's id
    drawn ahead (sql.next_id) and a `batch` (core/sql.py), nothing waits for the answer.
    Returns what fills in the number once the batch has ended (nothing to do without one)."""
    if connection.vendor != "postgresql":
        row.waiting_number = next_waiting_number(location, day)
        sql.create(row)
        return lambda: None
    sql.execute(_count_on(location, day, returning=False))
    table = sql.table(WaitingNumberCounter)
    last = f"{sql.column(WaitingNumberCounter, 'last')}::text"
    drawn = (  # "A-042", and "A-1234" past 999, as f"{prefix}-{number:03d}"
        f"(SELECT CAST(%s AS text) || '-' || LPAD({last}, GREATEST(3, LENGTH({last})), '0') "
        f"FROM {table} WHERE {sql.column(WaitingNumberCounter, 'location')} = %s "
        f"AND {sql.column(WaitingNumberCounter, 'day')} = %s)"
    )
    computed = {"waiting_number": (drawn, [location.waiting_prefix, location.pk, sql.day(day)])}
    if batch is None or row.pk is None:
        sql.create(row, computed)
        return lambda: None
    sent = batch.send(sql.returning(sql.insert(row, computed), type(row), ["waiting_number"]))
    return lambda: sql.filled(row, {"waiting_number": sent.rows()[0][0]})


def _count_on(location: Location, day: date, *, returning: bool) -> sql.Statement:
    table = WaitingNumberCounter._meta.db_table
    query = (
        f"INSERT INTO {table} (location_id, day, last) VALUES (%s, %s, 1) "
        f"ON CONFLICT (location_id, day) DO UPDATE SET last = {table}.last + 1"
    )
    return query + (" RETURNING last" if returning else ""), [location.pk, sql.day(day)]


def new_token() -> str:
    """An unguessable link key: 192 random bits, URL-safe."""
    return secrets.token_urlsafe(24)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
