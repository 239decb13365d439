"""Values from outside (query strings, forms, paths) read as days, instants and numbers.

Every face reads outside values through these parsers, so each kind follows one set of rules.
They are bounded: Python's dates end at the years 1 and 9999, so the day after, a week's Monday
or a local date in Berlin near either end raises OverflowError. No booking, roster or statistic
concerns a day outside EARLIEST..LATEST, so such a value counts as invalid like any other: the
parsers return None and form fields report an error.
"""

import re
from datetime import UTC, date, datetime, time

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EARLIEST = date(2000, 1, 1)
LATEST = date(2099, 12, 31)
LARGEST_ID = 2**63 - 1  # ids are 64-bit (BigAutoField); a larger number names no row


def parse_date(
    text: str | None, *, earliest: date = EARLIEST, latest: date = LATEST
) -> date | None:
    """An ISO day ("2026-12-07") within earliest..latest; None for anything else."""
    if not text or not text.isascii():
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        return None
    return day if earliest <= day <= latest else None


def parse_month(text: str | None) -> date | None:
    """A month ("2026-12") as its first day, within the bounds; None for anything else."""
    return parse_date(f"{text}-01") if text and len(text) == 7 else None


def parse_instant(text: str | None) -> datetime | None:
    """An aware ISO instant ("2026-12-08T08:30:00+00:00") on a day within the bounds; None for
    anything else, a time without its offset included."""
    if not text or not text.isascii():
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.utcoffset() is None:
        return None
    try:
        day = moment.astimezone(UTC).date()
    except OverflowError:  # "0001-01-01T00:30:00+01:00" is in the year 0 in UTC
        return None
    return moment if EARLIEST <= day <= LATEST else None


CLOCK = re.compile(r"([01][0-9]|2[0-3]):([0-5][0-9])")


def parse_time_of_day(text: str | None) -> time | None:
    """A wall-clock time as <input type=time> sends it ("09:30", 00:00 to 23:59); None for
    anything else, seconds included."""
    if not text or len(text) != 5:
        return None
    found = CLOCK.fullmatch(text)
    return time(int(found[1]), int(found[2])) if found else None


def parse_id(text: str | None) -> int | None:
    """A row id: ASCII digits only (str.isdigit() also takes "²", which int() refuses), at
    most LARGEST_ID; None for anything else."""
    if not text or not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    number = int(text)
    return number if 1 <= number <= LARGEST_ID else None


def has_nul(text: str) -> bool:
    """Whether `text` holds a NUL byte: PostgreSQL refuses it in any text it is given."""
    return "\x00" in text


def validate_date(day: date) -> None:
    """A form field's validator: raises ValidationError for a day outside the bounds."""
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Enter a date between the years %(first)s and %(last)s."),
            code="out_of_range",
            params={"first": EARLIEST.year, "last": LATEST.year},
        )
