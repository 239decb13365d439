"""capacity._busy: taken intervals, as units counted from a read's first midnight, to taken
units per day and clerk. Days of 23 and 25 hours (DST) shift every later day's units; an
absence may begin before the read and a closure outlast it (pure arithmetic, no database)."""

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from amtstermin.core.scheduling.capacity import DayGrid, _busy

STAFF = [1, 2, 3]


def grids_of(units: list[int]) -> list[DayGrid]:
    start = datetime(2027, 3, 26, 23, tzinfo=UTC)  # only the lengths matter here
    return [
        DayGrid(date(2027, 3, 27) + timedelta(days=index), start, count)
        for index, count in enumerate(units)
    ]


def unit_by_unit(units: list[int], rows) -> list[dict[int, int]]:
    """The oracle: each taken unit of the read, found day by day."""
    owner = [(day, unit) for day, count in enumerate(units) for unit in range(count)]
    busy: list[dict[int, int]] = [{} for _ in units]
    for staff_id, low, high in rows:
        for unit in range(max(low, 0), min(high, len(owner))):
            day, at = owner[unit]
            for who in STAFF if staff_id is None else [staff_id]:
                busy[day][who] = busy[day].get(who, 0) | (1 << at)
    return busy


@given(
    units=st.lists(st.sampled_from([92, 96, 100]), min_size=1, max_size=5),
    rows=st.lists(
        st.tuples(
            st.sampled_from([None, *STAFF]),
            st.integers(-150, 520),  # first unit: before the read, inside, after
            st.integers(1, 300),  # length in units: a quarter hour to past three days
        ),
        max_size=12,
    ),
)
def test_taken_units_land_on_their_days_as_counted_one_by_one(units, rows):
    rows = [(staff_id, low, low + length) for staff_id, low, length in rows]
    assert _busy(grids_of(units), rows, STAFF) == unit_by_unit(units, rows)


def test_an_appointment_after_a_short_day_lands_on_the_next_day_s_own_units():
    # 29 March 2027 follows the 23-hour Sunday: its 08:00 is unit 92 + 32 of the read.
    rows = [(2, 92 + 32, 92 + 34)]
    assert _busy(grids_of([92, 96]), rows, STAFF) == [{}, {2: 0b11 << 32}]
