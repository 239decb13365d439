"""What the statistics page shows: key figures, and per topic a chart with its table."""

from dataclasses import dataclass

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from amtstermin.core.models import Channel
from amtstermin.core.statistics import Statistics

from .charts import Chart, bar_chart, minutes, percent


@dataclass(frozen=True)
class Figure:
    label: str
    value: str
    detail: str = ""


@dataclass(frozen=True)
class Section:
    key: str  # the HTML id
    title: str
    chart: Chart
    columns: list[str]
    rows: list[list[str]]  # the first cell heads its row
    note: str = ""


def key_figures(stats: Statistics) -> list[Figure]:
    return [
        Figure(_("Bookings"), str(stats.total_bookings)),
        Figure(
            _("No-show rate"),
            percent(stats.no_show_rate),
            _("%(no_shows)s of %(due)s appointments due")
            % {"no_shows": stats.no_shows, "due": stats.due},
        ),
        Figure(_("On time"), percent(stats.punctuality), _punctuality(stats)),
        Figure(
            _("Waiting time for appointments"),
            minutes(stats.waiting_appointments.median),
            _("median; 90th percentile %(p90)s") % {"p90": minutes(stats.waiting_appointments.p90)},
        ),
        Figure(_("Utilisation"), percent(stats.utilisation)),
    ]


def _punctuality(stats: Statistics) -> str:
    counts = {"on_time": stats.on_time, "checked_in": stats.checked_in}
    if stats.late_median_minutes is None:
        return _("%(on_time)s of %(checked_in)s checked in") % counts
    return _("%(on_time)s of %(checked_in)s checked in; late arrivals %(late)s (median)") % {
        **counts,
        "late": minutes(stats.late_median_minutes),
    }


def sections(stats: Statistics) -> list[Section]:
    return [_bookings(stats), _waiting(stats), _processing(stats), _utilisation(stats)]


def _bookings(stats: Statistics) -> Section:
    counts = [(Channel(channel).label, count) for channel, count in stats.bookings.items()]
    return Section(
        "bookings",
        _("Bookings by channel"),
        bar_chart([(label.capitalize(), count, str(count), False) for label, count in counts]),
        [_("Channel"), _("Bookings")],
        [[label.capitalize(), str(count)] for label, count in counts]
        + [[_("Total"), str(stats.total_bookings)]],
    )


def _waiting(stats: Statistics) -> Section:
    groups = [
        (pgettext("visitors", "Appointments"), stats.waiting_appointments),
        (_("Walk-ins"), stats.waiting_walk_ins),
    ]
    bars = []
    for name, spread in groups:
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
        [_("Visitors"), _("Called"), _("Median"), _("90th percentile")],
        [
            [name, str(spread.count), minutes(spread.median), minutes(spread.p90)]
            for name, spread in groups
        ],
        _("Appointments wait from their booked time at the earliest: coming early is not waiting."),
    )


def _processing(stats: Statistics) -> Section:
    bars = []
    rows = []
    for timing in stats.services:
        measured = timing.processing.median
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
                minutes(timing.planned_minutes),
                suggestion,
            ]
        )
    return Section(
        "processing",
        _("Processing time per service"),
        bar_chart(bars),
        [_("Service"), _("Visits"), _("Median"), _("Average on file"), _("Suggestion")],
        rows,
        _(
            "From call to done, for visits with one service in quantity 1. An adjustment is "
            "suggested from 10 visits when the median differs from the average by 20 % or more."
        ),
    )


def _utilisation(stats: Statistics) -> Section:
    days = [(date_format(day.day, "D, d.m."), day) for day in stats.days]
    return Section(
        "utilisation",
        _("Utilisation"),
        bar_chart(
            [(label, day.utilisation, percent(day.utilisation), False) for label, day in days],
            full=1,
        ),
        [_("Day"), _("Booked"), _("Available"), _("Utilisation")],
        [
            [
                label,
                minutes(day.booked_minutes),
                minutes(day.available_minutes),
                percent(day.utilisation),
            ]
            for label, day in days
        ],
        _("Booked minutes against rostered time (online and kept back) without absences."),
    )
