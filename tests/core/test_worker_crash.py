"""A real `manage.py db_worker`, killed with SIGKILL at random points while it mails 200 bookings.

The worker runs as its own process against this test's database and a real SMTP server on
loopback. Between its lives the test does what the minute job (`manage.py expire_holds`) does
once the timeout has passed: queue again what the dead worker left RUNNING (core/outbox.py).

What must hold: every mail arrives, with a link that opens its appointment; none arrives twice,
except one whose worker was killed after the server took it and before its Message-ID was
recorded as sent. Nobody can know whether that one arrived (the answer died with the worker),
so it goes again: the same Message-ID (mail clients show one message) and the same link.
"""

import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django_tasks_db.models import DBTaskResult

from amtstermin.core import booking, outbox
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, SentMessage
from amtstermin.core.notifications.events import MailEvent
from amtstermin.core.notifications.mail import message_id_for
from tests import factories
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday; the bookings fill Monday to Thursday
ROOT = Path(__file__).resolve().parents[2]
BOOKINGS = 200
KILLS = 6
# Spread the kills over a worker's life: before its first task, inside a mail, between two.
KILL_AFTER_SECONDS = (0.0, 0.15)
DEADLINE_SECONDS = 120


def book_all(office) -> list[Appointment]:
    """BOOKINGS online bookings through the core, four clerks, every quarter hour from Monday."""
    office.location.reminder_hours = 0  # only the booked mails go through the outbox
    office.location.save(update_fields=["reminder_hours"])
    for _ in range(3):
        factories.roster(factories.staff(skills=[office.id_card]), office.location)
    made = []
    day = 7
    while len(made) < BOOKINGS:
        for quarter in range(16):
            start = berlin(2026, 12, day, 8, 0) + timedelta(minutes=15 * quarter)
            for _clerk in range(4):
                if len(made) == BOOKINGS:
                    return made
                n = len(made)
                made.append(
                    booking.book(
                        location=office.location,
                        items=[Item(office.id_card)],
                        start=start,
                        contact=booking.Contact(name=f"Person {n}", email=f"p{n}@example.org"),
                        channel=Channel.ONLINE,
                        now=NOW,
                    ).appointment
                )
        day += 1
    return made


def worker_environment(smtp_port: int) -> dict[str, str]:
    """The production settings module, pointed at the test database and the test SMTP server."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        url = f"sqlite:///{db['NAME']}"
    else:
        login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
        url = f"postgres://{login}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "amtstermin.settings",
        "DATABASE_URL": url,
        "SECRET_KEY": settings.SECRET_KEY,
        "SITE_URL": settings.SITE_URL,
        "DEBUG": "0",
        "TASKS_BACKEND": "amtstermin.core.outbox_backend.OutboxBackend",
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
    }


def start_worker(environment: dict[str, str], log) -> subprocess.Popen:
    command = ["manage.py", "db_worker", "--batch", "--no-startup-delay", "--no-reload"]
    return subprocess.Popen(
        [sys.executable, *command], cwd=ROOT, env=environment, stdout=log, stderr=log
    )


def wait_for_a_running_task(worker: subprocess.Popen) -> None:
    while worker.poll() is None and not DBTaskResult.objects.running().exists():
        time.sleep(0.005)


def unrecorded_running_mails() -> list[str]:
    """Message-IDs of the mails a dead worker was sending and had not recorded as sent."""
    doubtful = []
    for task in DBTaskResult.objects.running():
        kwargs = task.args_kwargs["kwargs"]
        appointment = Appointment.objects.get(pk=kwargs["appointment_id"])
        message_id = message_id_for(appointment, MailEvent(kwargs["event"]))
        if not SentMessage.objects.filter(message_id=message_id).exists():
            doubtful.append(message_id)
    return doubtful


def requeue_after_the_timeout() -> int:
    """The minute job, run once STALE_AFTER has passed since the dead worker took its task.

    The worker stamps `started_at` from the real clock; the test's clock stands elsewhere.
    """
    latest = DBTaskResult.objects.running().aggregate(Max("started_at"))["started_at__max"]
    if latest is None:
        return 0
    assert outbox.requeue_stale(now=latest + outbox.STALE_AFTER) == 0  # not a moment early
    return outbox.requeue_stale(now=latest + outbox.STALE_AFTER + timedelta(seconds=1))


def manage_token(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    [token] = set(re.findall(r"/termin/verwalten/([A-Za-z0-9_-]+)/", text))
    return token


@pytest.mark.django_db(transaction=True)  # the worker process must see the committed bookings
def test_every_mail_arrives_once_though_the_worker_is_killed_again_and_again(
    office, db_tasks, smtp_server, tmp_path
):
    appointments = book_all(office)
    environment = worker_environment(smtp_server.port)
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    log_path = tmp_path / "worker.log"
    kills, requeued, in_doubt = 0, 0, Counter()
    deadline = time.monotonic() + DEADLINE_SECONDS

    with log_path.open("wb") as log:
        while True:
            requeued += requeue_after_the_timeout()
            if not DBTaskResult.objects.exclude(status__in=["SUCCESSFUL", "FAILED"]).exists():
                break
            assert time.monotonic() < deadline, f"outbox not empty in time (seed {seed})"
            worker = start_worker(environment, log)
            if kills < KILLS:
                wait_for_a_running_task(worker)
                time.sleep(rng.uniform(*KILL_AFTER_SECONDS))
                worker.send_signal(signal.SIGKILL)
                worker.wait()
                if worker.returncode == -signal.SIGKILL:
                    kills += 1
                    in_doubt.update(unrecorded_running_mails())
            worker.wait(timeout=DEADLINE_SECONDS)
            assert worker.returncode in (0, -signal.SIGKILL), log_path.read_text()

    context = f"seed {seed}, {kills} kills, {requeued} re-queued, in doubt: {dict(in_doubt)}"
    assert kills == KILLS, context
    assert requeued >= 1, context  # the kills did leave tasks RUNNING: recovery was needed
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}
    received = Counter(mail["Message-ID"] for mail in smtp_server.messages)
    expected = {message_id_for(appointment, MailEvent.BOOKED) for appointment in appointments}
    assert set(received) == expected, context
    twice = {message_id: n for message_id, n in received.items() if n > 1}
    assert all(n <= 1 + in_doubt[message_id] for message_id, n in twice.items()), (twice, context)
    assert SentMessage.objects.count() == BOOKINGS
    tokens = {}
    for mail in smtp_server.messages:
        token = tokens.setdefault(mail["Message-ID"], manage_token(mail))
        assert manage_token(mail) == token  # a second copy carries the first one's link
    by_message_id = {message_id_for(a, MailEvent.BOOKED): a for a in appointments}
    for message_id, token in tokens.items():
        assert booking.find_by_token(token, mailed=True) == by_message_id[message_id]
    print(f"{len(smtp_server.messages)} mails for {BOOKINGS} bookings; {context}")
