"""Lays a core DayPlan out as a day view: time runs down in 5-minute grid rows, one column per
clerk (like a calendar's day view).

Only layout: which grid row a block starts in and how many it spans, and the free gaps between
bookings. The plan's facts come from amtstermin/core/dayplan.py. The CSP forbids style="", so
positions are classes (`amt-c-<column>`, `amt-r-<row>`, `amt-s-<span>`) that dayplan.css defines.
"""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from amtstermin.core import inputs
from amtstermin.core.dayplan import GONE, Block, DayPlan
from amtstermin.core.models import Appointment, StaffMember

UNIT = timedelta(minutes=5)
# dayplan.css has a row and a span class for every 5 minutes of 06:00–22:00 (rows 2–193).
EARLIEST, LATEST = time(6), time(22)
DEFAULT_FIRST, DEFAULT_LAST = time(8), time(16)
FIRST_ROW = 2  # row 1 holds the clerks' names
FIRST_COLUMN = 2  # column 1 holds the hours
ROSTER = ("online", "kept_back")  # the rest (absences, closures) takes time away


@dataclass(frozen=True)
class Placed:
    start: datetime
    end: datetime
    # a roster or absence kind, "appointment", "hidden" (not in scope) or "gap"
    kind: str
    row: int
    span: int
    note: str = ""  # an absence's reason; for a gap, the roster kind it lies in
    appointment: Appointment | None = None


@dataclass
class Column:
    staff: StaffMember
    booked_minutes: int
    number: int  # the grid column
    bands: list[Placed] = field(default_factory=list)  # roster blocks: online or kept back
    entries: list[Placed] = field(default_factory=list)  # everything else, in time order

    @property
    def items(self) -> list[Placed]:
        """Bands and entries in time order, each band before what lies on it: the order a
        screen reader and the phone's list read them in."""
        return sorted(
            [*self.bands, *self.entries], key=lambda item: (item.start, item.kind not in ROSTER)
        )

    @property
    def has_appointments(self) -> bool:
        """Whether the list below the grid, which shows a wide screen only the appointments
        one may open, has any for this clerk."""
        return any(entry.kind == "appointment" for entry in self.entries)


@dataclass(frozen=True)
class Hour:
    label: datetime
    row: int
    span: int


@dataclass(frozen=True)
class Timeline:
    hours: list[Hour]
    columns: list[Column]
    now: Placed | None  # the now-line, on today within the shown hours
    rows: int  # 5-minute rows shown


def lay_out(plan: DayPlan, visible: set[int], *, now: datetime) -> Timeline:
    """The plan on the grid; appointments whose id is not in `visible` keep no details."""
    zone = plan.location.zone
    first, last = _window(plan)
    origin = datetime.combine(plan.day, first, tzinfo=zone)
    end = datetime.combine(plan.day, last, tzinfo=zone)
    last_row = FIRST_ROW + int((end - origin) / UNIT)

    def row(moment: datetime) -> int:
        moment = min(max(moment.astimezone(zone), origin), end)
        return FIRST_ROW + int((moment - origin) / UNIT)

    def place(start, stop, kind, note="", appointment=None) -> Placed:
        start, stop = start.astimezone(zone), stop.astimezone(zone)
        # Outside the shown hours a block keeps one row at the edge rather than vanishing.
        top = min(row(start), last_row - 1)
        return Placed(start, stop, kind, top, max(row(stop) - top, 1), note, appointment)

    columns = []
    for number, lane in enumerate(plan.lanes, start=FIRST_COLUMN):
        column = Column(lane.staff, lane.booked_minutes, number)
        blocks = [b for b in [*lane.blocks, *plan.closures] if b.end > b.start]
        column.bands = [place(b.start, b.end, b.kind) for b in blocks if b.kind in ROSTER]
        active = [a for a in lane.appointments if a.status not in GONE]
        column.entries = sorted(
            [place(b.start, b.end, b.kind, b.note) for b in blocks if b.kind not in ROSTER]
            + [
                place(a.start, a.end, "appointment" if a.pk in visible else "hidden", "", a)
                for a in active
            ]
            + [place(start, stop, "gap", kind) for start, stop, kind in _gaps(blocks, active)],
            key=lambda entry: entry.start,
        )
        columns.append(column)
    hours = []
    hour = origin
    while hour < end:
        hours.append(Hour(hour, row(hour), row(hour + timedelta(hours=1)) - row(hour)))
        hour += timedelta(hours=1)
    line = None
    if origin <= now < end:
        line = place(now, now + UNIT, "now")
    return Timeline(hours, columns, line, last_row - FIRST_ROW)


def _window(plan: DayPlan) -> tuple[time, time]:
    """Whole hours around the rosters and appointments, within 06:00–22:00 (an absence of a
    whole day would otherwise stretch the plan from morning to night)."""
    zone = plan.location.zone
    moments = [
        moment.astimezone(zone)
        for lane in plan.lanes
        for item in [*(b for b in lane.blocks if b.kind in ROSTER), *lane.appointments]
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


def _gaps(
    bands: list[Block], appointments: list[Appointment]
) -> list[tuple[datetime, datetime, str]]:
    """Rostered time nobody booked and nobody is away for, with the roster kind it lies in:
    what the phone (kept back) or the online calendar can still fill."""
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
                gaps.append((cursor, start, block.kind))
            cursor = max(cursor, end)
        if cursor < block.end:
            gaps.append((cursor, block.end, block.kind))
    return [(start, end, kind) for start, end, kind in gaps if end - start >= UNIT]


def parse_day(text: str | None) -> date | None:
    """`tag=YYYY-MM-DD` as a date; None when missing, not a real date or out of bounds."""
    return inputs.parse_date(text)
