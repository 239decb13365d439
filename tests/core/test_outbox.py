"""The outbox: a booking and its mail commit together, and the mail reaches the SMTP server once.

These tests use the database task backend and run the real worker (`db_worker --batch`) against
a real SMTP server on loopback.
"""

import asyncio
import logging
import re
import signal
from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks.exceptions import InvalidTaskError
from django_tasks.signals import task_enqueued
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from amtstermin.core import booking, outbox
from amtstermin.core.items import Item
from amtstermin.core.models import AccessToken, Appointment, Channel, SentMessage, Status
from amtstermin.core.notifications.events import MailEvent
from amtstermin.core.notifications.tasks import send_appointment_mail
from amtstermin.core.outbox import MAIL_ATTEMPTS, mail_retry_delay
from tests.conftest import berlin
from tests.fixtures.smtp import free_port

NOW = berlin(2026, 12, 1, 8, 0)
READY, RUNNING, SUCCESSFUL, FAILED = "READY", "RUNNING", "SUCCESSFUL", "FAILED"


def book(office):
    # These tests follow the booked mail alone; test_reminders.py covers the reminder's task row.
    office.location.reminder_hours = 0
    return booking.book(
        location=office.location,
        items=[Item(office.id_card, 2), Item(office.registration, 1)],
        start=berlin(2026, 12, 7, 9, 30),
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
    )


def run_worker() -> None:
    """Run every task that is due, then stop, as `manage.py db_worker --batch` does."""
    # The worker installs signal handlers for a graceful shutdown and sets its loggers' levels;
    # both outlive the command, so put back what the rest of the test run expects.
    signals = [signal.SIGINT, signal.SIGTERM, signal.SIGQUIT]
    handlers = {number: signal.getsignal(number) for number in signals}
    loggers = [logging.getLogger(name) for name in ("django_tasks", "django_tasks_db")]
    levels = {logger: logger.level for logger in loggers}
    try:
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    finally:
        for number, handler in handlers.items():
            signal.signal(number, handler)
        for logger, level in levels.items():
            logger.setLevel(level)


def statuses() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("status", flat=True))


@pytest.mark.django_db(transaction=True)
def test_booking_that_rolls_back_sends_nothing_and_leaves_no_task(office, db_tasks, smtp_server):
    def crash_after_enqueue(sender, **kwargs):
        raise RuntimeError("the booking transaction fails after the mail was enqueued")

    task_enqueued.connect(crash_after_enqueue)
    try:
        with pytest.raises(RuntimeError):
            book(office)
    finally:
        task_enqueued.disconnect(crash_after_enqueue)

    assert not Appointment.objects.exists()
    assert not DBTaskResult.objects.exists()
    run_worker()
    assert smtp_server.messages == []


@pytest.mark.django_db(transaction=True)
def test_committed_booking_is_mailed_exactly_once_by_the_worker(office, db_tasks, smtp_server):
    appointment = book(office).appointment

    assert smtp_server.messages == []  # no worker ran yet: the task row waits
    [queued] = DBTaskResult.objects.all()
    assert queued.status == READY
    assert queued.args_kwargs["kwargs"] == {
        "appointment_id": appointment.pk,
        "event": MailEvent.BOOKED,
    }

    run_worker()

    [mail] = smtp_server.messages
    assert mail["To"] == "erika@example.org"
    assert mail["Message-ID"] == f"<{appointment.reference}.booked.0@127.0.0.1>"
    assert smtp_server.recipients == [["erika@example.org"]]
    assert statuses() == [SUCCESSFUL]

    run_worker()

    assert len(smtp_server.messages) == 1
    assert SentMessage.objects.get().message_id == mail["Message-ID"]


@pytest.mark.django_db(transaction=True)
def test_mail_waits_while_smtp_server_is_down_and_arrives_once_when_it_is_back(
    office, db_tasks, smtp_server, settings, caplog
):
    settings.EMAIL_PORT = free_port()  # nothing listens there: connection refused
    appointment = book(office).appointment
    before = timezone.now()

    run_worker()

    assert smtp_server.messages == []
    retry = DBTaskResult.objects.get(status=READY)
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert before + timedelta(minutes=1) <= retry.run_after
    assert retry.run_after <= timezone.now() + timedelta(minutes=1)
    assert statuses() == [READY, SUCCESSFUL]  # the first attempt handed over to the second
    assert not SentMessage.objects.exists()
    # The booking's key, and the mail's: kept for the retry, which must carry the same link.
    assert AccessToken.objects.filter(appointment=appointment).count() == 2
    assert "attempt 1 of 12" in caplog.text

    run_worker()  # before its time: the retry waits

    assert smtp_server.messages == []
    assert DBTaskResult.objects.filter(status=READY).count() == 1

    settings.EMAIL_PORT = smtp_server.port  # the server is back …
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now())  # … and time passed
    run_worker()
    run_worker()

    [mail] = smtp_server.messages
    assert mail["Message-ID"] == f"<{appointment.reference}.booked.0@127.0.0.1>"
    assert statuses() == [SUCCESSFUL, SUCCESSFUL]
    assert AccessToken.objects.filter(appointment=appointment).count() == 2


@pytest.mark.django_db(transaction=True)
def test_mail_task_fails_visibly_after_the_last_attempt(office, db_tasks, smtp_server, settings):
    appointment = book(office).appointment
    DBTaskResult.objects.all().delete()
    settings.EMAIL_PORT = free_port()

    send_appointment_mail.enqueue(
        appointment_id=appointment.pk, event=MailEvent.BOOKED, attempt=MAIL_ATTEMPTS
    )
    run_worker()

    [failed] = DBTaskResult.objects.all()
    assert failed.status == FAILED
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    assert smtp_server.messages == []


def test_retry_delay_doubles_from_a_minute_up_to_an_hour():
    minutes = [mail_retry_delay(n) / timedelta(minutes=1) for n in range(1, MAIL_ATTEMPTS)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60]


@pytest.mark.django_db
def test_mail_already_sent_is_not_sent_again(office, smtp_server):
    appointment = book(office).appointment  # the immediate backend sends while booking
    tokens = AccessToken.objects.count()

    send_appointment_mail.enqueue(appointment_id=appointment.pk, event=MailEvent.BOOKED)

    assert len(smtp_server.messages) == 1
    assert SentMessage.objects.count() == 1
    assert AccessToken.objects.count() == tokens  # no link key minted for a mail not sent


@pytest.mark.django_db(transaction=True)
def test_mail_recorded_as_sent_is_skipped_by_the_worker(office, db_tasks, smtp_server):
    appointment = book(office).appointment
    SentMessage.objects.create(
        message_id=f"<{appointment.reference}.booked.0@127.0.0.1>",
        appointment=appointment,
        sent_at=timezone.now(),
    )

    run_worker()

    assert smtp_server.messages == []
    assert statuses() == [SUCCESSFUL]


@pytest.mark.django_db(transaction=True)
def test_booked_mail_held_up_until_after_cancellation_is_dropped(
    office, db_tasks, smtp_server, settings
):
    settings.EMAIL_PORT = free_port()
    appointment = book(office).appointment
    run_worker()  # fails; the retry waits
    booking.cancel(appointment=appointment, now=NOW, channel=Channel.ONLINE)

    settings.EMAIL_PORT = smtp_server.port
    DBTaskResult.objects.filter(status=READY).update(run_after=timezone.now())
    run_worker()

    [mail] = smtp_server.messages
    assert mail["Message-ID"] == f"<{appointment.reference}.cancelled.1@127.0.0.1>"


def stall_answer_to_data(mailbox, *, times: int, seconds: float) -> None:
    """The server keeps each message but answers DATA only after `seconds`, the first `times`
    times: it has the mail, while the client gives up waiting and cannot know that."""
    keep = mailbox.handle_DATA
    stalls = iter(range(times))

    async def handle_data(server, session, envelope) -> str:
        answer = await keep(server, session, envelope)
        if next(stalls, None) is not None:
            await asyncio.sleep(seconds)
        return answer

    mailbox.handle_DATA = handle_data  # aiosmtpd looks the hook up for each connection


def confirm_path(mail) -> str:
    text = mail.get_body(preferencelist=("plain",)).get_content()
    [path] = re.findall(r"https?://[^/\s]+(/termin/bestaetigen/[A-Za-z0-9_-]+/)", text)
    return path


@pytest.mark.django_db(transaction=True)
def test_mail_whose_answer_timed_out_comes_twice_with_one_working_link(
    office, db_tasks, smtp_server, settings, client
):
    """After DATA the client cannot tell a slow server from a lost mail, so it sends again.

    The citizen gets two copies with one Message-ID (mail clients show one) and the same link,
    and that link works: the first copy's link was never dropped with the failed attempt.
    """
    settings.EMAIL_TIMEOUT = 1
    stall_answer_to_data(smtp_server, times=1, seconds=3)
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(2026, 12, 7, 9, 30),
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
        require_confirmation=True,
    ).appointment

    run_worker()  # gives up waiting after a second; the retry waits a minute

    [first] = smtp_server.messages
    assert not SentMessage.objects.exists()
    DBTaskResult.objects.filter(status=READY).update(run_after=timezone.now())
    run_worker()

    first, second = smtp_server.messages
    message_id = f"<{held.reference}.confirm-request.0@127.0.0.1>"
    assert first["Message-ID"] == second["Message-ID"] == message_id
    link = confirm_path(first)
    assert confirm_path(second) == link
    assertContains(client.get(link), "Termin bestätigen")
    assert client.post(link).status_code == 302
    held.refresh_from_db()
    assert held.status == Status.BOOKED


@pytest.mark.django_db(transaction=True)
def test_task_left_running_by_a_killed_worker_is_sent_after_the_timeout(
    office, db_tasks, smtp_server, clock
):
    appointment = book(office).appointment
    killed_at = clock.now
    DBTaskResult.objects.update(status=RUNNING, started_at=killed_at, worker_ids=["killed"])

    run_worker()  # a worker started next to it leaves it alone: it may still be running
    assert outbox.requeue_stale(now=killed_at + outbox.STALE_AFTER) == 0

    assert outbox.requeue_stale(now=killed_at + outbox.STALE_AFTER + timedelta(seconds=1)) == 1
    run_worker()

    [mail] = smtp_server.messages
    assert mail["Message-ID"] == f"<{appointment.reference}.booked.0@127.0.0.1>"
    assert statuses() == [SUCCESSFUL]


@pytest.mark.django_db(transaction=True)
def test_task_killed_after_its_mail_was_recorded_does_not_send_it_again(
    office, db_tasks, smtp_server, clock
):
    book(office)
    run_worker()
    # As if the worker had been killed between recording the mail and finishing the task.
    DBTaskResult.objects.update(status=RUNNING, started_at=clock.now - timedelta(hours=1))

    assert outbox.requeue_stale(now=clock.now) == 1
    run_worker()

    assert len(smtp_server.messages) == 1
    assert statuses() == [SUCCESSFUL]


@pytest.mark.django_db(transaction=True)
def test_the_minute_job_queues_a_killed_workers_tasks_again(office, db_tasks, smtp_server, clock):
    book(office)
    DBTaskResult.objects.update(status=RUNNING, started_at=clock.now - timedelta(minutes=6))
    out = StringIO()

    call_command("expire_holds", stdout=out)
    run_worker()

    assert out.getvalue().split()[1] == "requeued=1"
    assert len(smtp_server.messages) == 1


def test_tasks_queued_under_their_old_path_still_run():
    """Rows enqueued before the tasks moved next to their code name amtstermin.core.tasks."""
    from django.utils.module_loading import import_string

    from amtstermin.core.notifications.tasks import send_online_request_mail
    from amtstermin.core.retention import purge_personal_data

    for moved in (send_appointment_mail, send_online_request_mail, purge_personal_data):
        old_path = "amtstermin.core.tasks." + moved.func.__name__
        assert import_string(old_path) is moved


@pytest.mark.django_db
def test_the_backend_writes_the_row_the_library_would(db_tasks):
    """OutboxBackend writes a task's row itself (core/outbox_backend.py): the same fields as
    django-tasks-db's own backend, so its worker and admin read it alike."""
    library = DatabaseBackend("default", {"QUEUES": ["default"]})
    due = NOW + timedelta(hours=2)

    def fields(result):
        row = DBTaskResult.objects.get(pk=result.id)
        ignored = {"id", "enqueued_at"}
        return {f.name: getattr(row, f.name) for f in row._meta.fields if f.name not in ignored}

    for task in (send_appointment_mail, send_appointment_mail.using(run_after=due)):
        ours = task.enqueue(appointment_id=7, event=MailEvent.BOOKED)
        theirs = library.enqueue(task, (), {"appointment_id": 7, "event": MailEvent.BOOKED})
        assert fields(ours) == fields(theirs)
        assert ours.status == READY and ours.task.run_after == task.run_after
        assert abs(ours.enqueued_at - theirs.enqueued_at) < timedelta(seconds=5)


@pytest.mark.django_db
def test_the_backend_answers_with_the_result_the_library_reads_back(db_tasks):
    """enqueue() builds its TaskResult from the task it was given; the library builds it from
    the stored row (DBTaskResult.task_result). Both say the same, deferred or not."""
    due = NOW + timedelta(hours=2)
    names = ("task", "id", "status", "enqueued_at", "started_at", "finished_at", "args")
    names += ("kwargs", "backend", "errors", "worker_ids", "last_attempted_at")
    for task in (send_appointment_mail, send_appointment_mail.using(run_after=due, priority=5)):
        ours = task.enqueue(appointment_id=7, event=MailEvent.BOOKED)
        theirs = DBTaskResult.objects.get(pk=ours.id).task_result
        assert {name: getattr(ours, name) for name in names} == {
            name: getattr(theirs, name) for name in names
        }
        assert ours.db_result.pk == theirs.db_result.pk


@pytest.mark.django_db
def test_the_backend_refuses_a_bad_task_after_good_ones_of_its_function(db_tasks):
    """The backend remembers which kinds of task passed its checks: a bad one of a function
    that passed before is still refused."""
    send_appointment_mail.enqueue(appointment_id=7, event=MailEvent.BOOKED)
    with pytest.raises(InvalidTaskError, match="aware"):
        send_appointment_mail.using(run_after=datetime(2027, 1, 1, 9, 0))
    with pytest.raises(InvalidTaskError, match="priority"):
        send_appointment_mail.using(priority=1000)
    with pytest.raises(InvalidTaskError, match="Queue"):
        send_appointment_mail.using(queue_name="elsewhere")
