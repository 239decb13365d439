"""Roster blocks, absences and closures: the only writers of them.

Every change runs in one transaction, bumps the versions of the locations it touches (which
moves the bookings counters that cached calendars are checked against, scheduling/versions.py)
and settles the appointments it leaves without a clerk: each goes to another free clerk with
every needed skill at the same time, which the citizen never notices; only when nobody is free
does it stay booked while the citizen is asked by mail to choose a new time (booking.reassign).
`preview=True` runs the very same change, mail off, and rolls it back: what a team lead sees
before saving.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import booking, staff_scope
from .models import (
    CHANGEABLE,
    Absence,
    Appointment,
    AppointmentEvent,
    Channel,
    Closure,
    Location,
    RosterBlock,
    StaffMember,
    Status,
)
from .scheduling import availability, capacity, engine, locks

# A booking committed meanwhile may take the colleague an appointment was about to go to
# (PostgreSQL's exclusion constraint refuses the second); the change is then worked out again.
ATTEMPTS = 3


class RosterError(Exception):
    """A change that cannot be made; nothing was written. `message` is for the team lead."""

    message = _("This change cannot be made.")

    def __init__(self, message=None):
        if message is not None:
            self.message = message
        super().__init__(str(self.message))


@dataclass(frozen=True)
class Handover:
    appointment: Appointment
    to: StaffMember


@dataclass(frozen=True)
class CapacityChange:
    location: Location
    before: int  # free online minutes from now to the end of the booking horizon
    after: int

    @property
    def difference(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Outcome:
    handed_over: list[Handover]  # another clerk takes them at the same time
    affected: list[Appointment]  # nobody is free: the citizen is asked to choose a new time
    capacity: list[CapacityChange]


# A change writes its rows and returns the appointments it may have left without a clerk.
Change = Callable[[], Iterable[Appointment]]


def create_block(
    *,
    staff: StaffMember,
    location: Location,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    valid_until: date | None,
    online_bookable: bool,
    now: datetime,
    preview: bool = False,
) -> Outcome:
    """Add a weekly block. Raises RosterError if it overlaps another block of the clerk."""
    block = RosterBlock(staff=staff, location=location)

    def change() -> list[Appointment]:
        _fill_block(block, weekday, start_time, end_time, valid_from, valid_until, online_bookable)
        block.save()
        return []

    return _run(change, [location], now=now, preview=preview)


def change_block(
    *,
    block: RosterBlock,
    weekday: int,
    start_time: time,
    end_time: time,
    valid_from: date,
    valid_until: date | None,
    online_bookable: bool,
    now: datetime,
    preview: bool = False,
) -> Outcome:
    """Change a block from `valid_from` on; weeks before keep the old hours. Raises RosterError."""
    old = RosterBlock.objects.get(pk=block.pk)

    def change() -> list[Appointment]:
        if valid_from > old.valid_from:
            # Split: the history (day plans, statistics) keeps the hours that were worked.
            last_day = valid_from - timedelta(days=1)
            if old.valid_until is not None:
                last_day = min(last_day, old.valid_until)
            RosterBlock.objects.filter(pk=old.pk).update(valid_until=last_day)
            new = RosterBlock(staff=old.staff, location=old.location)
        else:
            new = RosterBlock.objects.get(pk=old.pk)
        _fill_block(new, weekday, start_time, end_time, valid_from, valid_until, online_bookable)
        new.save()
        return _in_block(old, now=now)

    return _run(change, [old.location], now=now, preview=preview)


def end_block(
    *, block: RosterBlock, last_day: date, now: datetime, preview: bool = False
) -> Outcome:
    """Let a block end after `last_day`; one that would end before it starts is removed."""
    old = RosterBlock.objects.get(pk=block.pk)

    def change() -> list[Appointment]:
        if last_day < old.valid_from:
            RosterBlock.objects.filter(pk=old.pk).delete()
        else:
            RosterBlock.objects.filter(pk=old.pk).update(valid_until=last_day)
        return _in_block(old, now=now)

    return _run(change, [old.location], now=now, preview=preview)


def add_absence(
    *,
    staff: StaffMember,
    start: datetime,
    end: datetime,
    reason: str,
    now: datetime,
    preview: bool = False,
) -> Outcome:
    """Record leave, sickness or the like. Raises RosterError if it overlaps another absence."""
    _check_period(start, end)
    if reason not in Absence.Reason.values:
        raise RosterError(_("Please choose a reason."))

    def change() -> QuerySet[Appointment]:
        if Absence.objects.filter(staff=staff, start__lt=end, end__gt=start).exists():
            raise RosterError(_("This overlaps another absence of the same person."))
        Absence.objects.create(staff=staff, start=start, end=end, reason=reason)
        return _upcoming(now).filter(staff=staff, start__lt=end, end__gt=start)

    locations = Location.objects.filter(Q(roster__staff=staff) | Q(staff_members=staff))
    return _run(change, locations.distinct().order_by("name"), now=now, preview=preview)


def remove_absence(*, absence: Absence, now: datetime, preview: bool = False) -> Outcome:
    """Delete an absence (entered by mistake, or the clerk came back early)."""

    def change() -> list[Appointment]:
        Absence.objects.filter(pk=absence.pk).delete()
        return []

    staff = absence.staff_id
    locations = Location.objects.filter(Q(roster__staff=staff) | Q(staff_members=staff))
    return _run(change, locations.distinct().order_by("name"), now=now, preview=preview)


def add_closure(
    *,
    location: Location,
    start: datetime,
    end: datetime,
    reason: str,
    actor: StaffMember,
    now: datetime,
    preview: bool = False,
) -> Outcome:
    """Close a location for everyone. Raises RosterError for an empty period or reason, and
    OutsideScope unless `actor`'s scope covers every department at the location."""
    _check_period(start, end)
    reason = " ".join(reason.split())
    if not reason or len(reason) > Closure.REASON_LIMIT:
        raise RosterError(_("Please give a reason of at most 200 characters."))

    def change() -> QuerySet[Appointment]:
        _check_covers(actor, location)
        Closure.objects.create(location=location, start=start, end=end, reason=reason)
        return _upcoming(now).filter(location=location, start__lt=end, end__gt=start)

    return _run(change, [location], now=now, preview=preview)


def remove_closure(
    *, closure: Closure, actor: StaffMember, now: datetime, preview: bool = False
) -> Outcome:
    """Open a closed location again. Raises OutsideScope like add_closure."""

    def change() -> list[Appointment]:
        _check_covers(actor, closure.location)
        Closure.objects.filter(pk=closure.pk).delete()
        return []

    return _run(change, [closure.location], now=now, preview=preview)


class OutsideScope(RosterError):
    """The change touches departments the actor does not answer for."""


def _check_covers(actor: StaffMember, location: Location) -> None:
    # Checked under the location's lock, with the write: a closure cancels every department's
    # appointments there, so a lead of one of several departments must not make it.
    if not staff_scope.covers_location(actor, location):
        raise OutsideScope(
            gettext(
                "Other departments also work at %(location)s. "
                "Only an administrator can close it or open it again."
            )
            % {"location": location.name}
        )


def free_online_minutes(location: Location, *, now: datetime) -> int:
    """Minutes citizens could still book online, summed over clerks, up to the horizon."""
    bounds = availability.window(location, channel=Channel.ONLINE, now=now)
    loaded = capacity.load(location, bounds.first, bounds.last, channel=Channel.ONLINE, now=now)
    units = 0
    for grid in loaded.grids:
        allowed = availability.allowed_starts(grid, bounds.earliest, location.slot_minutes)
        units += sum((day.free & allowed).bit_count() for day in loaded.staff_days[grid.day])
    return units * location.slot_minutes


def _run(change: Change, locations: Iterable[Location], *, now: datetime, preview: bool) -> Outcome:
    locations = list(locations)
    for _attempt in range(ATTEMPTS):
        try:
            if preview:
                with booking.without_mail(), transaction.atomic(durable=True):
                    _lock(locations)
                    outcome = _settle(change, locations, now=now)
                    transaction.set_rollback(True)
                return outcome
            with transaction.atomic(durable=True):
                _lock(locations)
                outcome = _settle(change, locations, now=now)
                touched = {location.pk for location in locations} | {
                    appointment.location_id for appointment in _appointments(outcome)
                }
                for location_id in sorted(touched):
                    Location(pk=location_id).bump_version()
            return outcome
        except IntegrityError:
            continue
    raise RosterError(_("Bookings are coming in right now. Please try again in a moment."))


def _lock(locations: list[Location]) -> None:
    """Exclusive on the locations before reading free time: bookings hold the same lock shared
    (scheduling/locks.py), so this change sees every booking or the booking sees this change."""
    locks.exclusive(location.pk for location in locations)


def _settle(change: Change, locations: list[Location], *, now: datetime) -> Outcome:
    before = [free_online_minutes(location, now=now) for location in locations]
    handed_over: list[Appointment] = []
    affected: list[Appointment] = []
    for appointment in change():
        staff_id = _free_clerk(appointment, now=now)
        if staff_id == appointment.staff_id:
            continue  # its clerk still works then (another block covers it)
        moved = booking.reassign(appointment=appointment, staff_id=staff_id, now=now)
        (handed_over if staff_id else affected).append(moved)
    clerks = StaffMember.objects.in_bulk([moved.staff_id for moved in handed_over])
    return Outcome(
        handed_over=[Handover(moved, clerks[moved.staff_id]) for moved in handed_over],
        affected=affected,
        capacity=[
            CapacityChange(location, minutes, free_online_minutes(location, now=now))
            for location, minutes in zip(locations, before, strict=True)
        ],
    )


def _free_clerk(appointment: Appointment, *, now: datetime) -> int | None:
    """Its own clerk if still free for it, else the clerk engine.pick chooses, else None.

    Kept-back blocks count (staff moved it, not a citizen online): handing an online booking
    to a clerk held back for the phone is better than asking the citizen to come another day.
    """
    location = appointment.location
    day = location.local_date(appointment.start)
    loaded = capacity.load(
        location, day, day, channel=Channel.DESK, now=now, exclude=appointment.pk
    )
    unit_seconds = location.slot_minutes * 60
    start = int((appointment.start - loaded.grids[0].start).total_seconds()) // unit_seconds
    length = location.units_for(appointment.duration_minutes)
    staff_days = loaded.staff_days[day]
    own = [free for free in staff_days if free.staff_id == appointment.staff_id]
    if engine.pick(own, frozenset(), start, length) is not None:
        return appointment.staff_id
    services = frozenset(item.service_id for item in appointment.items.all())
    return engine.pick(staff_days, services, start, length)


def _upcoming(now: datetime) -> QuerySet[Appointment]:
    """Appointments a change can still move: not begun, not withdrawn, not a lapsed hold."""
    return (
        Appointment.objects.filter(status__in=CHANGEABLE, start__gt=now)
        .exclude(status=Status.RESERVED, hold_expires_at__lte=now)
        .select_related("location")
        .order_by("start", "pk")
    )


def _in_block(block: RosterBlock, *, now: datetime) -> list[Appointment]:
    """Upcoming appointments of the block's clerk inside its hours on its days of validity."""
    location = block.location
    found = _upcoming(now).filter(
        staff_id=block.staff_id,
        location=location,
        start__gte=location.local_day_start(block.valid_from),
    )
    if block.valid_until is not None:
        found = found.filter(start__lt=location.local_day_start(block.valid_until + timedelta(1)))
    return [
        appointment
        for appointment in found
        if appointment.local_start.weekday() == block.weekday
        and appointment.local_start.time() < block.end_time
        and appointment.local_end.time() > block.start_time
    ]


def _fill_block(block, weekday, start_time, end_time, valid_from, valid_until, online) -> None:
    if not 0 <= weekday <= 6:
        raise RosterError(_("Please choose a weekday."))
    if end_time <= start_time:
        raise RosterError(_("The block must end after it starts."))
    if valid_until is not None and valid_until < valid_from:
        raise RosterError(_("The last day must not be before the first day."))
    overlapping = RosterBlock.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from),
        staff_id=block.staff_id,
        weekday=weekday,
        start_time__lt=end_time,
        end_time__gt=start_time,
    ).exclude(pk=block.pk)
    if valid_until is not None:
        overlapping = overlapping.filter(valid_from__lte=valid_until)
    if overlapping.exists():
        raise RosterError(_("This overlaps another block of the same person."))
    block.weekday, block.start_time, block.end_time = weekday, start_time, end_time
    block.valid_from, block.valid_until, block.online_bookable = valid_from, valid_until, online


def _check_period(start: datetime, end: datetime) -> None:
    if start.tzinfo is None or end.tzinfo is None:
        raise RosterError(_("Please give a start and an end."))
    if end <= start:
        raise RosterError(_("The end must be after the start."))


def _appointments(outcome: Outcome) -> list[Appointment]:
    return [handover.appointment for handover in outcome.handed_over] + outcome.affected


def needing_new_time(location: Location, *, now: datetime) -> QuerySet[Appointment]:
    """Upcoming appointments at `location` whose citizen was asked to choose a new time and has
    not yet: the team lead calls those without an email address."""
    latest = AppointmentEvent.objects.filter(appointment=OuterRef("pk")).order_by("-at", "-pk")
    return (
        _upcoming(now)
        .filter(location=location)
        .annotate(latest=Subquery(latest.values("kind")[:1]))
        .filter(latest=AppointmentEvent.Kind.DISRUPTED)  # written by booking.reassign
        .select_related("staff")
    )
