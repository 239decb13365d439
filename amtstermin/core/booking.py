"""Book, confirm, reschedule, cancel, no-show, expire holds: the only writers of appointments."""

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy

from . import booking_sql, limits, numbers, sql, staff_scope, webhooks
from .errors import (
    HoldExpired,
    InvalidContact,
    InvalidStart,
    NotChangeable,
    OutsideHorizon,
    SlotTaken,
    TooManyActive,
    TooShortNotice,
)
from .items import Item, check_offered, offered, service_ids, units_needed, validate
from .models import (
    AccessToken,
    Appointment,
    AppointmentEvent,
    AppointmentItem,
    Channel,
    Location,
    StaffMember,
    Status,
)
from .notifications import mail
from .notifications.events import MailEvent
from .notifications.tasks import schedule_reminder, send_appointment_mail, send_manage_link_mail
from .scheduling import availability, capacity, engine, locks, versions
from .transactions import require_transaction

_mail_off: ContextVar[bool] = ContextVar("mail_off", default=False)

# A lost race is retried with the winner's row visible; more than this many losses in a row
# means the time really is gone.
ATTEMPTS = 3
# A hold without the proof of work lives at most this long: enough for a mail to arrive and its
# link to be followed, short enough that a script's holds give the time back soon.
UNPROVEN_HOLD_MINUTES = 15
CANCEL_REASON_LENGTH = 500  # Appointment.cancel_reason's max_length
NO_EMAIL = gettext_lazy("This appointment has no email address to send the confirmation to.")


@dataclass(frozen=True)
class Contact:
    name: str
    email: str = ""
    phone: str = ""
    language: str = "de"


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    token: str  # the citizen's link key; only its digest is stored


class _Taken(Exception):
    """Inside the transaction: nobody qualified is free; becomes SlotTaken with alternatives."""


def book(
    *,
    location: Location,
    items: Sequence[Item],
    start: datetime,
    contact: Contact,
    channel: str,
    now: datetime,
    idempotency_key: str | None = None,
    require_confirmation: bool = False,
    unproven_network: str | None = None,
) -> Booked:
    """Book `items` at `start`. Raises a BookingError (SlotTaken with alternatives if taken).

    Online bookings at a location that asks for it, or with `require_confirmation`, are held as
    reserved until the emailed link is followed. An online booking for an address that already
    holds the location's limit raises TooManyActive (core/limits.py).

    `unproven_network` (limits.client_network) marks an online booking sent without the proof
    of work: it is held for UNPROVEN_HOLD_MINUTES at most, and refused with TooManyUnproven
    once such holds have taken their share of the day (limits.check_unproven_hold).
    """
    items = list(items)
    start, now = _utc(start), _utc(now)
    offer = offered(items, location)  # checked in the booking's first round trip
    contact = _clean_contact(contact, channel)
    _check_start(location, start, channel=channel, now=now)
    if repeated := _repeated(idempotency_key, now=now):
        return repeated
    unproven_network = unproven_network if channel == Channel.ONLINE else None
    reserve = channel == Channel.ONLINE and bool(
        require_confirmation or unproven_network or location.requires_email_confirmation
    )
    for _attempt in range(ATTEMPTS):
        try:
            return _book_once(
                location,
                items,
                offer,
                start,
                contact,
                channel,
                now,
                idempotency_key,
                reserve,
                unproven_network,
            )
        except _Taken:
            # Both clicks of a double click arrive together: the time is taken by our own first.
            if repeated := _repeated(idempotency_key, now=now):
                return repeated
            break
        except IntegrityError:
            # PostgreSQL's exclusion constraint refused an overlap a concurrent booking committed
            # first (or the same double click won): look again with its row visible.
            if repeated := _repeated(idempotency_key, now=now):
                return repeated
        except TooManyActive:
            # A double click at the limit: the first click's booking counted against the second.
            if repeated := _repeated(idempotency_key, now=now):
                return repeated
            raise
    raise SlotTaken(availability.nearest(location, items, start, now=now, channel=channel))


def _repeated(idempotency_key: str | None, *, now: datetime) -> Booked | None:
    """The booking an earlier submission with the same key made (a double click books once)."""
    if not idempotency_key:
        return None
    earlier = Appointment.objects.filter(idempotency_key=idempotency_key).first()
    return Booked(earlier, issue_access_token(earlier, now=now)) if earlier else None


def hold_minutes(location: Location, *, proven: bool) -> int:
    """How long an online booking waits for its emailed confirmation before the time is free."""
    return location.hold_minutes if proven else min(location.hold_minutes, UNPROVEN_HOLD_MINUTES)


@transaction.atomic(durable=True)
def _book_once(
    location, items, offer, start, contact, channel, now, idempotency_key, reserve, unproven_network
) -> Booked:
    email_key = limits.normalise_email(contact.email)
    day = location.local_date(start)
    length = units_needed(items, location)
    end = start + timedelta(minutes=length * location.slot_minutes)
    mailbox = channel == Channel.ONLINE and bool(email_key)
    # Locks, then reads, in one round trip (core/sql.py).
    with sql.batch() as batch:
        # Every lock first, left to right: the mailbox's before the location's (it may wait for
        # another booking of the mailbox). The reads beside them need none.
        offering, new_id, _mailbox, _location, _plans = batch.together(
            sql.Listed(offer),
            sql.next_id(Appointment),
            limits.mailbox_lock(location, email_key) if mailbox else None,
            locks.sharing(location.pk),
            sql.generic_plans(),
        )
        if unproven_network:
            batch.run(limits.unproven_day_lock(location, day))
        # Then every read, in one statement whose snapshot is taken once the locks are held:
        # it sees what the mailbox's and the roster's previous holders committed.
        loaded, (active, stale) = capacity.send_day(
            batch,
            location,
            day,
            channel=channel,
            now=now,
            also=[
                booking_sql.active_online(location.pk, email_key, now=now) if mailbox else None,
                booking_sql.stale_holds(start, end, now=now),
            ],
            services=service_ids(items),
        )
    check_offered(items, offering.rows())
    if mailbox:
        limits.check_active_count(location, active())
    if stale_ids := [row[0] for row in stale()]:
        # Their time reads as free already; expired, they no longer meet the overlap guard.
        _expire(Appointment.objects.filter(pk__in=stale_ids), now=now)
    staff_days = loaded().staff_days[day]
    staff_id = _pick(location, staff_days, items, start, length)
    if staff_id is None:
        raise _Taken()
    if unproven_network:
        limits.check_unproven_hold(
            location,
            day=day,
            network=unproven_network,
            units=length,
            staff_free=_free_units(staff_days),
            now=now,
        )
    lifetime = hold_minutes(location, proven=not unproven_network)
    drawn = new_id.rows()  # none on SQLite (sql.next_id)
    # The appointment's id is drawn: its rows go out as one statement (Batch.hold), waiting
    # for no answer in between.
    with sql.batch(pipeline=False) as writes:
        appointment, numbered = _insert(
            location,
            items,
            start,
            end,
            staff_id,
            contact,
            channel=channel,
            hold_until=now + timedelta(minutes=lifetime) if reserve else None,
            now=now,
            idempotency_key=idempotency_key,
            unproven_network=unproven_network,
            pk=drawn[0][0] if drawn else None,
            batch=writes,
        )
        token = issue_access_token(appointment, now=now)
        _mail(appointment, MailEvent.CONFIRM_REQUEST if reserve else MailEvent.BOOKED, now=now)
    numbered()
    versions.bump_bookings(location.pk)
    return Booked(appointment, token)


def _insert(
    location, items, start, end, staff_id, contact, *, channel, hold_until, now, **extra
) -> tuple[Appointment, Callable[[], None]]:
    """The appointment row, its items and its first history entry (reserved while `hold_until`
    is set, else booked), inside the caller's checks and transaction; with `pk` (drawn ahead)
    and `batch`, also its batch (core/sql.py). Returns the appointment and what fills in its
    waiting number once the batch has ended."""
    day = location.local_date(start)
    appointment = Appointment(
        pk=extra.get("pk"),
        # 40 random bits: a collision is so rare that the unique constraint and the retry of
        # the whole booking (IntegrityError) handle it without a query per booking.
        reference=numbers.new_reference(),
        location=location,
        staff_id=staff_id,
        start=start,
        end=end,
        channel=channel,
        status=Status.RESERVED if hold_until else Status.BOOKED,
        waiting_day=day,
        name=contact.name,
        email=contact.email,
        email_key=limits.normalise_email(contact.email),
        phone=contact.phone,
        language=contact.language,
        hold_expires_at=hold_until,
        unproven_network=extra.get("unproven_network") or "",
        idempotency_key=extra.get("idempotency_key") or None,
        created_at=now,
    )
    numbered = numbers.create_with_waiting_number(
        appointment, location, day, batch=extra.get("batch")
    )
    for item in items:
        row = AppointmentItem(appointment=appointment, service=item.service, quantity=item.quantity)
        sql.execute(sql.insert(row))
    kind = AppointmentEvent.Kind.RESERVED if hold_until else AppointmentEvent.Kind.BOOKED
    _record(appointment, kind, now)
    return appointment, numbered


def hold_for_wish(
    *, location: Location, items: Sequence[Item], start: datetime, contact: Contact, now: datetime
) -> Appointment:
    """A time held for a wish-list offer (core/wishes/), inside the caller's transaction: a
    reserved appointment nobody else can book or be offered until it is confirmed (accepted),
    cancelled (declined) or expires (lapsed) after the location's wish_offer_minutes.

    Sees a cancelled time before its re-release delay: the wish-list is served before anyone
    online. Sends no mail (the offer's mail says more). Raises SlotTaken if nobody qualified is
    free at `start`; a lost race leaves the caller's transaction usable (a savepoint).
    """
    require_transaction()
    items = list(items)
    start, now = _utc(start), _utc(now)
    validate(items, location)
    locks.share(location.pk)
    length = units_needed(items, location)
    end = start + timedelta(minutes=length * location.slot_minutes)
    try:
        with transaction.atomic():
            _expire_stale_holds(start, end, now=now)
            staff_days = _staff_days(
                location, items, start, channel=Channel.ONLINE, now=now, held_back=False
            )
            staff_id = _pick(location, staff_days, items, start, length)
            if staff_id is None:
                raise SlotTaken()
            appointment, _numbered = _insert(
                location,
                items,
                start,
                end,
                staff_id,
                contact,
                channel=Channel.ONLINE,
                hold_until=now + timedelta(minutes=location.wish_offer_minutes),
                now=now,
            )
    except IntegrityError:
        raise SlotTaken() from None  # PostgreSQL's guard: a concurrent booking won
    versions.bump_bookings(location.pk)
    return appointment


def confirm(*, appointment: Appointment, now: datetime) -> Appointment:
    """Turn a reserved hold into a booking (double opt-in). Raises HoldExpired or NotChangeable.

    Confirming twice is harmless: a mail scanner or a double click must not produce an error.
    """
    with transaction.atomic(durable=True):
        appointment = _locked(appointment)
        if appointment.status == Status.BOOKED:
            return appointment
        if appointment.status == Status.EXPIRED or appointment.is_stale_hold(now=now):
            raise HoldExpired()
        if appointment.status != Status.RESERVED:
            raise NotChangeable()
        appointment.status = Status.BOOKED
        appointment.hold_expires_at = None
        appointment.unproven_network = ""  # the network was kept only for the hold's caps
        appointment.save(update_fields=["status", "hold_expires_at", "unproven_network"])
        _record(appointment, AppointmentEvent.Kind.CONFIRMED, now)
        _mail(appointment, MailEvent.BOOKED, now=now)
    return appointment


def cancel(
    *,
    appointment: Appointment,
    now: datetime,
    channel: str,
    actor: StaffMember | None = None,
    reason: str = "",
) -> Appointment:
    """Cancel an upcoming appointment; its time returns online after the re-release delay.

    `actor` is the staff member cancelling in the office (None: the citizen); their `reason`
    is put in the citizen's mail. Raises NotChangeable once it has started or was checked in,
    PermissionDenied if it lies outside `actor`'s scope; cancelling twice is harmless.
    """
    now = _utc(now)
    reason = reason.strip()[:CANCEL_REASON_LENGTH]
    with transaction.atomic(durable=True):
        locks.share(appointment.location_id)  # before the appointment's row, as rosters do
        appointment = _locked(appointment)
        _check_scope(actor, appointment)
        if appointment.status == Status.CANCELLED:
            return appointment
        if not appointment.is_changeable(now=now):
            raise NotChangeable()
        location = appointment.location
        appointment.status = Status.CANCELLED
        appointment.cancel_reason = reason
        appointment.cancelled_at = now
        appointment.online_release_at = now + timedelta(minutes=location.rerelease_minutes)
        appointment.hold_expires_at = None
        appointment.unproven_network = ""
        appointment.sequence += 1  # RFC 5546: a CANCEL must outrank the entry it removes
        appointment.save(
            update_fields=[
                "status",
                "cancel_reason",
                "cancelled_at",
                "online_release_at",
                "hold_expires_at",
                "unproven_network",
                "sequence",
            ]
        )
        _record(appointment, AppointmentEvent.Kind.CANCELLED, now, channel=channel, actor=actor)
        _mail(appointment, MailEvent.CANCELLED, now=now)
        versions.bump_bookings(location.pk)
    return appointment


def reschedule(
    *,
    appointment: Appointment,
    start: datetime,
    now: datetime,
    channel: str,
    actor: StaffMember | None = None,
) -> Appointment:
    """Move an appointment to `start` in one transaction: the old time is freed only if the new
    one is taken. Raises NotChangeable, SlotTaken (with alternatives) or another BookingError;
    PermissionDenied if it lies outside the scope of `actor` (the staff member moving it)."""
    items = [Item(row.service, row.quantity) for row in appointment.items.select_related("service")]
    location = appointment.location
    start, now = _utc(start), _utc(now)
    _check_start(location, start, channel=channel, now=now)
    for _attempt in range(ATTEMPTS):
        try:
            return _reschedule_once(appointment, items, start, now, channel, actor)
        except _Taken:
            break
        except IntegrityError:
            continue
    raise SlotTaken(availability.nearest(location, items, start, now=now, channel=channel))


@transaction.atomic(durable=True)
def _reschedule_once(appointment, items, start, now, channel, actor) -> Appointment:
    locks.share(appointment.location_id)  # before the appointment's row, as rosters do
    appointment = _locked(appointment)
    _check_scope(actor, appointment)
    if not appointment.is_changeable(now=now):
        raise NotChangeable()
    if appointment.start == start:
        return appointment  # a double click on "move": the first one moved it already
    location = appointment.location
    if appointment.status == Status.RESERVED and appointment.unproven_network:
        limits.lock_unproven_day(location, location.local_date(start))
    length = units_needed(items, location)
    end = start + timedelta(minutes=length * location.slot_minutes)
    _expire_stale_holds(start, end, now=now, keep=appointment.pk)
    staff_days = _staff_days(
        location, items, start, channel=channel, now=now, exclude=appointment.pk
    )
    staff_id = _pick(location, staff_days, items, start, length)
    if staff_id is None:
        raise _Taken()
    old_start = appointment.start
    day = location.local_date(start)
    if appointment.status == Status.RESERVED and appointment.unproven_network:
        # Else a script would hold one time on each of many days, then move them all to one.
        limits.check_unproven_hold(
            location,
            day=day,
            network=appointment.unproven_network,
            units=length,
            staff_free=_free_units(staff_days),
            now=now,
            exclude=appointment.pk,
        )
    if day != appointment.waiting_day:
        appointment.waiting_day = day
        appointment.waiting_number = numbers.next_waiting_number(location, day)
    appointment.staff_id = staff_id
    appointment.start, appointment.end = start, end
    appointment.sequence += 1
    appointment.save(
        update_fields=["staff", "start", "end", "waiting_day", "waiting_number", "sequence"]
    )
    _record(
        appointment,
        AppointmentEvent.Kind.RESCHEDULED,
        now,
        channel=channel,
        detail={"from": old_start.isoformat(), "to": start.isoformat()},
        actor=actor,
    )
    _mail(appointment, MailEvent.RESCHEDULED, now=now)
    versions.bump_bookings(location.pk)
    return appointment


def reassign(*, appointment: Appointment, staff_id: int | None, now: datetime) -> Appointment:
    """Hand an appointment to clerk `staff_id` at the same time, unnoticed by the citizen; with
    None (nobody is free any more) keep it and ask the citizen by mail to choose a new time.

    Runs in the caller's transaction (a roster change, which bumps the version); the caller has
    checked that the clerk is free. Raises NotChangeable once the appointment has begun.
    """
    require_transaction()
    appointment = _locked(appointment)
    if not appointment.is_changeable(now=now):
        raise NotChangeable()
    if staff_id is not None:
        _expire_stale_holds(appointment.start, appointment.end, now=now, keep=appointment.pk)
        detail = {"from": appointment.staff_id, "to": staff_id}
        appointment.staff_id = staff_id
        appointment.save(update_fields=["staff"])
        _record(appointment, AppointmentEvent.Kind.REASSIGNED, now, detail=detail)
        return appointment
    # Not cancelled on the citizen's behalf: the time stays theirs until they choose another.
    # The new version silences the reminder scheduled for the time nobody can serve.
    appointment.sequence += 1
    appointment.save(update_fields=["sequence"])
    _record(appointment, AppointmentEvent.Kind.DISRUPTED, now)
    if appointment.email and not _mail_off.get():
        send_appointment_mail.enqueue(
            appointment_id=appointment.pk, event=MailEvent.DISRUPTED, sequence=appointment.sequence
        )
    return appointment


def change_contact(
    *, appointment: Appointment, contact: Contact, actor: StaffMember, now: datetime
) -> Appointment:
    """Correct the citizen's name, email, phone or language, as the office. Raises
    InvalidContact, NotChangeable once it has begun, PermissionDenied outside `actor`'s scope."""
    now = _utc(now)
    with transaction.atomic(durable=True):
        appointment = _locked(appointment)
        _check_scope(actor, appointment)
        if not appointment.is_changeable(now=now):
            raise NotChangeable()
        contact = _clean_contact(contact, appointment.channel)
        changed = [
            field
            for field in ("name", "email", "phone", "language")
            if getattr(appointment, field) != getattr(contact, field)
        ]
        if not changed:
            return appointment
        for field in changed:
            setattr(appointment, field, getattr(contact, field))
        # The per-address limit counts the new mailbox from now on.
        appointment.email_key = limits.normalise_email(contact.email)
        appointment.save(update_fields=[*changed, "email_key"])
        # Which fields, never their values: the history outlives the purge of contact data.
        _record(
            appointment,
            AppointmentEvent.Kind.CONTACT_CHANGED,
            now,
            channel=Channel.DESK,
            detail={"fields": changed},
            actor=actor,
        )
    return appointment


def resend_confirmation(
    *, appointment: Appointment, actor: StaffMember, now: datetime
) -> Appointment:
    """Mail the confirmation (or, for a hold, the confirm link) again. Raises InvalidContact
    without an address, NotChangeable once it has begun, PermissionDenied outside the scope."""
    now = _utc(now)
    with transaction.atomic(durable=True):
        appointment = _locked(appointment)
        _check_scope(actor, appointment)
        if not appointment.is_changeable(now=now):
            raise NotChangeable()
        if not appointment.email:
            raise InvalidContact(NO_EMAIL)
        # A new version: the Message-ID that makes each mail go out once names it, and the
        # reminder already scheduled gives way to the one scheduled with this mail.
        appointment.sequence += 1
        appointment.save(update_fields=["sequence"])
        _record(
            appointment, AppointmentEvent.Kind.MAIL_RESENT, now, channel=Channel.DESK, actor=actor
        )
        reserved = appointment.status == Status.RESERVED
        _mail(appointment, MailEvent.CONFIRM_REQUEST if reserved else MailEvent.BOOKED, now=now)
    return appointment


def mark_no_show(
    *, appointment: Appointment, now: datetime, channel: str = Channel.DESK
) -> Appointment:
    """Record that a booked citizen did not come. Raises NotChangeable before the start."""
    with transaction.atomic(durable=True):
        appointment = _locked(appointment)
        if appointment.status != Status.BOOKED or appointment.start > now:
            raise NotChangeable()
        appointment.status = Status.NO_SHOW
        appointment.save(update_fields=["status"])
        _record(appointment, AppointmentEvent.Kind.NO_SHOW, now, channel=channel)
    return appointment


def expire_holds(*, now: datetime) -> int:
    """Expire every unconfirmed hold whose lifetime has passed; returns how many."""
    with transaction.atomic(durable=True):
        return _expire(Appointment.objects.all(), now=now)


def issue_access_token(appointment: Appointment, *, now: datetime) -> str:
    """A new link key for the browser that booked; only its SHA-256 digest is stored.

    Never a mailed key: those come from the mail's Message-ID (notifications/links.mail_key).
    """
    token = numbers.new_token()
    sql.execute(
        sql.insert(
            AccessToken(appointment=appointment, digest=numbers.digest(token), created_at=now)
        )
    )
    return token


def find_by_token(token: str, *, mailed: bool = False) -> Appointment | None:
    """The appointment a link key opens, or None (unknown keys reveal nothing).

    `mailed=True` accepts only keys that were sent by email: the double opt-in's proof.
    """
    if not token or len(token) > 100:
        return None
    keys = AccessToken.objects.filter(digest=numbers.digest(token))
    if mailed:
        keys = keys.filter(mailed=True)
    found = keys.select_related("appointment__location").first()
    return found.appointment if found else None


def send_manage_link(*, reference: str, email: str, now: datetime) -> None:
    """Queue a mail with a fresh manage link, sent only if `reference` (canonical, see
    numbers.parse_reference) and `email` belong to one active appointment.

    Queued whether they match or not, and looked up only by the worker: the asking page does
    the same work either way, so neither its answer nor its timing tells a stranger whether an
    appointment exists. The mail goes to the address on record.
    """
    send_manage_link_mail.enqueue(
        reference=reference,
        address_digest=mail.digest_address(email),
        window=mail.manage_link_window(now),
    )


def _expire(candidates, *, now: datetime) -> int:
    stale = list(
        candidates.filter(status=Status.RESERVED, hold_expires_at__lte=now).select_for_update()
    )
    for appointment in stale:
        appointment.status = Status.EXPIRED
        appointment.unproven_network = ""
        appointment.save(update_fields=["status", "unproven_network"])
        _record(appointment, AppointmentEvent.Kind.EXPIRED, now, channel=appointment.channel)
    for location_id in {appointment.location_id for appointment in stale}:
        versions.bump_bookings(location_id)
    return len(stale)


def _expire_stale_holds(
    start: datetime, end: datetime, *, now: datetime, keep: int | None = None
) -> None:
    """Expire the lapsed holds overlapping start..end, but `keep`'s, before a write takes that
    time: capacity reads their time as free already, and still reserved they meet the overlap
    guard (PostgreSQL's exclusion constraint)."""
    stale = [row[0] for row in sql.fetch(*booking_sql.stale_holds(start, end, now=now))]
    if stale := [pk for pk in stale if pk != keep]:
        _expire(Appointment.objects.filter(pk__in=stale), now=now)


def _staff_days(
    location, items, start, *, channel, now, exclude=None, held_back=True
) -> list[engine.StaffDay]:
    """Free time on the day of `start` of each clerk skilled for every item."""
    day = location.local_date(start)
    services = service_ids(items)
    loaded = capacity.load(
        location,
        day,
        day,
        channel=channel,
        now=now,
        exclude=exclude,
        services=services,
        held_back=held_back,
    )
    return loaded.staff_days[day]


def _pick(location, staff_days, items, start, length) -> int | None:
    unit = int((start - location.local_day_start(location.local_date(start))).total_seconds())
    return engine.pick(staff_days, service_ids(items), unit // (location.slot_minutes * 60), length)


def _free_units(staff_days: list[engine.StaffDay]) -> dict[int, int]:
    return {staff_day.staff_id: staff_day.free.bit_count() for staff_day in staff_days}


def _utc(moment: datetime) -> datetime:
    """Core arithmetic runs in UTC: aware datetimes sharing a zone add on the wall clock."""
    if moment.tzinfo is None:
        raise InvalidStart()
    return moment.astimezone(UTC)


def _check_start(location: Location, start: datetime, *, channel: str, now: datetime) -> None:
    day = location.local_date(start)
    offset = start - location.local_day_start(day)
    if offset.total_seconds() % (location.slot_minutes * 60) or start.second or start.microsecond:
        raise InvalidStart()
    bounds = availability.window(location, channel=channel, now=now)
    if not bounds.first <= day <= bounds.last:
        raise OutsideHorizon()
    if start < bounds.earliest:
        raise TooShortNotice()


def _clean_contact(contact: Contact, channel: str) -> Contact:
    name = " ".join(contact.name.split())
    email = contact.email.strip()
    phone = contact.phone.strip()
    languages = {code for code, _label in settings.LANGUAGES}
    if not name or len(name) > 120 or len(phone) > 40 or contact.language not in languages:
        raise InvalidContact()
    if email or channel == Channel.ONLINE:
        try:
            validate_email(email)
        except ValidationError:
            raise InvalidContact() from None
    return Contact(name=name, email=email, phone=phone, language=contact.language)


def _check_scope(actor: StaffMember | None, appointment: Appointment) -> None:
    # Under the appointment's lock, with the write: the office page was loaded earlier.
    if actor is not None and not staff_scope.may_change(actor, appointment):
        raise PermissionDenied


def _locked(appointment: Appointment) -> Appointment:
    return Appointment.objects.select_for_update().select_related("location").get(pk=appointment.pk)


def _record(appointment, kind, now, *, channel=None, detail=None, actor=None) -> None:
    entry = AppointmentEvent(
        appointment=appointment,
        kind=kind,
        at=now,
        channel=channel or appointment.channel,
        detail=detail or {},
        staff=actor,
    )
    sql.execute(sql.insert(entry))
    if event := webhooks.APPOINTMENT_EVENTS.get(kind):
        webhooks.emit(event, appointment, now=now)


@contextmanager
def without_mail() -> Iterator[None]:
    """Write appointments without emailing anyone: for demo data and imports of old bookings."""
    reset = _mail_off.set(True)
    try:
        yield
    finally:
        _mail_off.reset(reset)


def _mail(appointment: Appointment, event: MailEvent, *, now: datetime) -> None:
    # Inside the caller's transaction: the task rows are the outbox, committed with the change.
    require_transaction()
    if appointment.email and not _mail_off.get():
        send_appointment_mail.enqueue(appointment_id=appointment.pk, event=event)
        # Booked, confirmed or moved: remind of this version (a cancelled one gets none).
        schedule_reminder(appointment, now=now)
