"""Slot arithmetic on bitmasks: pure, no ORM, no clock, no Django.

A day is cut into units (the location's slot size). Bit i of a mask stands for unit i, counted
from the day's local midnight as a real instant, so a 23- or 25-hour DST day simply has fewer or
more units. A staff member's free time for one day is one Python int; the free starts of an
appointment needing d units are the bits i where units i..i+d-1 are all free.
"""

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class StaffDay:
    """One staff member's free units on one day, and the services they are skilled for."""

    staff_id: int
    skills: frozenset[int]
    free: int


def span(start: int, end: int) -> int:
    """The mask with bits start..end-1 set (empty when end <= start)."""
    if end <= start:
        return 0
    start = max(start, 0)
    return ((1 << (end - start)) - 1) << start


def run_starts(mask: int, length: int) -> int:
    """Bits i of `mask` where i..i+length-1 are all set.

    Doubling shifts: after each step bit i says "the next `width` units are free", so a
    length of 12 takes four ANDs instead of twelve.
    """
    if length <= 0:
        raise ValueError("length must be positive")
    starts, width = mask, 1
    while width < length:
        step = min(width, length - width)
        starts &= starts >> step
        width += step
    return starts


def bits(mask: int) -> list[int]:
    """Indices of the set bits, ascending."""
    found = []
    while mask:
        low = mask & -mask
        found.append(low.bit_length() - 1)
        mask ^= low
    return found


def qualified(staff_days: Iterable[StaffDay], services: frozenset[int]) -> list[StaffDay]:
    """Staff skilled for every requested service."""
    return [day for day in staff_days if services <= day.skills]


def free_starts(
    staff_days: Iterable[StaffDay], services: frozenset[int], length: int, *, allowed: int = -1
) -> int:
    """Starts where at least one qualified staff member has `length` free units.

    `allowed` masks starts by minimum notice and horizon (-1: every start).
    """
    union = 0
    for day in qualified(staff_days, services):
        union |= run_starts(day.free, length)
    return union & allowed


def capacity_at(
    staff_days: Iterable[StaffDay], services: frozenset[int], length: int, start: int
) -> int:
    """How many qualified staff could take an appointment at `start`."""
    need = span(start, start + length)
    return sum(1 for day in qualified(staff_days, services) if day.free & need == need)


def free_run_around(mask: int, start: int, length: int) -> int:
    """Length of the free run in `mask` that contains units start..start+length-1 (all set).

    Found by bit arithmetic, not unit by unit: the run ends at the lowest clear bit from the
    appointment's end on, and begins after the highest clear bit below its start.
    """
    end = start + length
    after = ~mask >> end  # never zero: a mask is finite, so its complement has endless ones
    high = end + (after & -after).bit_length() - 1
    low = (~mask & ((1 << start) - 1)).bit_length()
    return high - low


def pick(
    staff_days: Iterable[StaffDay], services: frozenset[int], start: int, length: int
) -> int | None:
    """The staff member to book, or None if nobody qualified is free.

    The least versatile qualified person first (keeps generalists free for rare services), then
    the one whose free gap the appointment fills most tightly (less fragmentation), then the
    lowest id so the choice is repeatable.
    """
    need = span(start, start + length)
    fits = [day for day in qualified(staff_days, services) if day.free & need == need]
    if not fits:
        return None
    best = min(
        fits,
        key=lambda day: (len(day.skills), free_run_around(day.free, start, length), day.staff_id),
    )
    return best.staff_id
