"""Departments, locations and their counters: a new one is data, never code."""

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, transaction
from django.db.models import F
from django.db.models.expressions import Col
from django.utils.translation import gettext_lazy as _

from .. import counters, sql

# ISO 3166-2 subdivisions of Germany as the `holidays` package names them.
FEDERAL_STATES = [
    ("BB", "Brandenburg"),
    ("BE", "Berlin"),
    ("BW", "Baden-Württemberg"),
    ("BY", "Bayern"),
    ("HB", "Bremen"),
    ("HE", "Hessen"),
    ("HH", "Hamburg"),
    ("MV", "Mecklenburg-Vorpommern"),
    ("NI", "Niedersachsen"),
    ("NW", "Nordrhein-Westfalen"),
    ("RP", "Rheinland-Pfalz"),
    ("SH", "Schleswig-Holstein"),
    ("SL", "Saarland"),
    ("SN", "Sachsen"),
    ("ST", "Sachsen-Anhalt"),
    ("TH", "Thüringen"),
]


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant (in UTC) of midnight starting `day` in `zone`."""
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


@lru_cache(maxsize=64)
def public_holidays(state: str, year: int) -> dict[date, str]:
    """Public holidays of a German state in a year (pure computation, cached per process)."""
    return dict(holidays.country_holidays("DE", subdiv=state, years=year, language="de"))


class Department(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    description = models.TextField(_("description"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


class Location(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    street = models.CharField(_("street and number"), max_length=120)
    postcode = models.CharField(_("postcode"), max_length=5)
    city = models.CharField(_("city"), max_length=80)
    directions = models.TextField(_("directions"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=40, default="Europe/Berlin")
    federal_state = models.CharField(
        _("federal state"),
        max_length=2,
        choices=FEDERAL_STATES,
        help_text=_("Public holidays of this state close the location."),
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("slot unit (minutes)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("Appointments start on this grid and last a multiple of it."),
    )
    horizon_days = models.PositiveSmallIntegerField(
        _("booking horizon (days)"), default=42, validators=[MinValueValidator(1)]
    )
    min_notice_minutes = models.PositiveIntegerField(
        _("minimum notice (minutes)"),
        default=60,
        help_text=_("Online bookings must start at least this long after the moment of booking."),
    )
    requires_email_confirmation = models.BooleanField(
        _("online bookings need email confirmation"), default=True
    )
    hold_minutes = models.PositiveIntegerField(
        _("lifetime of an unconfirmed booking (minutes)"),
        default=30,
        validators=[MinValueValidator(1)],
    )
    release_time = models.TimeField(
        _("new days are released at"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: the horizon's last day is bookable from midnight. Set (e.g. 07:30): it opens "
            "online only at this time, after the wish-list was served, and the start page says so."
        ),
    )
    wish_offer_minutes = models.PositiveIntegerField(
        _("how long a time offered from the wish-list is held (minutes)"),
        default=120,
        validators=[MinValueValidator(1)],
    )
    rerelease_minutes = models.PositiveIntegerField(
        _("delay before a cancelled time is offered online again (minutes)"),
        default=15,
        help_text=_("Keeps bots from snapping up times the moment someone cancels."),
    )
    max_online_per_email = models.PositiveSmallIntegerField(
        _("active online appointments per email address"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_("Keeps resellers from hoarding times under one mailbox."),
    )
    reminder_hours = models.PositiveSmallIntegerField(
        _("reminder before the appointment (hours)"),
        default=24,
        help_text=_("0 sends no reminder."),
    )
    # Check-in rules: arriving earlier than this is "please come back at …" (the waiting area
    # stays empty); later than the tolerance, the late rule decides.
    check_in_early_minutes = models.PositiveSmallIntegerField(
        _("check-in opens before the appointment (minutes)"), default=15
    )
    late_tolerance_minutes = models.PositiveSmallIntegerField(
        _("late arrivals are still served up to (minutes)"), default=10
    )
    late_rule = models.CharField(
        _("arriving later than that"),
        max_length=10,
        choices=[
            ("serve", _("still served, after those on time")),
            ("rebook", _("must book a new appointment")),
        ],
        default="serve",
    )
    waiting_prefix = models.CharField(
        _("waiting number prefix"), max_length=3, default="A", help_text=_("e.g. A for A-042")
    )
    # Bumped in every transaction that changes this location's capacity, so a cached calendar
    # keyed by it can never show a taken time as free.
    version = models.PositiveBigIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(slot_minutes__gte=1) & models.Q(slot_minutes__lte=60),
                name="location_slot_minutes_range",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postcode} {self.city}"

    def units_for(self, minutes: int) -> int:
        """Minutes rounded up to whole slot units: what a booking of `minutes` occupies."""
        return -(-minutes // self.slot_minutes)

    def local_day_start(self, day: date) -> datetime:
        """The instant (in UTC) of local midnight that starts `day` at this location.

        UTC because Python subtracts and adds aware datetimes that share a tzinfo on the wall
        clock, which is wrong on DST days; in UTC every arithmetic step is real time.
        """
        return local_midnight(day, self.zone)

    def local_date(self, instant: datetime) -> date:
        try:
            return instant.astimezone(self.zone).date()
        except OverflowError:
            # Within hours of the ends of Python's calendar (years 1 and 9999) the local date
            # does not exist; the nearest one does, and no appointment lies anywhere near it.
            return date.max if instant.year == date.max.year else date.min

    def holidays_between(self, first: date, last: date) -> dict[date, str]:
        found: dict[date, str] = {}
        for year in range(first.year, last.year + 1):
            found.update(public_holidays(self.federal_state, year))
        return {day: name for day, name in found.items() if first <= day <= last}

    def last_bookable_day(self, today: date) -> date:
        return today + timedelta(days=self.horizon_days)

    @classmethod
    def loaded(cls, pk: int) -> "Location | None":
        """The location `pk` with every field, as `Location.objects.filter(pk=pk).first()`.

        Hand-written: every stored calendar and time page loads its location, and building
        this query (some 45 columns, with the translations) through the ORM cost four times
        what running it and making the instance do. Django's own converters still apply
        (SQLite's 0/1 become booleans).
        """
        columns, names, converters = _row_reading(connection.alias)
        key = sql.column(cls, "id")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {sql.table(cls)} WHERE {key} = %s", [int(pk)])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for index, convert, column in converters:
            values[index] = convert(values[index], column, connection)
        return cls.from_db(connection.alias, names, values)

    @staticmethod
    def versions() -> list[tuple[int, int]]:
        """(pk, version) of every location in pk order: the key of a stored page listing them.

        Hand-written: the start page asks on every visit, and building this query through the
        ORM cost three times what running it does.
        """
        key, version = sql.column(Location, "id"), sql.column(Location, "version")
        query = f"SELECT {key}, {version} FROM {sql.table(Location)} ORDER BY {key}"
        return [(row[0], row[1]) for row in sql.fetch(query, [])]

    def bump_version(self) -> None:
        """Invalidate cached calendars; call inside the transaction that changes capacity."""
        _bump([self.pk])

    @staticmethod
    def bump_versions(locations: "models.QuerySet[Location]") -> None:
        """Invalidate the cached calendars and pages of `locations`; call inside the transaction
        that changes what they offer. Their versions move with it; their bookings counters in
        the shared cache (scheduling/versions.py) after the commit, as a booking's do: a stored
        day or time page is checked against that counter alone, without reading its location
        (citizen/wizard/page_cache.py)."""
        _bump(list(locations.values_list("pk", flat=True)))


def _bump(location_ids: list[int]) -> None:
    Location.objects.filter(pk__in=location_ids).update(version=F("version") + 1)
    transaction.on_commit(lambda: _move_bookings_counters(location_ids))


def _move_bookings_counters(location_ids: list[int]) -> None:
    for location_id in location_ids:
        counters.move(counters.bookings_key(location_id))


class Counter(models.Model):
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="counters", verbose_name=_("location")
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("As shown on the call display."))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["location", "name"]
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [
            models.UniqueConstraint(fields=["location", "name"], name="counter_unique_name")
        ]

    def __str__(self) -> str:
        return f"{self.location} – {self.name}"


@lru_cache(maxsize=4)  # per database alias
def _row_reading(alias: str) -> tuple[str, list[str], list[tuple[int, Callable, Col]]]:
    """For Location.loaded: the column list, the attribute names, and the converters the
    database backend and each field apply to a value read (as the ORM's compiler does)."""
    fields = Location._meta.concrete_fields
    columns = ", ".join(sql.column(Location, field.name) for field in fields)
    converters = [
        (index, convert, column)
        for index, field in enumerate(fields)
        for column in [field.get_col(Location._meta.db_table)]
        for convert in connection.ops.get_db_converters(column)
        + field.get_db_converters(connection)
    ]
    return columns, [field.attname for field in fields], converters
