"""Write a demo town into the database, then fill its calendar through the booking core.

Idempotent: every row is found by a stable key (slug, username, German name) and saved only when
a value differs, so a second run writes nothing; the calendar is filled only while the location
has no upcoming appointments.
"""

from base64 import b32decode
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from .. import booking, numbers
from ..models import (
    Absence,
    AccessibilityStatement,
    ContentPage,
    Counter,
    Department,
    DeviceLink,
    Document,
    Location,
    Notice,
    OpeningHours,
    RosterBlock,
    Service,
    ServiceDocument,
    StaffMember,
)
from .bookings import Filled, fill_calendar
from .catalogue import translated as _translated
from .history import Played, play_history, play_today
from .spec import (
    DocumentSpec,
    LocationSpec,
    NoticeSpec,
    PageSpec,
    ServiceSpec,
    StaffSpec,
    StatementSpec,
    Town,
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    name: str
    role: str  # StaffMember.Role
    superuser: bool
    password_set: bool  # False: the user existed with another password, which was kept
    totp_secret: str | None  # None: the login has its own authenticator app, which was kept


@dataclass(frozen=True)
class Device:
    kind: str  # DeviceLink.Kind
    name: str
    token: str


@dataclass(frozen=True)
class Seeded:
    location: Location
    services: int
    staff: int
    logins: list[Login]
    devices: list[Device]
    filled: Filled | None  # None: upcoming appointments existed, nothing was booked
    history: Played | None  # None: with `filled`, the past was played before
    today: int  # visits played today until now (0 when someone had come already)


M = TypeVar("M", bound=models.Model)


def seed(town: Town, *, now: datetime) -> Seeded:
    """Create or update `town`, then book demo appointments if its calendar is still empty."""
    with transaction.atomic():
        location, logins, staff_count = _configure(town, now=now)
        devices = _devices(town, location, now=now)
    # Outside the transaction above: every booking is its own durable transaction, as in
    # production.
    with booking.without_mail():  # the demo's citizens are fictional: nobody to mail
        filled = fill_calendar(location, town, now=now)
        # After the calendar: it is filled only while nothing upcoming is booked.
        history = play_history(location, town, now=now) if filled is not None else None
        today = play_today(location, town, now=now)
    return Seeded(
        location=location,
        services=len(town.services),
        staff=staff_count,
        logins=logins,
        devices=devices,
        filled=filled,
        history=history,
        today=today,
    )


def working_week(today: date) -> tuple[date, date]:
    """Monday and Friday of the week `today` lies in."""
    monday = today - timedelta(days=today.weekday())
    return monday, monday + timedelta(days=4)


def _configure(town: Town, *, now: datetime) -> tuple[Location, list[Login], int]:
    changed = False
    departments: dict[str, Department] = {}
    for department in town.departments:
        departments[department.slug], _ = _upsert(
            Department,
            {"slug": department.slug},
            {
                **_translated("name", department.name),
                **_translated("description", department.description),
                "position": department.position,
            },
        )
    location, location_changed = _location(town.location)
    changed |= location_changed
    documents: dict[str, Document] = {}
    for position, service in enumerate(town.services, start=1):
        changed |= _service(service, position, departments, location, documents)

    services = {service.slug: service for service in Service.objects.all()}
    hashes: dict[str, str] = {}
    admin = _login(
        town.admin_username,
        town.admin_password,
        town,
        name=town.admin_name,
        role=StaffMember.Role.ADMINISTRATOR,
        superuser=True,
        hashes=hashes,
    )
    _administrator(admin, town, departments[town.admin_department], location)
    logins = [admin]
    for member in town.staff:
        login = _login(
            member.username,
            town.staff_password,
            town,
            name=member.name,
            role=member.role,
            superuser=False,
            hashes=hashes,
        )
        logins.append(login)
        changed |= _staff(
            member, login, town, location, departments[member.department], services, now=now
        )
    if changed:
        location.bump_version()  # cached calendars must not outlive a change of capacity
    for page in town.pages:
        _page(page)
    for notice in town.notices:
        _notice(notice)
    if town.accessibility is not None:
        _statement(town.accessibility, today=now.date())
    return location, logins, len(town.staff)


def _location(spec: LocationSpec) -> tuple[Location, bool]:
    location, changed = _upsert(
        Location,
        {"slug": spec.slug},
        {
            **_translated("name", spec.name),
            **_translated("directions", spec.directions),
            "street": spec.street,
            "postcode": spec.postcode,
            "city": spec.city,
            "federal_state": spec.federal_state,
            "email": spec.email,
            "phone": spec.phone,
            "min_notice_minutes": spec.min_notice_minutes,
            "requires_email_confirmation": spec.requires_email_confirmation,
            "hold_minutes": spec.hold_minutes,
            "rerelease_minutes": spec.rerelease_minutes,
            "waiting_prefix": spec.waiting_prefix,
        },
    )
    for name in spec.counters:
        _upsert(Counter, {"location": location, "name": name}, {"active": True})
    kept = []
    for weekday, spans in spec.opening_hours.items():
        for opens, closes in spans:
            row, hours_changed = _upsert(
                OpeningHours,
                {"location": location, "weekday": weekday, "opens": opens},
                {"closes": closes},
            )
            changed |= hours_changed
            kept.append(row.pk)
    removed, _ = location.opening_hours.exclude(pk__in=kept).delete()
    changed |= bool(removed)
    return location, changed


def _service(
    spec: ServiceSpec,
    position: int,
    departments: dict[str, Department],
    location: Location,
    documents: dict[str, Document],
) -> bool:
    service, changed = _upsert(
        Service,
        {"slug": spec.slug},
        {
            "department": departments[spec.department],
            **_translated("name", spec.name),
            **_translated("description", spec.description),
            **_translated("life_situation", spec.life_situation),
            **_translated("fee_note", spec.fee_note),
            "synonyms": spec.synonyms,
            "mode": spec.mode,
            "external_url": spec.external_url,
            "request_kind": spec.request_kind,
            "duration_minutes": spec.duration_minutes,
            "additional_minutes": spec.additional_minutes,
            "max_quantity": spec.max_quantity,
            "fee": spec.fee,
            "legal_basis": spec.legal_basis,
            "leika_key": spec.leika_key,
            "position": position,
            "active": True,
        },
    )
    changed |= _set_related(service.locations, [location] if spec.offered_here else [])
    kept = []
    for document_position, needs in enumerate(spec.documents, start=1):
        document = _document(needs.document, documents)
        rule, _ = _upsert(
            ServiceDocument,
            {"service": service, "document": document},
            {"rule": needs.rule, "position": document_position},
        )
        kept.append(rule.pk)
    service.document_rules.exclude(pk__in=kept).delete()
    return changed


def _document(spec: DocumentSpec, documents: dict[str, Document]) -> Document:
    # One row per document, shared by every service that names it: a booking lists it once.
    if spec.name.de not in documents:
        documents[spec.name.de], _ = _upsert(
            Document,
            {"name_de": spec.name.de},
            {**_beside_german("name", spec.name), **_translated("note", spec.note)},
        )
    return documents[spec.name.de]


def _page(spec: PageSpec) -> None:
    _upsert(
        ContentPage,
        {"kind": spec.kind},
        {**_translated("title", spec.title), **_translated("body", spec.body)},
    )


def _statement(spec: StatementSpec, *, today: date) -> None:
    """The one accessibility statement; a rerun keeps the dates it was prepared and reviewed."""
    values = {
        "compliance": spec.compliance,
        **_translated("known_gaps", spec.known_gaps),
        "method": spec.method,
        **_translated("method_note", spec.method_note),
        "contact_email": spec.contact_email,
        "contact_phone": spec.contact_phone,
        "reply_days": spec.reply_days,
    }
    statement = AccessibilityStatement.objects.order_by("pk").first()
    if statement is None:
        AccessibilityStatement.objects.create(**values, prepared_on=today, reviewed_on=today)
    else:
        AccessibilityStatement.objects.filter(pk=statement.pk).update(**values)


def _notice(spec: NoticeSpec) -> None:
    # Shown until removed: a demo notice with dates would lapse, or change on every run.
    _upsert(
        Notice,
        {"title_de": spec.title.de},
        {
            **_beside_german("title", spec.title),
            **_translated("body", spec.body),
            "level": spec.level,
        },
    )


def _beside_german(field: str, text) -> dict[str, str]:
    """`field` in every language but German, which identifies the row."""
    values = _translated(field, text)
    del values[f"{field}_de"]
    return values


def _administrator(login: Login, town: Town, department: Department, location: Location) -> None:
    """The admin's staff member: no roster, no skills, sees every department in the office."""
    member, _ = _upsert(
        StaffMember,
        {"user": get_user_model().objects.get(username=login.username)},
        {
            "name": town.admin_name,
            "department": department,
            "role": StaffMember.Role.ADMINISTRATOR,
            "active": True,
        },
    )
    member.locations.set([location])


def _staff(
    spec: StaffSpec,
    login: Login,
    town: Town,
    location: Location,
    department: Department,
    services: dict[str, Service],
    *,
    now: datetime,
) -> bool:
    user = get_user_model().objects.get(username=login.username)
    member, changed = _upsert(
        StaffMember,
        {"user": user},
        {"name": spec.name, "department": department, "role": spec.role, "active": True},
    )
    member.locations.set([location])  # what the office shows them; no effect on capacity
    changed |= _set_related(member.skills, [services[slug] for slug in spec.skills])
    kept = []
    for block in spec.blocks:
        row, block_changed = _upsert(
            RosterBlock,
            {
                "staff": member,
                "location": location,
                "weekday": block.weekday,
                "start_time": block.start,
            },
            {
                "end_time": block.end,
                "valid_from": town.roster_valid_from,
                "valid_until": None,
                "online_bookable": block.online_bookable,
            },
        )
        changed |= block_changed
        kept.append(row.pk)
    removed, _ = member.roster.filter(location=location).exclude(pk__in=kept).delete()
    changed |= bool(removed)
    if spec.absent_this_week:
        monday, friday = working_week(location.local_date(now))
        _, absence_changed = _upsert(
            Absence,
            {"staff": member, "start": location.local_day_start(monday)},
            {
                "end": location.local_day_start(friday + timedelta(days=1)),
                "reason": Absence.Reason.LEAVE,
            },
        )
        changed |= absence_changed
    return changed


def _login(
    username: str,
    password: str,
    town: Town,
    *,
    name: str,
    role: str,
    superuser: bool,
    hashes: dict[str, str],
) -> Login:
    # The superuser's Django account keeps no name: its staff member carries it.
    first_name, _, last_name = ("" if superuser else name).partition(" ")
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first_name,
            "last_name": last_name,
            "email": f"{username}@musterstadt.example",
            "is_staff": superuser,
            "is_superuser": superuser,
        },
    )
    # The staff logins share one password, so they share one hash of it (`hashes`: password →
    # a hash known to match): a password hash costs most of a second on purpose, seven of them
    # were a third of a rerun.
    if created:
        if password not in hashes:
            hashes[password] = make_password(password)
        user.password = hashes[password]
        user.save(update_fields=["password"])
    # An existing account keeps its password: a demo must never reset a real one.
    password_set = created or user.password == hashes.get(password) or user.check_password(password)
    if password_set:
        hashes.setdefault(password, user.password)
    totp_secret = _demo_authenticator(user, town.demo_totp_secret) if password_set else None
    return Login(username, password, name, role, superuser, password_set, totp_secret)


def _devices(town: Town, location: Location, *, now: datetime) -> list[Device]:
    """A call display and a check-in kiosk, opened by the demo's public link keys.

    Not devices.issue(), which makes a random key shown only once: a rerun must print the same
    addresses. Only the digest is stored, as for every device link.
    """
    wanted = [
        Device(DeviceLink.Kind.DISPLAY, "Demo: Wartebereich", town.demo_display_token),
        Device(DeviceLink.Kind.KIOSK, "Demo: Eingang", town.demo_kiosk_token),
    ]
    working = []
    for device in wanted:
        link, _ = DeviceLink.objects.get_or_create(
            digest=numbers.digest(device.token),
            defaults={
                "location": location,
                "kind": device.kind,
                "name": device.name,
                "created_at": now,
            },
        )
        if link.revoked_at is None:  # staff may have revoked it; then it stays revoked
            working.append(device)
    return working


def _demo_authenticator(user, secret: str) -> str | None:
    """Give a demo login the demo's public authenticator key, unless it has its own app."""
    key = b32decode(secret).hex()
    device = TOTPDevice.objects.filter(user=user).first()
    if device is None:
        TOTPDevice.objects.create(user=user, name="Demo", key=key, confirmed=True)
        return secret
    return secret if device.key == key else None


def _upsert(model: type[M], lookup: dict, values: dict) -> tuple[M, bool]:
    """Find a row by `lookup`, create it or update what differs; True if anything was written.

    Unlike update_or_create, an unchanged row is not saved again, so a rerun writes nothing.
    """
    row = model._default_manager.filter(**lookup).first()
    if row is None:
        return model._default_manager.create(**lookup, **values), True
    differs = [name for name, value in values.items() if getattr(row, name) != value]
    if differs:
        for name in differs:
            setattr(row, name, values[name])
        row.save()
    return row, bool(differs)


def _set_related(manager, wanted: list[models.Model]) -> bool:
    """Set a many-to-many relation; True if it changed."""
    before = set(manager.values_list("pk", flat=True))
    if before == {row.pk for row in wanted}:
        return False
    manager.set(wanted)
    return True
