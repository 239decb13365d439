"""Offered starts against an independent oracle, on random towns, including both DST Sundays.

The oracle reasons in wall-clock datetimes, never in bitmasks: a start is bookable when it lies on
the grid, inside the notice and horizon, on no public holiday, and some staff member skilled for
every item has roster time (online-bookable for online) covering it that no absence, closure or
time-taking appointment touches.
"""

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from amtstermin.core import booking
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import (
    HOLDING,
    Absence,
    Appointment,
    Channel,
    Closure,
    RosterBlock,
    Status,
)
from amtstermin.core.scheduling import availability
from tests import factories
from tests.conftest import BERLIN

# Friday before each DST Sunday of 2026, a week with Christmas, and an ordinary week.
INTERESTING_DAYS = [date(2026, 3, 27), date(2026, 10, 23), date(2026, 12, 23), date(2026, 12, 2)]

minutes_of_day = st.integers(0, 23 * 60 + 59)


@st.composite
def towns(draw):
    unit = draw(st.sampled_from([5, 10, 15]))
    today = draw(st.sampled_from(INTERESTING_DAYS))
    now = datetime.combine(today, time(0), tzinfo=BERLIN).astimezone(UTC) + timedelta(
        minutes=draw(minutes_of_day)
    )
    return {
        "unit": unit,
        "now": now,
        "notice": draw(st.sampled_from([0, 30, 120])),
        "horizon": draw(st.integers(1, 5)),
        "services": draw(
            st.lists(st.tuples(st.integers(5, 40), st.integers(0, 10)), min_size=3, max_size=3)
        ),
        "staff": draw(
            st.lists(
                st.one_of(
                    st.just(frozenset({0, 1, 2})), st.frozensets(st.integers(0, 2), min_size=1)
                ),
                min_size=1,
                max_size=3,
            )
        ),
        "blocks": draw(
            st.lists(
                st.tuples(
                    st.integers(0, 2),  # staff index (clipped to staff count)
                    st.integers(0, 6),  # weekday, as days after today (mostly in the horizon)
                    st.integers(0, 23 * 12),  # start, in 5-minute steps
                    st.integers(1, 8 * 12),  # length, in 5-minute steps
                    st.booleans(),  # online bookable
                    st.integers(-3, 1),  # valid_from offset in days
                    st.one_of(st.none(), st.integers(0, 6)),  # valid_until offset
                ),
                min_size=1,
                max_size=8,
            )
        ),
        "busy": draw(
            st.lists(
                st.tuples(
                    st.sampled_from(["absence", "closure", "appointment"]),
                    st.integers(0, 2),  # staff index
                    st.integers(0, 4),  # day, after today
                    st.integers(0, 24 * 60 - 1),  # start, minutes after that day's midnight
                    st.integers(1, 240),  # length in minutes
                    st.sampled_from([*HOLDING, Status.CANCELLED, Status.EXPIRED, "stale"]),
                ),
                max_size=10,
            )
        ),
        "request": draw(
            st.lists(
                st.tuples(st.integers(0, 2), st.integers(1, 2)),
                min_size=1,
                max_size=2,
                unique_by=lambda r: r[0],
            )
        ),
        "channel": draw(st.sampled_from([Channel.ONLINE, Channel.PHONE])),
    }


def build(town):
    now, unit = town["now"], town["unit"]
    where = factories.location(
        slot_minutes=unit,
        min_notice_minutes=town["notice"],
        horizon_days=town["horizon"],
        rerelease_minutes=30,
    )
    dept = factories.department()
    services = [
        factories.service(
            department=dept,
            locations=[where],
            duration_minutes=duration,
            additional_minutes=additional,
            max_quantity=2,
            fee=Decimal("0"),
        )
        for duration, additional in town["services"]
    ]
    staff = [
        factories.staff(skills=[services[i] for i in sorted(skills)], department_=dept)
        for skills in town["staff"]
    ]
    today = now.astimezone(BERLIN).date()
    for index, after, start, length, online, valid_from, valid_until in town["blocks"]:
        weekday = (today + timedelta(days=after)).weekday()
        begin = datetime.combine(today, time(0)) + timedelta(minutes=5 * start)
        end = min(begin + timedelta(minutes=5 * length), datetime.combine(today, time(23, 59)))
        if end.time() <= begin.time():
            continue
        RosterBlock.objects.create(
            staff=staff[index % len(staff)],
            location=where,
            weekday=weekday,
            start_time=begin.time(),
            end_time=end.time(),
            online_bookable=online,
            valid_from=today + timedelta(days=valid_from),
            valid_until=None
            if valid_until is None
            else today + timedelta(days=valid_from + valid_until),
        )
    midnight = datetime.combine(today, time(0), tzinfo=BERLIN).astimezone(UTC)
    taken: list[tuple[int, datetime, datetime]] = []
    for kind, index, after, start, length, status in town["busy"]:
        member = staff[index % len(staff)]
        begin = midnight + timedelta(days=after, minutes=start)
        end = begin + timedelta(minutes=length)
        if kind == "absence":
            Absence.objects.create(staff=member, start=begin, end=end)
        elif kind == "closure":
            Closure.objects.create(location=where, start=begin, end=end, reason="test")
        else:
            holding = status in HOLDING or status == "stale"
            if holding and any(s == member.pk and b < end and begin < e for s, b, e in taken):
                continue  # PostgreSQL would refuse the overlap, as it should
            if holding:
                taken.append((member.pk, begin, end))
            Appointment.objects.create(
                reference=f"T{Appointment.objects.count():08d}",
                location=where,
                staff=member,
                start=begin,
                end=end,
                channel=Channel.ONLINE,
                status=Status.RESERVED if status == "stale" else status,
                hold_expires_at=(
                    now - timedelta(minutes=1)
                    if status == "stale"
                    else now + timedelta(minutes=5)
                    if status == Status.RESERVED
                    else None
                ),
                online_release_at=now + timedelta(minutes=10)
                if status == Status.CANCELLED
                else None,
                waiting_day=begin.date(),
                waiting_number=f"X-{Appointment.objects.count()}",
                name="Test",
                created_at=now,
            )
    items = [Item(services[i], quantity) for i, quantity in town["request"]]
    return where, staff, items


class Oracle:
    """The rows of one town as plain Python lists, judged with datetimes only."""

    def __init__(self, where, staff, items, *, now, channel):
        self.where, self.items, self.now, self.channel = where, items, now, channel
        self.online = channel == Channel.ONLINE
        self.closures = list(Closure.objects.filter(location=where).values_list("start", "end"))
        wanted = {item.service.pk for item in items}
        self.staff = [m for m in staff if wanted <= set(m.skills.values_list("pk", flat=True))]
        self.absences = {m.pk: list(m.absences.values_list("start", "end")) for m in self.staff}
        self.appointments = {m.pk: list(m.appointments.all()) for m in self.staff}
        self.blocks = {m.pk: list(m.roster.filter(location=where)) for m in self.staff}
        today = now.astimezone(BERLIN).date()
        self.holidays = where.holidays_between(today, today + timedelta(days=where.horizon_days))

    def capacity(self, start: datetime) -> int:
        """How many staff members could take the items at `start` (0: not bookable at all)."""
        unit = self.where.slot_minutes
        start = start.astimezone(UTC)  # real-time arithmetic, also across a DST switch
        local = start.astimezone(BERLIN)
        minutes = sum(item.service.minutes_for(item.quantity) for item in self.items)
        end = start + timedelta(minutes=-(-minutes // unit) * unit)
        today = self.now.astimezone(BERLIN).date()
        if (local.hour * 60 + local.minute) % unit or local.second:
            return 0
        if not today <= local.date() <= today + timedelta(days=self.where.horizon_days):
            return 0
        notice = self.where.min_notice_minutes if self.online else 0
        if start < self.now + timedelta(minutes=notice) or local.date() in self.holidays:
            return 0
        if any(low < end and start < high for low, high in self.closures):
            return 0
        return sum(1 for member in self.staff if self._free(member, local.date(), start, end))

    def _free(self, member, day, start, end) -> bool:
        if any(low < end and start < high for low, high in self.absences[member.pk]):
            return False
        if any(
            a.start < end and start < a.end and self._takes_time(a)
            for a in self.appointments[member.pk]
        ):
            return False
        return self._covered(member, day, start, end)

    def _takes_time(self, appointment) -> bool:
        if appointment.status == Status.RESERVED:
            return appointment.hold_expires_at > self.now
        if appointment.status == Status.CANCELLED:
            return self.online and appointment.online_release_at > self.now
        return appointment.status in HOLDING

    def _covered(self, member, day, start, end) -> bool:
        blocks = [
            (
                datetime.combine(day, block.start_time, tzinfo=BERLIN),
                datetime.combine(day, block.end_time, tzinfo=BERLIN),
            )
            for block in self.blocks[member.pk]
            if block.weekday == day.weekday()
            and block.valid_from <= day
            and (block.valid_until is None or block.valid_until >= day)
            and (block.online_bookable or not self.online)
        ]
        step = timedelta(minutes=self.where.slot_minutes)
        moment = start
        while moment < end:
            if not any(low <= moment and moment + step <= high for low, high in blocks):
                return False
            moment += step
        return True


def candidates(where, now):
    today = now.astimezone(BERLIN).date()
    moment = datetime.combine(today, time(0), tzinfo=BERLIN).astimezone(UTC)
    last = datetime.combine(today + timedelta(days=where.horizon_days + 1), time(0), tzinfo=BERLIN)
    while moment < last:
        yield moment
        moment += timedelta(minutes=where.slot_minutes)


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(town=towns(), data=st.data())
def test_offered_starts_are_exactly_the_bookable_ones_and_each_books(town, data):
    where, staff, items = build(town)
    now, channel = town["now"], town["channel"]
    found = availability.compute(where, items, now=now, channel=channel)
    offered = {start for day in found.days() for start in found.starts(day)}
    oracle = Oracle(where, staff, items, now=now, channel=channel)
    expected = {moment for moment in candidates(where, now) if oracle.capacity(moment)}
    assert offered == expected
    event("offers starts" if offered else "offers nothing")
    if not offered:
        return

    start = data.draw(st.sampled_from(sorted(offered)))
    for n in range(oracle.capacity(start)):
        contact = booking.Contact(name=f"Citizen {n}", email=f"c{n}@example.org")
        booking.book(
            location=where, items=items, start=start, contact=contact, channel=channel, now=now
        )
    again = availability.compute(where, items, now=now, channel=channel)
    assert start not in again.starts(start.astimezone(BERLIN).date())
    with pytest.raises(SlotTaken):
        contact = booking.Contact(name="Too late", email="late@example.org")
        booking.book(
            location=where, items=items, start=start, contact=contact, channel=channel, now=now
        )
