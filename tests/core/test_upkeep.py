"""The worker's minute task (core/upkeep.py): holds expire and a dead worker's tasks run again
without cron, and the task keeps itself going even when its own worker is killed inside it."""

import signal
import subprocess
import sys
import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django_tasks_db.models import DBTaskResult

from amtstermin.core import booking, upkeep
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Status
from amtstermin.core.scheduling import availability
from tests.conftest import berlin
from tests.core.test_outbox import run_worker
from tests.core.test_worker_crash import ROOT, worker_environment

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday; the real clock of the worker process is later
DEADLINE_SECONDS = 60


def hold(office, *, now):
    """An online booking waiting for its email confirmation, held for 30 minutes from `now`."""
    found = availability.compute(office.location, [Item(office.id_card)], now=now)
    with booking.without_mail():  # only the minute task in the task table
        return booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=found.starts(found.first_day())[0],
            contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
            channel=Channel.ONLINE,
            now=now,
            require_confirmation=True,
        ).appointment


def minute_runs():
    return DBTaskResult.objects.filter(task_path=upkeep.every_minute.module_path)


@pytest.mark.django_db(transaction=True)  # the worker process must see the committed hold
def test_a_running_worker_expires_a_lapsed_hold_without_cron(office, db_tasks, tmp_path):
    held = hold(office, now=NOW)
    assert held.status == Status.RESERVED and held.hold_expires_at < NOW + timedelta(hours=1)
    # What `make run` and a deployment do once; no cron, no `expire_holds`.
    call_command("purge_personal_data", "--schedule", stdout=StringIO())
    log_path = tmp_path / "worker.log"
    with log_path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--no-reload"],
            cwd=ROOT,
            env=worker_environment(smtp_port=1),  # no mail is sent here
            stdout=log,
            stderr=log,
        )
        try:
            deadline = time.monotonic() + DEADLINE_SECONDS
            while held.status == Status.RESERVED and time.monotonic() < deadline:
                time.sleep(0.2)
                held.refresh_from_db()
        finally:
            worker.send_signal(signal.SIGTERM)
            worker.wait(timeout=DEADLINE_SECONDS)

    assert held.status == Status.EXPIRED, log_path.read_text()
    # The run that did it has queued the next one, a minute later: the chain goes on.
    done = minute_runs().get(status="SUCCESSFUL")
    [waiting] = minute_runs().filter(status="READY")
    assert waiting.run_after - done.started_at == pytest.approx(
        upkeep.EVERY, abs=timedelta(seconds=5)
    )


@pytest.mark.django_db(transaction=True)
def test_a_minute_task_killed_mid_run_is_run_again_by_its_successor(office, db_tasks, clock):
    upkeep.schedule_minutely(run_after=clock.now)
    # A worker took it, queued the next run (its first step) and was killed (SIGKILL) inside.
    minute_runs().update(status="RUNNING", started_at=clock.now, worker_ids=["killed"])
    upkeep.schedule_minutely(run_after=clock.now + upkeep.EVERY)
    held = hold(office, now=clock.now)
    clock.now += timedelta(minutes=31)  # the hold lapses; the killed run is long stale

    run_worker()

    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    statuses = sorted(minute_runs().values_list("status", flat=True))
    # The successor ran and re-queued the killed run, which ran too; one next run waits, not two.
    assert statuses == ["READY", "SUCCESSFUL", "SUCCESSFUL"]
    assert minute_runs().get(status="READY").run_after == clock.now + upkeep.EVERY


@pytest.mark.django_db(transaction=True)
def test_a_minute_task_that_fails_has_queued_the_next_first(db_tasks, clock, monkeypatch):
    def locked(*, now):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(upkeep, "tend", locked)
    upkeep.schedule_minutely(run_after=clock.now)

    run_worker()

    failed, waiting = minute_runs().order_by("status")
    assert failed.status == "FAILED"
    assert (waiting.status, waiting.run_after) == ("READY", clock.now + upkeep.EVERY)


@pytest.mark.django_db
def test_scheduling_again_and_again_leaves_one_waiting_run(db_tasks, clock):
    """A deployment's `--schedule`, cron's `expire_holds` and the task itself all schedule."""
    assert upkeep.schedule_minutely(run_after=clock.now)
    assert not upkeep.schedule_minutely(run_after=clock.now + upkeep.EVERY)
    call_command("expire_holds", stdout=StringIO())
    call_command("purge_personal_data", "--schedule", stdout=StringIO())

    assert minute_runs().count() == 1


def test_without_the_database_backend_the_minute_task_is_never_queued(db):
    """The immediate backend would run it at once, and the run would queue the next, forever."""
    assert not upkeep.schedule_minutely(run_after=NOW)
    assert not DBTaskResult.objects.exists()
