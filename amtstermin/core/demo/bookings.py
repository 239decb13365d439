"""Fill a demo location's calendar through the booking core, like citizens and staff would.

Capacity is loaded once per day and kept up to date in memory after each booking, so every
request goes to a time the core will accept; `booking.book` still checks and writes each one.
"""

import random
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .. import booking
from ..errors import BookingError
from ..items import Item, service_ids, units_needed
from ..models import Appointment, Channel, Location, Service, Status
from ..scheduling import availability, capacity, engine
from .spec import Request, Town

# Share of the online-bookable time to book: fuller in the coming days than weeks ahead, as in
# a real office; under half over the whole horizon (each booking costs the seed time).
FILL_NEAR, FILL_FAR, FILL_SPREAD = 0.45, 0.08, 0.08
ONLINE_SHARE = 0.7  # the rest are phone bookings made by staff
PHONE_WITH_EMAIL = 0.5
ENGLISH_SHARE = 0.08
MAX_MISSES = 25  # requests in a row that find no room before a day counts as full
RANDOM_SEED = 2026


@dataclass(frozen=True)
class Filled:
    """What fill_calendar booked: appointments and the online-bookable units they took."""

    appointments: int
    online_units_booked: int
    online_units: int
    days: int

    @property
    def share(self) -> float:
        return self.online_units_booked / self.online_units if self.online_units else 0.0


def fill_calendar(location: Location, town: Town, *, now: datetime) -> Filled | None:
    """Book about a third of the online-bookable time of the horizon through `booking.book`.

    Skipped (None) when the location already has upcoming appointments, so a rerun adds none.
    Capacity is loaded once per day and kept up to date in memory after each booking, so every
    request is placed where the core will accept it.
    """
    if Appointment.objects.filter(location=location, end__gt=now).exists():
        return None
    rng = random.Random(RANDOM_SEED)
    services = {service.slug: service for service in Service.objects.filter(locations=location)}
    online_window = availability.window(location, channel=Channel.ONLINE, now=now)
    phone_window = availability.window(location, channel=Channel.PHONE, now=now)
    horizon = (online_window.last - online_window.first).days or 1
    totals = Filled(0, 0, 0, 0)
    day = online_window.first
    while day <= online_window.last:
        wanted = FILL_NEAR - (FILL_NEAR - FILL_FAR) * (day - online_window.first).days / horizon
        wanted += rng.uniform(-FILL_SPREAD, FILL_SPREAD)
        filled = _fill_day(
            location,
            day,
            wanted,
            services,
            town,
            rng,
            earliest={Channel.ONLINE: online_window.earliest, Channel.PHONE: phone_window.earliest},
            now=now,
        )
        totals = Filled(
            totals.appointments + filled.appointments,
            totals.online_units_booked + filled.online_units_booked,
            totals.online_units + filled.online_units,
            totals.days + 1,
        )
        day += timedelta(days=1)
    return totals


def _fill_day(
    location: Location,
    day: date,
    wanted: float,
    services: dict[str, Service],
    town: Town,
    rng: random.Random,
    *,
    earliest: dict[str, datetime],
    now: datetime,
) -> Filled:
    grid = capacity.day_grids(location, day, day)[0]
    allowed = {
        channel: availability.allowed_starts(grid, instant, location.slot_minutes)
        for channel, instant in earliest.items()
    }
    free: dict[str, dict[int, int]] = {}
    skills: dict[int, frozenset[int]] = {}
    for channel in (Channel.ONLINE, Channel.PHONE):
        loaded = capacity.load(location, day, day, channel=channel, now=now)
        free[channel] = {staff.staff_id: staff.free for staff in loaded.staff_days[day]}
        skills.update({staff.staff_id: staff.skills for staff in loaded.staff_days[day]})
    # Time before the minimum notice is gone already and not part of the capacity to fill.
    online_units = sum(
        (mask & allowed[Channel.ONLINE]).bit_count() for mask in free[Channel.ONLINE].values()
    )
    target = online_units * wanted
    weights = [request.weight for request in town.requests]
    booked = booked_units = misses = 0
    while booked_units < target and misses < MAX_MISSES:
        items = _items(rng.choices(town.requests, weights)[0], services, rng)
        channel = Channel.ONLINE if rng.random() < ONLINE_SHARE else Channel.PHONE
        length = units_needed(items, location)
        staff_days = [
            engine.StaffDay(staff_id, skills[staff_id], mask)
            for staff_id, mask in free[channel].items()
        ]
        starts = engine.bits(
            engine.free_starts(staff_days, service_ids(items), length, allowed=allowed[channel])
        )
        if not starts:
            misses += 1
            continue
        unit = rng.choice(starts)
        try:
            made = booking.book(
                location=location,
                items=items,
                start=grid.instant(unit, location.slot_minutes),
                contact=_contact(town, channel, rng),
                channel=channel,
                now=now,
            )
        except BookingError:
            misses += 1
            continue
        appointment = made.appointment
        if appointment.status == Status.RESERVED:
            booking.confirm(appointment=appointment, now=now)
        taken = engine.span(unit, unit + length)
        online = free[Channel.ONLINE].get(appointment.staff_id, 0) & allowed[Channel.ONLINE]
        booked_units += (online & taken).bit_count()
        for masks in free.values():
            if appointment.staff_id in masks:
                masks[appointment.staff_id] &= ~taken
        booked += 1
        misses = 0
    return Filled(booked, booked_units, online_units, 1)


def _items(request: Request, services: dict[str, Service], rng: random.Random) -> list[Item]:
    first, *others = (services[slug] for slug in request.services)
    quantities = range(1, len(request.quantities) + 1)
    quantity = rng.choices(quantities, request.quantities)[0]
    return [Item(first, min(quantity, first.max_quantity)), *(Item(other) for other in others)]


def _contact(town: Town, channel: str, rng: random.Random) -> booking.Contact:
    first, last = rng.choice(town.first_names), rng.choice(town.last_names)
    with_email = channel == Channel.ONLINE or rng.random() < PHONE_WITH_EMAIL
    email = f"{_ascii(first)}.{_ascii(last)}@example.org" if with_email else ""
    phone = "" if channel == Channel.ONLINE else f"{town.phone_prefix}{rng.randrange(1000):03d}"
    language = "en" if rng.random() < ENGLISH_SHARE else "de"
    return booking.Contact(name=f"{first} {last}", email=email, phone=phone, language=language)


_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ı": "i"})


def _ascii(name: str) -> str:
    """An email-safe form of a name: Öztürk → oeztuerk, Wójcik → wojcik."""
    folded = unicodedata.normalize("NFKD", name.lower().translate(_GERMAN))
    return folded.encode("ascii", "ignore").decode()
