"""The pure slot engine against brute force."""

from hypothesis import given
from hypothesis import strategies as st

from amtstermin.core.models import Location
from amtstermin.core.scheduling import engine
from amtstermin.core.scheduling.engine import StaffDay

DAY_UNITS = 120
masks = st.integers(min_value=0, max_value=(1 << DAY_UNITS) - 1)
lengths = st.integers(min_value=1, max_value=30)


def brute_starts(mask: int, length: int) -> set[int]:
    return {i for i in range(DAY_UNITS) if all(mask >> (i + k) & 1 for k in range(length))}


@given(masks, lengths)
def test_run_starts_finds_exactly_the_fully_free_runs(mask, length):
    assert set(engine.bits(engine.run_starts(mask, length))) == brute_starts(mask, length)


@given(st.integers(0, 200), st.integers(0, 200))
def test_span_sets_exactly_the_units_between(start, end):
    assert set(engine.bits(engine.span(start, end))) == set(range(start, end))


@given(masks, st.integers(0, DAY_UNITS - 1), lengths)
def test_the_free_run_around_a_fitting_appointment_is_counted_unit_by_unit(mask, start, length):
    mask |= engine.span(start, start + length)  # the appointment fits
    low = start
    while low > 0 and mask >> (low - 1) & 1:
        low -= 1
    high = start + length
    while mask >> high & 1:
        high += 1
    assert engine.free_run_around(mask, start, length) == high - low


staff_days = st.lists(
    st.builds(
        StaffDay,
        staff_id=st.integers(1, 50),
        skills=st.frozensets(st.integers(1, 4), max_size=4),
        free=masks,
    ),
    max_size=5,
    unique_by=lambda day: day.staff_id,
)
requests = st.frozensets(st.integers(1, 4), min_size=1, max_size=3)


@given(staff_days, requests, lengths)
def test_a_start_is_offered_exactly_when_someone_skilled_for_everything_is_free(
    days, services, length
):
    offered = set(engine.bits(engine.free_starts(days, services, length)))
    expected = set()
    for day in days:
        if services <= day.skills:
            expected |= brute_starts(day.free, length)
    assert offered == expected


@given(staff_days, requests, lengths, st.integers(0, DAY_UNITS - 1))
def test_pick_chooses_a_free_skilled_person_and_only_when_one_exists(days, services, length, start):
    chosen = engine.pick(days, services, start, length)
    capacity = engine.capacity_at(days, services, length, start)
    if capacity == 0:
        assert chosen is None
        return
    person = next(day for day in days if day.staff_id == chosen)
    assert services <= person.skills
    assert all(person.free >> (start + k) & 1 for k in range(length))
    fitting = [
        day
        for day in days
        if services <= day.skills and all(day.free >> (start + k) & 1 for k in range(length))
    ]
    assert len(person.skills) == min(len(day.skills) for day in fitting)


def test_pick_prefers_the_specialist_then_the_tightest_gap():
    generalist = StaffDay(1, frozenset({1, 2, 3}), engine.span(0, 12))
    specialist_wide = StaffDay(2, frozenset({1}), engine.span(0, 12))
    specialist_tight = StaffDay(3, frozenset({1}), engine.span(2, 6))
    days = [generalist, specialist_wide, specialist_tight]
    assert engine.pick(days, frozenset({1}), 2, 4) == 3
    assert engine.pick(days, frozenset({1}), 6, 4) == 2
    assert engine.pick(days, frozenset({1, 2}), 6, 4) == 1


def test_units_round_up_to_the_slot():
    assert Location(slot_minutes=5).units_for(35) == 7
    assert Location(slot_minutes=5).units_for(36) == 8
    assert Location(slot_minutes=15).units_for(15) == 1
