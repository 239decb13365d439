"""Figures of one location over a day, an ISO week, a month or a year, from appointments and
visit events, and the same figures of the period before for comparison.

All days are the location's local days. Six queries whatever the range (seven for some
departments): appointments, visits, their services, and capacity.load()'s three for the rostered
time; the rest is one pass in Python, so a year costs as many queries as a day. Nothing here
renders HTML.

Definitions (the tests spell them out with numbers):
- Bookings: appointments starting in the range that were booked and not cancelled or expired,
  by channel; walk-in tickets count as the walk-in channel.
- No-show rate: no-shows / appointments due. Due: every booking except one still waiting for
  its time (booked, start in the future), so today's figure is not diluted by the afternoon.
- Punctuality: share of checked-in appointments that checked in no later than the booked start
  (the visit's due time moves for late arrivals, so it cannot be the yardstick), and the median
  lateness of those who were late.
- Waiting: check-in to first call, in minutes. An appointment waits from max(check-in, due), so
  coming early is not counted as waiting; a walk-in waits from drawing the number.
- Median: statistics.median (the mean of the two middle values for an even count). p90: nearest
  rank, the smallest value that at least 90 % of the values do not exceed.
- Processing: first call to done, per service, only for visits with one service in quantity 1:
  a visit for two services or units cannot be split by the clock, and an even split would blur
  exactly the figure the suggestion adjusts.
- Utilisation: used minutes / available minutes, where available is the rostered time (online
  and kept back) without absences, closures and holidays, i.e. what is booked plus what is still
  free according to capacity.load(). Used: the booked minutes plus the expected minutes of the
  walk-ins that were called; walk-ins fill the free time, so on each day they count up to the
  free minutes at most (one served in a no-show's booked time is not counted twice).
- Comparison: the period before of the same kind (the day, ISO week, calendar month or year
  before). Counts and minutes change by a relative share ("+12 %"), shares by percentage points.
"""

import csv
import io
import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from statistics import median
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from .models import (
    Appointment,
    AppointmentItem,
    Channel,
    Department,
    Location,
    StaffMember,
    Status,
    Visit,
    VisitItem,
)
from .scheduling import capacity

# Appointments that were real bookings: not a hold that lapsed, not cancelled.
BOOKED = (Status.BOOKED, Status.CHECKED_IN, Status.CALLED, Status.DONE, Status.NO_SHOW)
# A suggestion to change a service's average needs this many visits and this relative gap.
SUGGEST_AFTER_VISITS = 10
SUGGEST_FROM_GAP = 0.2


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive
    kind: str  # one of KINDS

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day, "day")

    @classmethod
    def week(cls, day: date) -> "Period":
        """The ISO week (Monday to Sunday) that contains `day`."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6), "week")

    @classmethod
    def month(cls, day: date) -> "Period":
        """The calendar month that contains `day`."""
        first = day.replace(day=1)
        following = (first + timedelta(days=31)).replace(day=1)
        return cls(first, following - timedelta(days=1), "month")

    @classmethod
    def year(cls, day: date) -> "Period":
        return cls(date(day.year, 1, 1), date(day.year, 12, 31), "year")

    @classmethod
    def of(cls, kind: str, day: date) -> "Period":
        """The period of `kind` that contains `day`; ValueError for an unknown kind."""
        if kind not in KINDS:
            raise ValueError(kind)
        return getattr(cls, kind)(day)

    def previous(self) -> "Period":
        """The period of the same kind just before: the figures are compared with it."""
        return Period.of(self.kind, self.first - timedelta(days=1))

    def following(self) -> "Period":
        return Period.of(self.kind, self.last + timedelta(days=1))

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def parts(self) -> list["Period"]:
        """What the utilisation is broken down by: days of a day or week, the (ISO) weeks of a
        month cut at its ends, the months of a year. A month of 31 day rows reads badly."""
        if self.kind == "month":
            weeks = [
                Period.week(day) for day in self.days if day.weekday() == 0 or day == self.first
            ]
            return [Period(max(w.first, self.first), min(w.last, self.last), "week") for w in weeks]
        if self.kind == "year":
            return [Period.month(date(self.first.year, month, 1)) for month in range(1, 13)]
        return [Period.day(day) for day in self.days]


KINDS = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Spread:
    """Minutes of a group of visits: how many, the median and the 90th percentile."""

    count: int
    median: float | None
    p90: float | None

    @classmethod
    def of(cls, minutes: list[float]) -> "Spread":
        if not minutes:
            return cls(0, None, None)
        return cls(len(minutes), median(minutes), percentile(minutes, 90))


@dataclass(frozen=True)
class ServiceTiming:
    service: str
    planned_minutes: int  # the service's average processing time
    processing: Spread
    suggested_minutes: int | None  # "Durchschnitt auf 18 Min. anpassen?"


@dataclass(frozen=True)
class Usage:
    """Bookings and minutes of a day, or of the days of a part of the period added up."""

    period: Period
    bookings: int  # walk-ins included
    booked_minutes: int
    walk_in_minutes: int  # expected minutes of the walk-ins called
    used_minutes: int  # booked plus walk-ins, these at most up to the free minutes each day
    available_minutes: int

    @classmethod
    def of_day(cls, day: date, bookings: int, booked: int, walk_in: int, available: int) -> "Usage":
        used = booked + min(walk_in, max(available - booked, 0))
        return cls(Period.day(day), bookings, booked, walk_in, used, available)

    @classmethod
    def total(cls, period: Period, days: Sequence["Usage"]) -> "Usage":
        return cls(
            period,
            sum(day.bookings for day in days),
            sum(day.booked_minutes for day in days),
            sum(day.walk_in_minutes for day in days),
            sum(day.used_minutes for day in days),
            sum(day.available_minutes for day in days),
        )

    @property
    def utilisation(self) -> float | None:
        return ratio(self.used_minutes, self.available_minutes)


@dataclass(frozen=True)
class Statistics:
    location: Location
    period: Period
    bookings: dict[str, int]  # channel → count, every channel listed
    due: int
    no_shows: int
    checked_in: int
    on_time: int
    late_median_minutes: float | None
    waiting_appointments: Spread
    waiting_walk_ins: Spread
    services: list[ServiceTiming]
    days: list[Usage] = field(default_factory=list)

    @property
    def total_bookings(self) -> int:
        return sum(self.bookings.values())

    @property
    def no_show_rate(self) -> float | None:
        return ratio(self.no_shows, self.due)

    @property
    def punctuality(self) -> float | None:
        return ratio(self.on_time, self.checked_in)

    @property
    def usage(self) -> Usage:
        return Usage.total(self.period, self.days)

    @property
    def booked_minutes(self) -> int:
        return self.usage.booked_minutes

    @property
    def available_minutes(self) -> int:
        return self.usage.available_minutes

    @property
    def utilisation(self) -> float | None:
        return self.usage.utilisation

    def parts(self) -> list[Usage]:
        """The usage per part of the period (Period.parts), in one pass over the days."""
        by_day = {day.period.first: day for day in self.days}
        return [
            Usage.total(part, [by_day[day] for day in part.days]) for part in self.period.parts()
        ]


@dataclass(frozen=True)
class Comparison:
    """A period's figures beside those of the period before."""

    current: Statistics
    previous: Statistics


def relative_change(current: float | None, previous: float | None) -> float | None:
    """(current - previous) / previous; None without both or from nothing."""
    if current is None or previous is None or previous == 0:
        return None
    return (current - previous) / previous


def point_change(current: float | None, previous: float | None) -> float | None:
    """The change of a share in percentage points; None without both."""
    if current is None or previous is None:
        return None
    return (current - previous) * 100


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percentile(values: list[float], rank: int) -> float:
    """Nearest-rank percentile: the smallest value that `rank` % of the values do not exceed."""
    ordered = sorted(values)
    return ordered[max(math.ceil(rank / 100 * len(ordered)), 1) - 1]


def compute(
    location: Location,
    period: Period,
    *,
    now: datetime,
    departments: Sequence[Department] | None = None,
) -> Statistics:
    """The figures of `location` from `period.first` to `period.last` (local days).

    `departments` limits them to those departments' services and staff (None: every one), so
    a team lead sees their own team's figures only.
    """
    begin = location.local_day_start(period.first)
    end = location.local_day_start(period.last + timedelta(days=1))
    appointments = Appointment.objects.filter(
        location=location, start__gte=begin, start__lt=end, status__in=BOOKED
    )
    visits = Visit.objects.filter(
        location=location, waiting_day__gte=period.first, waiting_day__lte=period.last
    )
    staff_ids = None
    if departments is not None:
        # Exists, not a join: a booking of two of the department's services stays one row.
        appointments = appointments.filter(
            Exists(
                AppointmentItem.objects.filter(
                    appointment=OuterRef("pk"), service__department__in=departments
                )
            )
        )
        visits = visits.filter(
            Exists(
                VisitItem.objects.filter(visit=OuterRef("pk"), service__department__in=departments)
            )
        )
        staff_ids = set(
            StaffMember.objects.filter(department__in=departments).values_list("pk", flat=True)
        )
    # Named rows; their fields are typed Any (django-stubs cannot type named values_list rows).
    appointment_rows: list[Any] = list(
        appointments.values_list("start", "end", "channel", "status", named=True)
    )
    visit_rows: list[Any] = list(
        visits.values_list(
            "pk",
            "kind",
            "state",
            "waiting_day",
            "checked_in_at",
            "due_at",
            "called_at",
            "finished_at",
            "appointment__start",
            "minutes",
            named=True,
        )
    )
    arrived = [visit for visit in visit_rows if visit.kind == Visit.Kind.APPOINTMENT]
    walk_ins = [visit for visit in visit_rows if visit.kind == Visit.Kind.WALK_IN]
    channels = Counter(row.channel for row in appointment_rows)
    channels[Channel.WALK_IN] += len(walk_ins)
    due = [
        row.status for row in appointment_rows if row.status != Status.BOOKED or row.start <= now
    ]
    late = [
        minutes
        for visit in arrived
        if (minutes := _minutes(visit.checked_in_at - visit.appointment__start)) > 0
    ]
    called = [visit for visit in arrived if visit.called_at is not None]
    walk_ins_called = [visit for visit in walk_ins if visit.called_at is not None]
    return Statistics(
        location=location,
        period=period,
        bookings={channel: channels[channel] for channel in Channel.values},
        due=len(due),
        no_shows=due.count(Status.NO_SHOW),
        checked_in=len(arrived),
        on_time=len(arrived) - len(late),
        late_median_minutes=median(late) if late else None,
        waiting_appointments=Spread.of(
            [_minutes(v.called_at - max(v.checked_in_at, v.due_at)) for v in called]
        ),
        waiting_walk_ins=Spread.of(
            [_minutes(v.called_at - v.checked_in_at) for v in walk_ins_called]
        ),
        services=_service_timings(visit_rows),
        days=_days(location, period, appointment_rows, walk_ins, staff_ids, now=now),
    )


def compare(
    location: Location,
    period: Period,
    *,
    now: datetime,
    departments: Sequence[Department] | None = None,
) -> Comparison:
    """The figures of `period` and of the period of the same kind before it (twice compute())."""
    return Comparison(
        compute(location, period, now=now, departments=departments),
        compute(location, period.previous(), now=now, departments=departments),
    )


def _service_timings(visits: list) -> list[ServiceTiming]:
    served = {
        visit.pk: visit.finished_at - visit.called_at
        for visit in visits
        if visit.state == Visit.State.DONE and visit.called_at is not None
    }
    items = VisitItem.objects.filter(visit_id__in=list(served)).values_list(
        "visit_id", "quantity", "service__name", "service__duration_minutes"
    )
    per_visit: dict[int, list[list]] = defaultdict(list)
    for visit_id, *item in items:
        per_visit[visit_id].append(item)
    minutes: dict[tuple[str, int], list[float]] = defaultdict(list)
    for visit_id, visit_items in per_visit.items():
        if len(visit_items) == 1 and visit_items[0][0] == 1:
            _quantity, name, planned = visit_items[0]
            minutes[name, planned].append(_minutes(served[visit_id]))
    return [
        _timing(name, planned, Spread.of(values))
        for (name, planned), values in sorted(minutes.items())
    ]


def _timing(name: str, planned: int, processing: Spread) -> ServiceTiming:
    suggested = None
    if (
        processing.median is not None
        and processing.count >= SUGGEST_AFTER_VISITS
        and abs(processing.median - planned) >= SUGGEST_FROM_GAP * planned
    ):
        suggested = max(round(processing.median), 1)
    return ServiceTiming(name, planned, processing, suggested)


def _days(location, period, appointments, walk_ins, staff_ids, *, now) -> list[Usage]:
    free = capacity.load(location, period.first, period.last, channel=Channel.PHONE, now=now)
    bookings: Counter[date] = Counter(visit.waiting_day for visit in walk_ins)
    walk_in_minutes: Counter[date] = Counter()
    for visit in walk_ins:
        # A walk-in who left before the call took no clerk's time.
        if visit.called_at is not None and visit.state != Visit.State.NO_SHOW:
            walk_in_minutes[visit.waiting_day] += visit.minutes
    booked: Counter[date] = Counter()
    for row in appointments:
        day = location.local_date(row.start)
        bookings[day] += 1
        booked[day] += int((row.end - row.start).total_seconds() // 60)
    figures = []
    for day in period.days:
        unbooked = sum(
            staff_day.free.bit_count()
            for staff_day in free.staff_days[day]
            if staff_ids is None or staff_day.staff_id in staff_ids
        )
        unbooked *= location.slot_minutes
        figures.append(
            Usage.of_day(
                day, bookings[day], booked[day], walk_in_minutes[day], booked[day] + unbooked
            )
        )
    return figures


def _minutes(span: timedelta) -> float:
    # Negative spans (checked in early, called before the due time) count as zero.
    return max(span.total_seconds() / 60, 0.0)


def as_csv(stats: Statistics, previous: Statistics | None = None) -> str:
    """The figures as CSV the way German offices open it in Excel by double click; with the
    period before, each figure of the whole period also has its previous value and change.

    German Excel expects semicolons (the comma is the decimal separator) and reads UTF-8 only
    with a byte order mark; without it "Bürgerbüro" arrives as "BÃ¼rgerbÃ¼ro".
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(as_csv_rows(stats, previous))
    return "\ufeff" + out.getvalue()


# A figure of a CSV row: its period, name, detail, value, and whether it is a share (a
# share changes by percentage points, a count or a duration by a relative share).
CsvFigure = tuple[Period, str, str, float | None, bool]


def as_csv_rows(stats: Statistics, previous: Statistics | None = None) -> list[list[str]]:
    """One row per figure: location, from, until, figure, detail, value (German numbers); with
    `previous`, three more columns (previous value, change in %, change in percentage points)
    and, after the rows, the utilisation of the previous period's parts."""
    header = [_("Location"), _("From"), _("Until"), _("Figure"), _("Detail"), _("Value")]
    rows = [header]
    before: dict[tuple[str, str], float | None] = {}
    if previous is not None:
        header += [
            _("Previous period %(first)s–%(last)s")
            % {"first": _date(previous.period.first), "last": _date(previous.period.last)},
            _("Change (%)"),
            _("Change (percentage points)"),
        ]
        before = {(name, detail): value for _p, name, detail, value, _s in _whole(previous)}

    def row(figure: CsvFigure, compared: bool) -> list[str]:
        period, name, detail, value, share = figure
        cells = [stats.location.name, _date(period.first), _date(period.last), name, detail]
        cells.append(_number(value))
        if compared:
            was = before.get((name, detail))
            if share:  # both already in %
                points = None if value is None or was is None else value - was
                cells += [_number(was), "", _number(points)]
            else:
                change = relative_change(value, was)
                cells += [_number(was), _number(None if change is None else change * 100), ""]
        elif previous is not None:
            cells += ["", "", ""]
        return cells

    rows += [row(figure, previous is not None) for figure in _whole(stats)]
    rows += [row(figure, False) for figure in _parts(stats)]
    if previous is not None:
        rows += [row(figure, False) for figure in _parts(previous)]
    return rows


def _whole(stats: Statistics) -> list[CsvFigure]:
    whole = stats.period
    figures: list[CsvFigure] = [
        *(
            (whole, _("Bookings"), str(Channel(channel).label), count, False)
            for channel, count in stats.bookings.items()
        ),
        (whole, _("Bookings"), _("total"), stats.total_bookings, False),
        (whole, _("Appointments due"), "", stats.due, False),
        (whole, _("No-shows"), "", stats.no_shows, False),
        (whole, _("No-show rate (%)"), "", _percent(stats.no_show_rate), True),
        (whole, _("Checked in"), "", stats.checked_in, False),
        (whole, _("On time (%)"), "", _percent(stats.punctuality), True),
        (
            whole,
            _("Lateness of late arrivals, median (min)"),
            "",
            stats.late_median_minutes,
            False,
        ),
    ]
    for kind, spread in (
        (_("appointments"), stats.waiting_appointments),
        (_("walk-ins"), stats.waiting_walk_ins),
    ):
        figures += [
            (whole, _("Waiting time, median (min)"), kind, spread.median, False),
            (whole, _("Waiting time, 90th percentile (min)"), kind, spread.p90, False),
        ]
    for timing in stats.services:
        service = timing.service
        figures += [
            (whole, _("Processed visits"), service, timing.processing.count, False),
            (whole, _("Processing time, median (min)"), service, timing.processing.median, False),
            (
                whole,
                _("Average processing time on file (min)"),
                service,
                timing.planned_minutes,
                False,
            ),
            (whole, _("Suggested average (min)"), service, timing.suggested_minutes, False),
        ]
    usage = stats.usage
    figures += [
        (whole, _("Booked minutes"), _("total"), usage.booked_minutes, False),
        (whole, _("Walk-in minutes"), _("total"), usage.walk_in_minutes, False),
        (whole, _("Available minutes"), _("total"), usage.available_minutes, False),
        (whole, _("Utilisation (%)"), _("total"), _percent(usage.utilisation), True),
    ]
    return figures


def _parts(stats: Statistics) -> list[CsvFigure]:
    figures: list[CsvFigure] = []
    for part in stats.parts():
        figures += [
            (part.period, _("Booked minutes"), "", part.booked_minutes, False),
            (part.period, _("Walk-in minutes"), "", part.walk_in_minutes, False),
            (part.period, _("Available minutes"), "", part.available_minutes, False),
            (part.period, _("Utilisation (%)"), "", _percent(part.utilisation), True),
        ]
    return figures


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _number(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return f"{value:.1f}".replace(".", ",")  # the German decimal comma


def _date(day: date) -> str:
    return f"{day:%d.%m.%Y}"
