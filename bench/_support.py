"""Shared by the benchmarks: a throwaway database and the issue's reference scenario.

Each benchmark takes DATABASE_URL (PostgreSQL) or, without it, uses a temporary SQLite file. It
never touches the data behind DATABASE_URL: Django's test-database machinery creates a fresh
`test_<name>` database and drops it at the end.
"""

import os
import random
import statistics
import sys
import tempfile
import time as clock
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "amtstermin.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
_tmp = tempfile.mkdtemp(prefix="amtstermin-bench-")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_tmp}/bench.sqlite3")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

# The scenario's week starts on this Monday; "now" is 07:00 that morning.
FIRST_MONDAY = date(2027, 1, 11)
NOW = datetime(2027, 1, 11, 6, 0, tzinfo=UTC)  # 07:00 in Berlin (CET)
WEEKS = 6
SERVICES = [  # name, minutes, how many of the 20 staff are skilled (besides the core two)
    ("Personalausweis", 20, 20),
    ("Anmeldung", 15, 20),
    ("Reisepass", 20, 14),
    ("Abmeldung", 10, 12),
    ("Meldebescheinigung", 10, 10),
    ("Führungszeugnis", 15, 8),
    ("Beglaubigung", 10, 6),
    ("Übermittlungssperre", 30, 4),
]
AFTERNOONS = [(0, time(14), time(16)), (1, time(14), time(18)), (3, time(14), time(17))]


def db_label() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


@contextmanager
def throwaway_database():
    """Create and migrate a fresh database, and empty the cache (a Redis database the benchmarks
    own: entries of an earlier run would match the fresh ids); drop the database afterwards."""
    from django.core.cache import cache

    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        settings_dict["TEST"]["NAME"] = settings_dict["NAME"]
    old_name = settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    cache.clear()
    try:
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def build_scenario(*, fill: float = 0.6, seed: int = 2026, tag: str = ""):
    """20 clerks, the issue's rosters, four on a week's leave; bookings until `fill` is taken.

    Returns (location, [Personalausweis, Anmeldung], booked_count). Bookings are inserted in bulk
    (the benchmark measures reading them), placed at random from a fixed seed without overlaps.
    `tag` tells several such locations in one database apart (slugs, references).
    """
    from amtstermin.core.models import (
        Absence,
        Department,
        Location,
        Service,
    )

    rng = random.Random(seed)
    department = Department.objects.create(name=f"Einwohnermeldewesen{tag}", slug=f"emw{tag}")
    location = Location.objects.create(
        name=f"Bürgerbüro{tag}",
        slug=f"bb{tag}",
        street="Markt 1",
        postcode="59302",
        city="Musterstadt",
        federal_state="NW",
        min_notice_minutes=0,
    )
    services = []
    for position, (name, minutes, _skilled) in enumerate(SERVICES):
        service = Service.objects.create(
            department=department,
            name=name,
            slug=f"s{position}{tag}",
            duration_minutes=minutes,
            additional_minutes=10,
            max_quantity=4,
            fee=Decimal("10.00"),
            position=position,
        )
        service.locations.add(location)
        services.append(service)
    staff, blocks = staff_and_rosters(location, department, services, rng, valid_from=FIRST_MONDAY)
    for member in rng.sample(staff, 4):
        week = FIRST_MONDAY + timedelta(weeks=rng.randrange(WEEKS))
        Absence.objects.create(
            staff=member,
            start=location.local_day_start(week),
            end=location.local_day_start(week + timedelta(days=7)),
        )

    # Free minutes per (staff, day) as sorted lists of [start, end) in UTC; fill at random.
    absent = {
        (a.staff_id, day)
        for a in Absence.objects.all()
        for day in (a.start.date() + timedelta(days=k) for k in range(8))
    }
    booked, share = book_at_random(
        location, services, blocks, absent, fill=fill, rng=rng, reference=f"B{tag}", created_at=NOW
    )
    return location, services[:2], booked, share


def staff_and_rosters(location, department, services, rng, *, valid_from, prefix=""):
    """20 clerks with the scenario's skills, mornings Monday to Friday and one to three afternoons
    each (drawn from `rng`). Returns (staff, blocks as (member, weekday, start, end))."""
    from amtstermin.core.models import RosterBlock, StaffMember

    staff = []
    for number in range(20):
        member = StaffMember.objects.create(
            name=f"Clerk {prefix}{number:02d}", department=department
        )
        member.skills.set(
            [
                service
                for service, (_n, _m, skilled) in zip(services, SERVICES, strict=True)
                if number < skilled
            ]
        )
        staff.append(member)
    blocks = []
    for number, member in enumerate(staff):
        for weekday in range(5):
            blocks.append((member, weekday, time(8), time(12)))
        for weekday, start, end in rng.sample(AFTERNOONS, 1 + number % 3):
            blocks.append((member, weekday, start, end))
    RosterBlock.objects.bulk_create(
        RosterBlock(
            staff=member,
            location=location,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=valid_from,
        )
        for member, weekday, start, end in blocks
    )
    return staff, blocks


def book_at_random(
    location, services, blocks, absent, *, fill, rng, reference, created_at, first=FIRST_MONDAY
):
    """Book `fill` of the rostered time from `first` on (WEEKS weeks) at random, without overlaps:
    clerks and services drawn from `rng`, one in seven for two people. Inserted in bulk (the
    benchmarks measure reading them). Returns (how many, the share of rostered time booked).

    `blocks`: (member, weekday, start, end) as rostered; `absent`: (member pk, day) off.
    """
    from amtstermin.core.models import Appointment, Channel, Status

    last = FIRST_MONDAY + timedelta(weeks=WEEKS)
    holidays = location.holidays_between(first, last)
    shifts = []
    for offset in range((last - first).days):
        day = first + timedelta(days=offset)
        if day in holidays:
            continue
        for member, weekday, start, end in blocks:
            if weekday == day.weekday() and (member.pk, day) not in absent:
                begin = datetime.combine(day, start, tzinfo=location.zone).astimezone(UTC)
                finish = datetime.combine(day, end, tzinfo=location.zone).astimezone(UTC)
                shifts.append((member, begin, finish))
    rostered = sum((end - start).total_seconds() for _m, start, end in shifts)
    taken: dict[int, list[tuple[datetime, datetime]]] = {}
    appointments = []
    used = 0.0
    skills = {
        member.pk: [s for s in services if s.pk in set(member.skills.values_list("pk", flat=True))]
        for member in {member for member, *_rest in blocks}
    }
    while used < fill * rostered:
        member, shift_start, shift_end = rng.choice(shifts)
        service = rng.choice(skills[member.pk])
        quantity = 1 if rng.random() < 0.85 else 2
        minutes = service.minutes_for(quantity)
        slots = int((shift_end - shift_start).total_seconds() // 300) - minutes // 5
        if slots < 0:
            continue
        start = shift_start + timedelta(minutes=5 * rng.randint(0, slots))
        end = start + timedelta(minutes=-(-minutes // 5) * 5)
        mine = taken.setdefault(member.pk, [])
        if any(s < end and start < e for s, e in mine):
            continue
        mine.append((start, end))
        used += (end - start).total_seconds()
        appointments.append(
            Appointment(
                reference=f"{reference}{len(appointments):09d}",
                location=location,
                staff=member,
                start=start,
                end=end,
                channel=Channel.ONLINE,
                status=Status.BOOKED,
                waiting_day=start.date(),
                waiting_number=f"A-{len(appointments):05d}",
                name="Bench",
                created_at=created_at,
            )
        )
    Appointment.objects.bulk_create(appointments, batch_size=1000)
    return len(appointments), used / rostered if rostered else 0.0


def settle() -> None:
    """Statistics and visibility map as a live PostgreSQL database has them (autovacuum makes
    them within a minute of a bulk load), as _state.py gives the state's twin: a benchmark that
    filled its tables an instant ago would otherwise time plans made without statistics.
    Nothing on SQLite, which has no statistics unless someone runs ANALYZE; the app does not."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def timed(function, repeat: int) -> list[float]:
    """Milliseconds per call over `repeat` calls, after two warm-up calls."""
    function()
    function()
    samples = []
    for _ in range(repeat):
        started = clock.perf_counter()
        function()
        samples.append((clock.perf_counter() - started) * 1000)
    return samples


def interleaved(functions: dict[str, Callable], rounds: int) -> dict[str, list[float]]:
    """Milliseconds per call of each function over `rounds` rounds, each calling every function
    once in turn, after two warm-up calls each: a burst of work elsewhere on the host falls on
    whichever call runs during it. In blocks of ten runs, one burst could slow ten runs of one
    function alone, as many as a p95 over 200 runs leaves out."""
    for function in functions.values():
        function()
        function()
    samples: dict[str, list[float]] = {name: [] for name in functions}
    for _round in range(rounds):
        for name, function in functions.items():
            started = clock.perf_counter()
            function()
            samples[name].append((clock.perf_counter() - started) * 1000)
    return samples


def median(samples: list[float]) -> float:
    return statistics.median(samples)


# Serving the app over HTTP (granian on a throwaway PostgreSQL database), for benchmarks that
# measure what a browser sees while they change data through the core in this process.


def postgres_urls(suffix: str) -> tuple[str, str]:
    """(admin URL to create and drop with, URL of the throwaway `<name>_<suffix>` database)."""
    base = os.environ["DATABASE_URL"]
    if not base.startswith("postgres"):
        sys.exit("This benchmark needs PostgreSQL: set DATABASE_URL=postgres://…")
    return _postgres_urls(base, suffix)


def server_urls(suffix: str) -> tuple[str | None, str]:
    """As postgres_urls, or (None, a fresh SQLite file) when DATABASE_URL is SQLite."""
    base = os.environ["DATABASE_URL"]
    if base.startswith("postgres"):
        return _postgres_urls(base, suffix)
    return None, f"sqlite:///{tempfile.mkdtemp(prefix='amtstermin-serve-')}/{suffix}.sqlite3"


def _postgres_urls(base: str, suffix: str) -> tuple[str, str]:
    import urllib.parse

    parts = urllib.parse.urlsplit(base)
    name = parts.path.lstrip("/") or "amtstermin"
    admin = urllib.parse.urlunsplit(parts._replace(path="/postgres"))
    return admin, urllib.parse.urlunsplit(parts._replace(path=f"/{name}_{suffix}"))


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def demo_server(
    admin_url: str | None, database_url: str, *, workers: int = 2, env: dict | None = None
):
    """Create the database, migrate, seed the demo town, serve it with granian; yield the base
    URL. This process's ORM uses the same database meanwhile (of the same kind as DATABASE_URL;
    no `admin_url`: a SQLite file). `env` adds settings for the server (e.g. REDIS_URL). Stops
    the server and drops the database afterwards."""
    import secrets
    import shutil
    import subprocess
    import urllib.parse
    import urllib.request

    import psycopg

    name = urllib.parse.urlsplit(database_url).path.lstrip("/")
    if admin_url is None:
        name = "/" + name  # sqlite:////tmp/x → /tmp/x; migrate creates the file
    else:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    connection.settings_dict["NAME"] = name
    static_root = tempfile.mkdtemp(prefix="amtstermin-static-")
    env = {
        **os.environ,
        **(env or {}),
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_COOKIES": "0",
        "DEBUG": "0",
        "STATIC_ROOT": static_root,
        "LOG_LEVEL": "WARNING",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    server = None
    try:
        for command in (
            ["migrate", "-v0"],
            ["seed_demo", "--i-know-this-is-a-demo"],  # DEBUG is off, as served
            ["collectstatic", "--noinput", "-v0"],
        ):
            subprocess.run(
                manage + command, env=env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL
            )
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "granian"),
                *("--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port)),
                *("--workers", str(workers), "--no-ws", "amtstermin.wsgi:application"),
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                clock.sleep(0.2)
        yield base
    finally:
        if server:
            server.terminate()
            server.wait(timeout=10)
        shutil.rmtree(static_root, ignore_errors=True)
        connection.close()  # this process's own connection, or DROP waits for it
        if admin_url is None:
            shutil.rmtree(Path(name).parent, ignore_errors=True)
        else:
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
