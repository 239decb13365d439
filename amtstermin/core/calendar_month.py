"""A month of free days as Monday-first weeks: the day step of the citizen's wizard and the
office's move page read the same grid (faces never import each other, so it lives here)."""

import calendar
from dataclasses import dataclass
from datetime import date

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .scheduling.availability import Availability


@dataclass(frozen=True)
class Day:
    day: date
    free: int
    in_month: bool
    bookable: bool  # inside the window and with at least one free time
    label: str  # what a screen reader reads: "Dienstag, 8. Dezember, 12 freie Zeiten"
    later: bool = False  # past the booking horizon: not full, just not open yet


def _label(day: date, free: int, names: dict[date, str], later: bool) -> str:
    name = names[day]
    if later:
        return _("%(day)s, not yet bookable") % {"day": name}
    if not free:
        return _("%(day)s, no free times") % {"day": name}
    count = ngettext("%(count)s free time", "%(count)s free times", free) % {"count": free}
    return f"{name}, {count}"


@dataclass(frozen=True)
class Month:
    first: date
    weeks: list[list[Day]]
    previous: date | None  # first of the previous month, if it holds bookable days
    next: date | None

    @property
    def title(self) -> str:
        return formats.date_format(self.first, "F Y")


def month(found: Availability, shown: date, first: date, last: date) -> Month:
    """The month of `shown` as Monday-first weeks, limited to navigation within first…last."""
    start = shown.replace(day=1)
    weeks = []
    rows = calendar.Calendar(firstweekday=0).monthdatescalendar(start.year, start.month)
    names = _day_names(start, [day for week in rows for day in week])
    for week in rows:
        row = []
        for day in week:
            free = found.count(day) if first <= day <= last else 0
            later = day > last
            label = _label(day, free, names, later) if day.month == start.month else ""
            row.append(Day(day, free, day.month == start.month, free > 0, label, later))
        weeks.append(row)
    previous = _shift(start, -1)
    following = _shift(start, 1)
    return Month(
        first=start,
        weeks=weeks,
        previous=previous if previous >= first.replace(day=1) else None,
        next=following if following <= last else None,
    )


def weekday_names() -> list[tuple[str, str]]:
    """(short, full) weekday names from Monday, for the table's column headers."""
    monday = date(2024, 1, 1)  # a Monday
    days = [monday.replace(day=1 + offset) for offset in range(7)]
    return [(formats.date_format(day, "D"), formats.date_format(day, "l")) for day in days]


def _shift(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _day_names(month: date, days: list[date]) -> dict[date, str]:
    """ "Dienstag, 8. Dezember" for the month's days, formatting once per weekday, not per cell:
    the calendar is the hottest page of the booking."""
    weekdays = {day.weekday(): formats.date_format(day, "l") for day in days[:7]}
    pattern = _("%(weekday)s, %(date)s")
    # The 1st as the language writes it ("1. Dezember", "December 1"); month names hold no
    # digits, so putting another day's number in place of the "1" is exact.
    first = formats.date_format(month, "MONTH_DAY_FORMAT")
    return {
        day: pattern
        % {"weekday": weekdays[day.weekday()], "date": first.replace("1", str(day.day), 1)}
        for day in days
        if day.month == month.month
    }
