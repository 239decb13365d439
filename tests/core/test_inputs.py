"""The one parser of outside values: days, months, instants and ids, each bounded."""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from django.core.exceptions import ValidationError

from amtstermin.core import inputs
from tests import factories


@pytest.mark.parametrize(
    "text, clock",
    [
        ("09:30", time(9, 30)),
        ("00:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("24:00", None),
        ("09:60", None),
        ("9:30", None),
        ("09:30:00", None),  # seconds: <input type=time> sends none without a step
        ("０９:３０", None),  # full-width digits
        ("09:3\x00", None),
        ("", None),
        (None, None),
    ],
)
def test_a_time_of_day_is_read_as_hours_and_minutes_only(text, clock):
    assert inputs.parse_time_of_day(text) == clock


@pytest.mark.parametrize(
    "text, day",
    [
        ("2026-12-07", date(2026, 12, 7)),
        ("2000-01-01", date(2000, 1, 1)),
        ("2099-12-31", date(2099, 12, 31)),
        ("1999-12-31", None),
        ("2100-01-01", None),
        ("9999-12-31", None),
        ("0001-01-01", None),
        ("2026-02-30", None),
        ("２０２６-12-07", None),  # full-width digits
        ("2026-12-07\x00", None),
        ("", None),
        (None, None),
    ],
)
def test_a_day_is_read_only_within_the_bounds(text, day):
    assert inputs.parse_date(text) == day


def test_a_day_can_be_bounded_more_narrowly():
    assert inputs.parse_date("1980-04-01", earliest=date(1900, 1, 1)) == date(1980, 4, 1)
    assert inputs.parse_date("2026-12-08", latest=date(2026, 12, 7)) is None


@pytest.mark.parametrize(
    "text, month",
    [("2026-12", date(2026, 12, 1)), ("2026-13", None), ("9999-12", None), ("2026-1", None)],
)
def test_a_month_is_its_first_day(text, month):
    assert inputs.parse_month(text) == month


@pytest.mark.parametrize(
    "text, instant",
    [
        ("2026-12-08T08:30:00+00:00", datetime(2026, 12, 8, 8, 30, tzinfo=UTC)),
        ("2026-12-08T09:30:00+01:00", datetime(2026, 12, 8, 8, 30, tzinfo=UTC)),
        ("2026-12-08T08:30:00", None),  # no offset: whose 08:30?
        ("9999-12-31T23:59:59+00:00", None),
        ("0001-01-01T00:30:00+01:00", None),  # the year 0 in UTC
        ("2026-12-08", None),
        ("x" * 5000, None),
    ],
)
def test_an_instant_is_read_only_with_its_offset_and_within_the_bounds(text, instant):
    assert inputs.parse_instant(text) == instant


@pytest.mark.parametrize(
    "text, number",
    [
        ("42", 42),
        ("9223372036854775807", 2**63 - 1),
        ("9223372036854775808", None),
        ("9" * 40, None),
        ("0", None),
        ("-1", None),
        ("²", None),  # str.isdigit() says yes
        ("١٢", None),  # Arabic-Indic digits: int() would take them
        (" 42", None),
        ("", None),
        (None, None),
    ],
)
def test_an_id_is_plain_ascii_digits_within_64_bits(text, number):
    assert inputs.parse_id(text) == number


def test_a_form_field_refuses_a_day_past_the_bounds_with_a_reason():
    inputs.validate_date(date(2099, 12, 31))
    with pytest.raises(ValidationError) as refused:
        inputs.validate_date(date(9999, 12, 31))
    assert refused.value.messages == ["Geben Sie ein Datum zwischen den Jahren 2000 und 2099 ein."]


def test_a_nul_byte_is_found_anywhere():
    assert inputs.has_nul("Perso\x00") and not inputs.has_nul("Perso")


@pytest.mark.parametrize(
    "instant, day",
    [
        (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC), date.max),
        (datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))), date.min),
        (datetime(2026, 12, 7, 23, 30, tzinfo=UTC), date(2026, 12, 8)),
    ],
)
def test_a_locations_local_date_of_any_instant_exists(db, instant, day):
    assert factories.location().local_date(instant) == day
