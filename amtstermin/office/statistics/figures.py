"""What the statistics page shows: key figures, and per topic a chart with its table; each
figure beside its value in the period before and the change, in words and numbers (never colour).
"""

from dataclasses import dataclass

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from amtstermin.core.models import Channel
from amtstermin.core.statistics import (
    Comparison,
    Period,
    Statistics,
    point_change,
    relative_change,
)

from .charts import Chart, bar_chart, minutes, percent


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    detail: str = ""
    compared: str = ""  # "Vorwoche: 40 (+12 %)"


@dataclass(frozen=True)
class Section:
    key: str  # the HTML id
    title: str
    chart: Chart
    columns: list[str]
    rows: list[list[str]]  # the first cell heads its row
    note: str = ""


def period_name(period: Period) -> str:
    """ "Montag, 7. Dezember 2026", "Woche 50: 07.12. bis 13.12.2026", "Dezember 2026", "2026"."""
    if period.kind == "week":
        return _("Week %(week)s: %(first)s to %(last)s") % {
            "week": date_format(period.first, "W"),
            "first": date_format(period.first, "d.m."),
            "last": date_format(period.last, "d.m.Y"),
        }
    if period.kind == "month":
        return date_format(period.first, "F Y")
    if period.kind == "year":
        return date_format(period.first, "Y")
    return date_format(period.first, "LONG_DAY_FORMAT")


def previous_name(period: Period) -> str:
    """What the period before is called: Vortag, Vorwoche, Vormonat, Vorjahr."""
    return {
        "day": pgettext("statistics", "Previous day"),
        "week": pgettext("statistics", "Previous week"),
        "month": pgettext("statistics", "Previous month"),
        "year": pgettext("statistics", "Previous year"),
    }[period.kind]


def change(current: float | None, previous: float | None) -> str:
    """A count's or duration's change as a signed share: "+12 %", "−5 %"; "–" from nothing."""
    share = relative_change(current, previous)
    if share is None:
        return "–"
    return _("%(change)s %%") % {"change": _signed(share * 100)}


def point_shift(current: float | None, previous: float | None) -> str:
    """A share's change in percentage points: "+3 percentage points"."""
    points = point_change(current, previous)
    if points is None:
        return "–"
    return ngettext(
        "%(change)s percentage point", "%(change)s percentage points", abs(round(points))
    ) % {"change": _signed(points)}


def _signed(number: float) -> str:
    whole = round(number)
    # A real minus sign, read as "minus" by screen readers; no sign at all for no change.
    sign = "+" if whole > 0 else "\N{MINUS SIGN}" if whole < 0 else "±"
    return sign + number_format(abs(whole), 0)


def _compared(period: Period, value: str, shift: str) -> str:
    if shift == "–":
        return _("%(previous)s: %(value)s") % {"previous": previous_name(period), "value": value}
    return _("%(previous)s: %(value)s (%(change)s)") % {
        "previous": previous_name(period),
        "value": value,
        "change": shift,
    }


def key_figures(compared: Comparison) -> list[Figure]:
    stats, before = compared.current, compared.previous
    period = stats.period
    waiting, waited = stats.waiting_appointments.median, before.waiting_appointments.median
    return [
        Figure(
            _("Bookings"),
            str(stats.total_bookings),
            compared=_compared(
                period,
                str(before.total_bookings),
                change(stats.total_bookings, before.total_bookings),
            ),
        ),
        Figure(
            _("No-show rate"),
            percent(stats.no_show_rate),
            _("%(no_shows)s of %(due)s appointments due")
            % {"no_shows": stats.no_shows, "due": stats.due},
            _compared(
                period,
                percent(before.no_show_rate),
                point_shift(stats.no_show_rate, before.no_show_rate),
            ),
        ),
        Figure(
            _("On time"),
            percent(stats.punctuality),
            _punctuality(stats),
            _compared(
                period,
                percent(before.punctuality),
                point_shift(stats.punctuality, before.punctuality),
            ),
        ),
        Figure(
            _("Waiting time for appointments"),
            minutes(waiting),
            _("median; 90th percentile %(p90)s") % {"p90": minutes(stats.waiting_appointments.p90)},
            _compared(period, minutes(waited), change(waiting, waited)),
        ),
        Figure(
            _("Utilisation"),
            percent(stats.utilisation),
            _("walk-ins included"),
            _compared(
                period,
                percent(before.utilisation),
                point_shift(stats.utilisation, before.utilisation),
            ),
        ),
    ]


def _punctuality(stats: Statistics) -> str:
    counts = {"on_time": stats.on_time, "checked_in": stats.checked_in}
    if stats.late_median_minutes is None:
        return _("%(on_time)s of %(checked_in)s checked in") % counts
    return _("%(on_time)s of %(checked_in)s checked in; late arrivals %(late)s (median)") % {
        **counts,
        "late": minutes(stats.late_median_minutes),
    }


def sections(compared: Comparison) -> list[Section]:
    return [
        _bookings(compared),
        _waiting(compared),
        _processing(compared),
        _utilisation(compared),
    ]


def _bookings(compared: Comparison) -> Section:
    stats, before = compared.current, compared.previous
    counts = [
        (Channel(channel).label.capitalize(), count, before.bookings[channel])
        for channel, count in stats.bookings.items()
    ]
    counts.append((_("Total"), stats.total_bookings, before.total_bookings))
    return Section(
        "bookings",
        _("Bookings by channel"),
        bar_chart([(label, count, str(count), False) for label, count, _was in counts[:-1]]),
        [
            _("Channel"),
            _("Bookings"),
            previous_name(stats.period),
            pgettext("of a figure", "Change"),
        ],
        [[label, str(count), str(was), change(count, was)] for label, count, was in counts],
    )


def _waiting(compared: Comparison) -> Section:
    stats, before = compared.current, compared.previous
    groups = [
        (
            pgettext("visitors", "Appointments"),
            stats.waiting_appointments,
            before.waiting_appointments,
        ),
        (_("Walk-ins"), stats.waiting_walk_ins, before.waiting_walk_ins),
    ]
    bars = []
    for name, spread, _was in groups:
        bars.append(
            (_("%(who)s: median") % {"who": name}, spread.median, minutes(spread.median), False)
        )
        bars.append(
            (_("%(who)s: 90th percentile") % {"who": name}, spread.p90, minutes(spread.p90), True)
        )
    return Section(
        "waiting",
        _("Waiting time from check-in to call"),
        bar_chart(bars),
        [
            _("Visitors"),
            _("Called"),
            _("Median"),
            _("90th percentile"),
            _("Median, %(previous)s") % {"previous": previous_name(stats.period)},
            pgettext("of a figure", "Change"),
        ],
        [
            [
                name,
                str(spread.count),
                minutes(spread.median),
                minutes(spread.p90),
                minutes(was.median),
                change(spread.median, was.median),
            ]
            for name, spread, was in groups
        ],
        _("Appointments wait from their booked time at the earliest: coming early is not waiting."),
    )


def _processing(compared: Comparison) -> Section:
    stats = compared.current
    earlier = {timing.service: timing.processing.median for timing in compared.previous.services}
    bars = []
    rows = []
    for timing in stats.services:
        measured = timing.processing.median
        was = earlier.get(timing.service)
        bars.append(
            (
                _("%(service)s: measured") % {"service": timing.service},
                measured,
                minutes(measured),
                False,
            )
        )
        bars.append(
            (
                _("%(service)s: on file") % {"service": timing.service},
                timing.planned_minutes,
                minutes(timing.planned_minutes),
                True,
            )
        )
        suggestion = ""
        if timing.suggested_minutes is not None:
            suggestion = _("Change the average to %(minutes)s min?") % {
                "minutes": timing.suggested_minutes
            }
        rows.append(
            [
                timing.service,
                str(timing.processing.count),
                minutes(measured),
                minutes(was),
                change(measured, was),
                minutes(timing.planned_minutes),
                suggestion,
            ]
        )
    return Section(
        "processing",
        _("Processing time per service"),
        bar_chart(bars),
        [
            _("Service"),
            _("Visits"),
            _("Median"),
            _("Median, %(previous)s") % {"previous": previous_name(stats.period)},
            pgettext("of a figure", "Change"),
            _("Average on file"),
            _("Suggestion"),
        ],
        rows,
        _(
            "From call to done, for visits with one service in quantity 1. An adjustment is "
            "suggested from 10 visits when the median differs from the average by 20 % or more."
        ),
    )


def _utilisation(compared: Comparison) -> Section:
    stats = compared.current
    parts = [(_part_name(part.period), part) for part in stats.parts()]
    totals = [(_("Total"), stats.usage), (previous_name(stats.period), compared.previous.usage)]
    return Section(
        "utilisation",
        _("Utilisation"),
        bar_chart(
            [(label, part.utilisation, percent(part.utilisation), False) for label, part in parts],
            full=1,
        ),
        [_("Period"), _("Booked"), _("Walk-ins"), _("Available"), _("Utilisation")],
        [
            [
                label,
                minutes(part.booked_minutes),
                minutes(part.walk_in_minutes),
                minutes(part.available_minutes),
                percent(part.utilisation),
            ]
            for label, part in parts + totals
        ],
        _(
            "Booked minutes and the expected minutes of walk-ins called, against rostered time "
            "(online and kept back) without absences. Walk-ins fill free time: on a day they "
            "count up to the minutes that were free."
        ),
    )


def _part_name(part: Period) -> str:
    if part.first == part.last:  # a day, or a month's first or last week cut to one day
        return date_format(part.first, "D, d.m.")
    if part.kind == "month":
        return date_format(part.first, "F")
    return _("Week %(week)s: %(first)s to %(last)s") % {
        "week": date_format(part.first, "W"),
        "first": date_format(part.first, "d.m."),
        "last": date_format(part.last, "d.m."),
    }
