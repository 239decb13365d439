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
        # One draw of 40 bits, written in base 32 (each digit 5 of them): as uniform as eight
        # draws of a digit, at one read of the system's randomness instead of eight.
        value = secrets.randbits(5 * REFERENCE_LENGTH)
        check = value % 37  # what _check_value() computes from the digits
        if check < len(ALPHABET):
            digits = "".join(
                ALPHABET[value >> shift & 31] for shift in range(5 * REFERENCE_LENGTH - 5, -1, -5)
            )
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
    waiting_number. On PostgreSQL, with the row's id drawn ahead (sql.next_id) and a `batch`
    (core/sql.py), both are held writes of one statement: the INSERT reads the number the
    counter's upsert moved to (the same format, in SQL), and nothing waits for the answer.
    Returns what fills in the number once the batch has ended (nothing to do without one)."""
    if not sql.postgres() or batch is None or row.pk is None:
        row.waiting_number = next_waiting_number(location, day)
        sql.create(row)
        return lambda: None
    # One merged write: the INSERT reads the number from the upsert's RETURNING (Batch.hold).
    counter = batch.hold(_count_on(location, day, returning=True))
    drawn = f"(SELECT {_formatted('last')} FROM {counter.name})"
    computed = {"waiting_number": (drawn, [location.waiting_prefix])}
    inserted = batch.hold(
        sql.returning(sql.insert(row, computed), type(row), ["waiting_number"]), read=True
    )
    return lambda: sql.filled(row, {"waiting_number": inserted.rows()[0][0]})


def _formatted(last: str) -> str:
    """SQL for f"{prefix}-{last:03d}" ("A-042", "A-1234" past 999); the prefix is a parameter."""
    text = f"{last}::text"
    return f"CAST(%s AS text) || '-' || LPAD({text}, GREATEST(3, LENGTH({text})), '0')"


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
