"""Lays a core DayPlan out on the page's grid: one column per 5 minutes, one row per clerk.

Only layout: which column a block starts and ends in, and the free gaps between bookings.
The plan's facts come from amtstermin/core/dayplan.py.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from amtstermin.core import inputs
from amtstermin.core.dayplan import GONE, Block, DayPlan
from amtstermin.core.models import Appointment, StaffMember

UNIT = timedelta(minutes=5)
# dayplan.css has a start and an end class for every line of 06:00–22:00 (lines 2–194).
EARLIEST, LATEST = time(6), time(22)
DEFAULT_FIRST, DEFAULT_LAST = time(8), time(16)
FIRST_COLUMN = 2  # column 1 holds the clerk's name
ROSTER = ("online", "kept_back")  # the rest (absences, closures) takes time away


@dataclass(frozen=True)
class Placed:
    start: datetime
    end: datetime
    kind: str  # a roster or absence kind, "appointment", "hidden" (not in scope) or "gap"
    column_from: int
    column_to: int
    note: str = ""
    appointment: Appointment | None = None


@dataclass
class Row:
    staff: StaffMember
    booked_minutes: int
    bands: list[Placed] = field(default_factory=list)  # roster blocks: online or kept back
    entries: list[Placed] = field(default_factory=list)  # everything else, in time order


@dataclass(frozen=True)
class Hour:
    label: datetime
    column_from: int
    column_to: int


@dataclass(frozen=True)
class Timeline:
    hours: list[Hour]
    rows: list[Row]
    last_column: int


def lay_out(plan: DayPlan, visible: set[int]) -> Timeline:
    """The plan on the grid; appointments whose id is not in `visible` keep no details."""
    zone = plan.location.zone
    first, last = _window(plan)
    origin = datetime.combine(plan.day, first, tzinfo=zone)
    end = datetime.combine(plan.day, last, tzinfo=zone)

    def column(moment: datetime) -> int:
        moment = min(max(moment.astimezone(zone), origin), end)
        return FIRST_COLUMN + int((moment - origin) / UNIT)

    def place(start, stop, kind, note="", appointment=None) -> Placed:
        start, stop = start.astimezone(zone), stop.astimezone(zone)
        return Placed(start, stop, kind, column(start), column(stop), note, appointment)

    rows = []
    for lane in plan.lanes:
        row = Row(lane.staff, lane.booked_minutes)
        blocks = [b for b in [*lane.blocks, *plan.closures] if b.end > b.start]
        row.bands = [place(b.start, b.end, b.kind) for b in blocks if b.kind in ROSTER]
        active = [a for a in lane.appointments if a.status not in GONE]
        row.entries = sorted(
            [place(b.start, b.end, b.kind, b.note) for b in blocks if b.kind not in ROSTER]
            + [
                place(a.start, a.end, "appointment" if a.pk in visible else "hidden", "", a)
                for a in active
            ]
            + [place(start, stop, "gap") for start, stop in _gaps(blocks, active)],
            key=lambda entry: entry.start,
        )
        rows.append(row)
    hours = []
    hour = origin
    while hour < end:
        hours.append(Hour(hour, column(hour), column(hour + timedelta(hours=1))))
        hour += timedelta(hours=1)
    return Timeline(hours, rows, column(end))


def _window(plan: DayPlan) -> tuple[time, time]:
    """Whole hours around everything on the plan, within 06:00–22:00."""
    zone = plan.location.zone
    moments = [
        moment.astimezone(zone)
        for lane in plan.lanes
        for item in [*lane.blocks, *lane.appointments]
        for moment in (item.start, item.end)
    ]
    if not moments:
        return DEFAULT_FIRST, DEFAULT_LAST
    first = min(moments).time().replace(minute=0, second=0, microsecond=0)
    latest = max(moments)
    last = latest.time().replace(minute=0, second=0, microsecond=0)
    if latest.time() != last and last < LATEST:
        last = time(last.hour + 1)
    if min(moments).date() < plan.day:
        first = EARLIEST
    if max(moments).date() > plan.day:
        last = LATEST
    return max(first, EARLIEST), min(last, LATEST)


def _gaps(bands: list[Block], appointments: list[Appointment]) -> list[tuple[datetime, datetime]]:
    """Rostered time nobody booked and nobody is away for: what the phone can still fill."""
    busy = sorted(
        [(a.start, a.end) for a in appointments]
        + [(b.start, b.end) for b in bands if b.kind not in ROSTER]
    )
    gaps = []
    for block in bands:
        if block.kind not in ROSTER:
            continue
        cursor = block.start
        for start, end in busy:
            if end <= cursor or start >= block.end:
                continue
            if start > cursor:
                gaps.append((cursor, start))
            cursor = max(cursor, end)
        if cursor < block.end:
            gaps.append((cursor, block.end))
    return [(start, end) for start, end in gaps if end - start >= UNIT]


def parse_day(text: str | None) -> date | None:
    """`tag=YYYY-MM-DD` as a date; None when missing, not a real date or out of bounds."""
    return inputs.parse_date(text)
