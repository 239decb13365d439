"""Figures of one location over a day or an ISO week, from appointments and visit events.

All days are the location's local days. Six queries whatever the range (seven for some
departments): appointments, visits, their services, and capacity.load()'s three for the rostered
time. Nothing here renders HTML.

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
- Utilisation: booked minutes / available minutes, where available is the rostered time (online
  and kept back) without absences, closures and holidays, i.e. what is booked plus what is still
  free according to capacity.load().
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

    @classmethod
    def day(cls, day: date) -> "Period":
        return cls(day, day)

    @classmethod
    def week(cls, day: date) -> "Period":
        """The ISO week (Monday to Sunday) that contains `day`."""
        monday = day - timedelta(days=day.weekday())
        return cls(monday, monday + timedelta(days=6))

    @property
    def is_week(self) -> bool:
        return self.first != self.last

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


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
class DayFigures:
    day: date
    bookings: int
    booked_minutes: int
    available_minutes: int

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked_minutes, self.available_minutes)


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
    days: list[DayFigures] = field(default_factory=list)

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
    def booked_minutes(self) -> int:
        return sum(day.booked_minutes for day in self.days)

    @property
    def available_minutes(self) -> int:
        return sum(day.available_minutes for day in self.days)

    @property
    def utilisation(self) -> float | None:
        return ratio(self.booked_minutes, self.available_minutes)


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


def _days(location, period, appointments, walk_ins, staff_ids, *, now) -> list[DayFigures]:
    free = capacity.load(location, period.first, period.last, channel=Channel.PHONE, now=now)
    bookings: Counter[date] = Counter(visit.waiting_day for visit in walk_ins)
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
        figures.append(DayFigures(day, bookings[day], booked[day], booked[day] + unbooked))
    return figures


def _minutes(span: timedelta) -> float:
    # Negative spans (checked in early, called before the due time) count as zero.
    return max(span.total_seconds() / 60, 0.0)


def as_csv(stats: Statistics) -> str:
    """The figures as CSV the way German offices open it in Excel by double click.

    German Excel expects semicolons (the comma is the decimal separator) and reads UTF-8 only
    with a byte order mark; without it "Bürgerbüro" arrives as "BÃ¼rgerbÃ¼ro".
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(as_csv_rows(stats))
    return "\ufeff" + out.getvalue()


def as_csv_rows(stats: Statistics) -> list[list[str]]:
    """One row per figure: location, from, until, figure, detail, value (German numbers)."""
    whole = (stats.period.first, stats.period.last)
    figures: list[tuple[tuple[date, date], str, str, float | None]] = [
        *(
            (whole, _("Bookings"), str(Channel(channel).label), count)
            for channel, count in stats.bookings.items()
        ),
        (whole, _("Bookings"), _("total"), stats.total_bookings),
        (whole, _("Appointments due"), "", stats.due),
        (whole, _("No-shows"), "", stats.no_shows),
        (whole, _("No-show rate (%)"), "", _percent(stats.no_show_rate)),
        (whole, _("Checked in"), "", stats.checked_in),
        (whole, _("On time (%)"), "", _percent(stats.punctuality)),
        (whole, _("Lateness of late arrivals, median (min)"), "", stats.late_median_minutes),
    ]
    for kind, spread in (
        (_("appointments"), stats.waiting_appointments),
        (_("walk-ins"), stats.waiting_walk_ins),
    ):
        figures += [
            (whole, _("Waiting time, median (min)"), kind, spread.median),
            (whole, _("Waiting time, 90th percentile (min)"), kind, spread.p90),
        ]
    for timing in stats.services:
        figures += [
            (whole, _("Processed visits"), timing.service, timing.processing.count),
            (whole, _("Processing time, median (min)"), timing.service, timing.processing.median),
            (
                whole,
                _("Average processing time on file (min)"),
                timing.service,
                timing.planned_minutes,
            ),
            (whole, _("Suggested average (min)"), timing.service, timing.suggested_minutes),
        ]
    for day in stats.days:
        figures += [
            ((day.day, day.day), _("Booked minutes"), "", day.booked_minutes),
            ((day.day, day.day), _("Available minutes"), "", day.available_minutes),
            ((day.day, day.day), _("Utilisation (%)"), "", _percent(day.utilisation)),
        ]
    figures.append((whole, _("Utilisation (%)"), _("total"), _percent(stats.utilisation)))
    header = [_("Location"), _("From"), _("Until"), _("Figure"), _("Detail"), _("Value")]
    return [header] + [
        [stats.location.name, _date(first), _date(last), name, detail, _number(value)]
        for (first, last), name, detail, value in figures
    ]


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
