"""Bounded input types for the API's bodies: text without NUL, ids, instants and days.

The same rules as core/inputs.py, so a body and a query string refuse the same values.
"""

from datetime import date, datetime
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field, StringConstraints

from amtstermin.core import inputs


def _no_nul(text: str) -> str:
    if inputs.has_nul(text):
        raise ValueError("NUL is not allowed in text")
    return text


def _instant(value: object) -> datetime:
    parsed = inputs.parse_instant(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError("an ISO 8601 instant with its offset, e.g. 2026-12-08T08:30:00+01:00")
    return parsed


def _day(value: object) -> date:
    parsed = inputs.parse_date(value) if isinstance(value, str) else None
    if parsed is None:
        raise ValueError("an ISO 8601 day, e.g. 2026-12-08")
    return parsed


def text(longest: int, *, shortest: int = 0):
    """A string of `shortest`..`longest` characters without NUL."""
    return Annotated[
        str,
        StringConstraints(min_length=shortest, max_length=longest),
        AfterValidator(_no_nul),
    ]


Id = Annotated[int, Field(ge=1, le=inputs.LARGEST_ID)]
Quantity = Annotated[int, Field(ge=1, le=99)]
# Kept as text in the schema (format date-time), parsed by core/inputs.py: bounded years, an
# offset required.
Instant = Annotated[datetime, BeforeValidator(_instant)]
Day = Annotated[date, BeforeValidator(_day)]
