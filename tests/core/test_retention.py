"""The purge of personal data: what goes, what stays, from which day on, and only once.

The office's Monday, 7 December 2026, is kept through the 30 days after it (the default
PERSONAL_DATA_RETENTION_DAYS) and purged from Thursday, 7 January 2027 on.
"""

from datetime import date, datetime, timedelta
from io import StringIO

import pytest
from axes.models import AccessFailureLog, AccessLog
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains

from amtstermin.core import booking, online_requests, retention, statistics, visits
from amtstermin.core.items import Item
from amtstermin.core.models import (
    AccessToken,
    Appointment,
    AppointmentEvent,
    Channel,
    Counter,
    OnlineRequest,
    OnlineRequestEvent,
    OnlineRequestToken,
    SentMessage,
    Service,
    Status,
    Visit,
    VisitEvent,
)
from amtstermin.core.notifications import request_mail
from amtstermin.core.retention import purge_personal_data
from amtstermin.core.statistics import Period
from tests import factories
from tests.conftest import berlin
from tests.core.test_outbox import run_worker

pytestmark = pytest.mark.django_db

BOOKED_AT = berlin(2026, 12, 4, 15, 0)  # the Friday before
MONDAY = date(2026, 12, 7)
LAST_DAY_KEPT = berlin(2027, 1, 6, 23, 59)  # Monday + 30 days
FIRST_DAY_PURGED = berlin(2027, 1, 7, 0, 0)  # Monday + 31 days
PERSON = factories.melderegister_data()


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return berlin(day.year, day.month, day.day, hour, minute)


def book(office, start, *, channel=Channel.PHONE, **options) -> booking.Booked:
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact("Erika Mustermann", "erika@example.org", "02381 123456"),
        channel=channel,
        now=BOOKED_AT,
        **options,
    )


@pytest.fixture
def monday(office):
    """A served phone booking, an online no-show, a walk-in and a cancelled booking."""
    counter = Counter.objects.create(location=office.location, name="3")
    served = book(office, at(9))
    no_show = book(office, at(9, 30), channel=Channel.ONLINE, idempotency_key="draft-key")
    cancelled = book(office, at(10))
    booking.cancel(appointment=cancelled.appointment, now=BOOKED_AT, channel=Channel.PHONE)
    visits.walk_in(office.location, [Item(office.id_card)], now=at(8, 30))
    visits.finish(visits.call_next(office.clerk, counter, now=at(8, 40)), now=at(8, 55))
    visits.check_in(served.appointment, now=at(8, 50))
    visits.finish(visits.call_next(office.clerk, counter, now=at(9, 4)), now=at(9, 20))
    booking.mark_no_show(appointment=no_show.appointment, now=at(10, 30))
    return type(
        "Monday",
        (),
        {"office": office, "served": served, "no_show": no_show, "cancelled": cancelled},
    )


def purged(appointment: Appointment) -> bool:
    appointment.refresh_from_db()
    return appointment.name == "" and appointment.email == ""


# Appointments -----------------------------------------------------------------------------------


def test_purge_blanks_the_citizen_and_deletes_the_links_but_keeps_the_facts(monday):
    appointment = monday.no_show.appointment
    events = list(appointment.events.values_list("kind", "at", "channel", "detail"))
    mails = SentMessage.objects.filter(appointment=appointment).count()
    assert AccessToken.objects.filter(appointment=appointment).exists()
    assert appointment.email_key

    result = retention.purge(now=FIRST_DAY_PURGED)

    assert result.appointments == 3
    appointment.refresh_from_db()
    assert (appointment.name, appointment.email, appointment.email_key, appointment.phone) == (
        "",
        "",
        "",
        "",
    )
    assert appointment.idempotency_key is None
    assert not AccessToken.objects.filter(appointment=appointment).exists()
    # What the office and the figures still need.
    assert appointment.reference == monday.no_show.appointment.reference
    assert (appointment.start, appointment.channel, appointment.status) == (
        at(9, 30),
        Channel.ONLINE,
        Status.NO_SHOW,
    )
    assert appointment.waiting_number
    assert [item.service for item in appointment.items.all()] == [monday.office.id_card]
    assert list(appointment.events.values_list("kind", "at", "channel", "detail")) == events
    assert SentMessage.objects.filter(appointment=appointment).count() == mails
    assert Visit.objects.count() == 2 and VisitEvent.objects.count() == 6


def test_purged_appointment_links_open_the_not_found_page(client, monday):
    page = reverse("citizen:appointment", args=[monday.served.token])
    assert client.get(page).status_code == 200

    retention.purge(now=FIRST_DAY_PURGED)

    response = client.get(page)
    assertContains(response, "Dieser Link funktioniert nicht</h1>", status_code=404)
    assertContains(response, "keinen Termin gefunden", status_code=404)


def test_appointments_are_kept_through_the_thirtieth_day_after_their_day(monday):
    later = book(monday.office, at(9, day=date(2026, 12, 8)))

    assert retention.purge(now=LAST_DAY_KEPT).appointments == 1  # only the cancelled one
    assert not purged(monday.served.appointment)
    assert retention.purge(now=FIRST_DAY_PURGED).appointments == 2
    assert purged(monday.served.appointment) and purged(monday.no_show.appointment)
    assert not purged(later.appointment)
    assert retention.purge(now=FIRST_DAY_PURGED + timedelta(days=1)).appointments == 1
    assert purged(later.appointment)


def test_the_period_comes_from_the_setting(monday, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 0

    assert retention.purge(now=at(23, 59)).appointments == 1  # the day itself is kept
    assert retention.purge(now=at(0, 0, day=date(2026, 12, 8))).appointments == 2


def test_a_cancelled_appointment_is_purged_after_its_cancellation_not_its_later_day(office):
    far = book(office, at(9, day=date(2027, 1, 11)))
    booking.cancel(appointment=far.appointment, now=BOOKED_AT, channel=Channel.PHONE)
    kept = book(office, at(10, day=date(2027, 1, 11)))

    # 4 December + 30 days: kept through 3 January.
    assert retention.purge(now=berlin(2027, 1, 3, 23, 0)).appointments == 0
    assert retention.purge(now=berlin(2027, 1, 4, 3, 0)).appointments == 1
    assert purged(far.appointment)
    assert not purged(kept.appointment)


def test_purge_is_idempotent(monday):
    first = retention.purge(now=FIRST_DAY_PURGED)
    rows = list(Appointment.objects.order_by("pk").values())

    second = retention.purge(now=FIRST_DAY_PURGED + timedelta(days=3))

    assert first.appointments == 3
    assert second == retention.Purged(
        appointments=0,
        requests=0,
        unconfirmed_requests=0,
        sessions=0,
        task_results=0,
        login_records=0,
        feedback=0,
        api_calls=0,
    )
    assert list(Appointment.objects.order_by("pk").values()) == rows


def test_purge_works_through_batches(office):
    bookings = [book(office, at(9 + n)) for n in range(3)]

    result = retention.purge(now=FIRST_DAY_PURGED, batch_size=2)

    assert result.appointments == 3
    assert all(purged(each.appointment) for each in bookings)
    assert not AccessToken.objects.exists()


def test_statistics_are_the_same_after_the_purge(monday):
    def figures():
        return statistics.compute(monday.office.location, Period.week(MONDAY), now=at(12))

    before = figures()
    assert before.total_bookings == 3 and before.no_shows == 1 and before.services

    retention.purge(now=FIRST_DAY_PURGED)

    assert Appointment.objects.filter(name="").count() == 3
    assert figures() == before
    assert statistics.as_csv(figures()) == statistics.as_csv(before)


def test_admin_shows_purged_rows_as_blank_fields(admin_client, monday):
    retention.purge(now=FIRST_DAY_PURGED)
    appointment = monday.served.appointment

    changelist = admin_client.get(reverse("admin:core_appointment_changelist"))
    change = admin_client.get(reverse("admin:core_appointment_change", args=[appointment.pk]))

    assertContains(changelist, appointment.reference)
    assert change.status_code == 200
    assert "Erika" not in changelist.content.decode() + change.content.decode()


# Online requests --------------------------------------------------------------------------------


@pytest.fixture
def registry():
    department = factories.department(name="Einwohnermeldewesen")
    service = factories.service(
        name="Einfache Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        department=department,
    )
    return type(
        "Registry", (), {"service": service, "clerk": factories.staff(department_=department)}
    )


def submit(registry) -> online_requests.Submitted:
    return online_requests.submit(
        service=registry.service,
        kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        requester=online_requests.Requester("Erika Mustermann", "erika@example.org", "Markt 3"),
        data=PERSON,
        now=BOOKED_AT,
    )


def answered(registry, *, on: datetime) -> online_requests.Submitted:
    submitted = submit(registry)
    request = online_requests.claim(request=submitted.request, staff=registry.clerk, now=on)
    online_requests.answer(request=request, staff=registry.clerk, text="Lindenweg 2", now=on)
    OnlineRequest.objects.filter(pk=request.pk).update(staff_notes="Auskunft per Post")
    return submitted


def test_a_closed_request_loses_its_personal_data_and_keeps_its_facts(client, registry):
    submitted = answered(registry, on=at(11))
    rejected = submit(registry)
    online_requests.reject(
        request=rejected.request, staff=registry.clerk, reason="Sperre", now=at(11)
    )
    status_page = reverse("citizen:request_status", args=[submitted.token])
    assert client.get(status_page).status_code == 200

    assert retention.purge(now=FIRST_DAY_PURGED).requests == 2

    request = OnlineRequest.objects.get(pk=submitted.request.pk)
    personal = ("name", "email", "postal_address", "staff_notes", "answer", "rejection_reason")
    assert all(getattr(request, field) == "" for field in personal)
    assert request.data == {}
    assert OnlineRequest.objects.get(pk=rejected.request.pk).rejection_reason == ""
    assert not OnlineRequestToken.objects.exists()
    assert (request.reference, request.kind, request.status) == (
        submitted.request.reference,
        OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        OnlineRequest.Status.ANSWERED,
    )
    assert (request.created_at, request.updated_at) == (BOOKED_AT, at(11))
    assert OnlineRequestEvent.objects.filter(request=request).count() == 3
    response = client.get(status_page)
    assertContains(response, "Dieser Link funktioniert nicht</h1>", status_code=404)


def test_a_request_is_kept_through_the_thirtieth_day_after_its_answer(registry):
    answered(registry, on=at(11))

    assert retention.purge(now=LAST_DAY_KEPT).requests == 0
    assert retention.purge(now=FIRST_DAY_PURGED).requests == 1
    assert retention.purge(now=FIRST_DAY_PURGED).requests == 0  # idempotent


def test_open_requests_are_never_purged(registry):
    waiting = submit(registry)
    claimed = submit(registry)
    online_requests.claim(request=claimed.request, staff=registry.clerk, now=BOOKED_AT)
    keys = OnlineRequestToken.objects.count()

    assert retention.purge(now=BOOKED_AT + timedelta(days=400)).requests == 0
    assert OnlineRequest.objects.get(pk=waiting.request.pk).name == "Erika Mustermann"
    assert OnlineRequestToken.objects.count() == keys


# Outside the domain tables ----------------------------------------------------------------------


def test_expired_sessions_go_and_live_ones_stay(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    now = timezone.now()
    old, live = SessionStore(), SessionStore()
    old["booking_draft"] = {"name": "Erika Mustermann"}
    live["booking_draft"] = {"name": "Max Muster"}
    old.create()
    live.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=now - timedelta(1))

    assert retention.purge(now=now).sessions == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def task_result(status: str, finished_at: datetime | None) -> DBTaskResult:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"request_id": 1, "event": "submitted"}},
        task_path="amtstermin.core.notifications.tasks.send_online_request_mail",
        backend_name="default",
        run_after=BOOKED_AT,
        finished_at=finished_at,
        traceback="SMTPRecipientsRefused: {'erika@example.org': (550, b'unknown')}",
    )


def test_finished_task_results_past_the_period_are_deleted():
    old_failure = task_result("FAILED", finished_at=at(9))
    recent = task_result("SUCCESSFUL", finished_at=at(9, day=date(2026, 12, 8)))
    waiting = task_result("READY", finished_at=None)

    assert retention.purge(now=FIRST_DAY_PURGED).task_results == 1
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert left == {recent.pk, waiting.pk}
    assert old_failure.pk not in left


# Command and daily task -------------------------------------------------------------------------


def test_the_command_purges_and_prints_the_counts(monday, clock):
    clock.now = FIRST_DAY_PURGED
    out = StringIO()

    call_command("purge_personal_data", stdout=out)
    call_command("purge_personal_data", stdout=out)

    assert out.getvalue().splitlines() == [
        "appointments=3 requests=0 unconfirmed_requests=0 sessions=0 task_results=0 "
        "login_records=0 feedback=0 api_calls=0",
        "appointments=0 requests=0 unconfirmed_requests=0 sessions=0 task_results=0 "
        "login_records=0 feedback=0 api_calls=0",
    ]


def test_schedule_puts_one_daily_run_in_the_task_table_however_often_called(db_tasks):
    out = StringIO()
    call_command("purge_personal_data", "--schedule", stdout=out)
    call_command("purge_personal_data", "--schedule", stdout=out)

    [waiting] = DBTaskResult.objects.filter(task_path=purge_personal_data.module_path)
    assert waiting.status == "READY"
    assert waiting.run_after == retention.next_run(now=timezone.now())
    first, second = out.getvalue().splitlines()
    assert datetime.fromisoformat(first.removeprefix("scheduled=")) == waiting.run_after
    assert second == "scheduled=unchanged"


@pytest.mark.django_db(transaction=True)  # the worker commits as in production
def test_the_worker_purges_and_schedules_tomorrows_run_once(monday, db_tasks, clock):
    # `monday` first: its mails went out with the immediate backend; only the purge waits here.
    retention.schedule_daily(now=BOOKED_AT)
    retention.schedule_daily(now=BOOKED_AT)  # a second start changes nothing
    clock.now = berlin(2027, 1, 7, 3, 0)
    DBTaskResult.objects.update(run_after=berlin(2027, 1, 7, 3, 0))  # … and a month passed

    run_worker()

    assert purged(monday.served.appointment)
    done, waiting = DBTaskResult.objects.filter(task_path=purge_personal_data.module_path).order_by(
        "enqueued_at", "run_after"
    )
    assert done.status == "SUCCESSFUL"
    assert done.return_value == {
        "appointments": 3,
        "requests": 0,
        "unconfirmed_requests": 0,
        "sessions": 0,
        "task_results": 0,
        "login_records": 0,
        "feedback": 0,
        "api_calls": 0,
    }
    assert (waiting.status, waiting.run_after) == ("READY", berlin(2027, 1, 8, 3, 0))


@pytest.mark.django_db(transaction=True)
def test_a_purge_killed_mid_run_runs_again_and_one_next_run_waits(monday, db_tasks, clock):
    retention.schedule_daily(now=BOOKED_AT)
    clock.now = berlin(2027, 1, 7, 3, 0)
    # The worker took the run at 03:00 and was killed (SIGKILL): it stays RUNNING.
    DBTaskResult.objects.update(status="RUNNING", started_at=clock.now, worker_ids=["killed"])
    out = StringIO()

    call_command("purge_personal_data", "--schedule", stdout=out)  # restarted at once: may run
    clock.now = berlin(2027, 1, 7, 3, 10)
    call_command("purge_personal_data", "--schedule", stdout=out)  # now it is known dead
    run_worker()

    assert out.getvalue().splitlines() == [
        f"scheduled={berlin(2027, 1, 8, 3, 0).isoformat()}",
        "scheduled=unchanged",
    ]
    assert purged(monday.served.appointment)
    done, waiting = DBTaskResult.objects.filter(task_path=purge_personal_data.module_path).order_by(
        "run_after"
    )
    assert done.status == "SUCCESSFUL"
    assert (waiting.status, waiting.run_after) == ("READY", berlin(2027, 1, 8, 3, 0))


@pytest.mark.django_db(transaction=True)
def test_a_purge_that_fails_still_schedules_the_next(db_tasks, clock, monkeypatch):
    def full_disk(*, now):
        raise DatabaseError("could not extend file: No space left on device")

    monkeypatch.setattr(retention, "purge", full_disk)
    clock.now = berlin(2027, 1, 7, 3, 0)
    purge_personal_data.enqueue()

    run_worker()

    failed, waiting = DBTaskResult.objects.order_by("status")
    assert failed.status == "FAILED"
    assert (waiting.status, waiting.run_after) == ("READY", berlin(2027, 1, 8, 3, 0))


def test_the_minute_job_schedules_the_purge_when_no_run_waits(db_tasks, clock):
    """Whatever ended the daily runs (a run that failed to schedule, a lost table row)."""
    clock.now = berlin(2027, 1, 7, 3, 5)

    call_command("expire_holds", stdout=StringIO())
    call_command("expire_holds", stdout=StringIO())

    [waiting] = DBTaskResult.objects.filter(task_path=purge_personal_data.module_path)
    assert (waiting.status, waiting.run_after) == ("READY", berlin(2027, 1, 8, 3, 0))


def test_without_the_database_backend_nothing_is_scheduled():
    """The immediate backend would run the purge at once and again and again: never enqueued."""
    assert retention.schedule_daily(now=BOOKED_AT) is None
    assert not DBTaskResult.objects.exists()


@pytest.mark.parametrize(
    ("now", "next_run"),
    [
        (berlin(2026, 12, 7, 2, 59), berlin(2026, 12, 7, 3, 0)),
        (berlin(2026, 12, 7, 3, 0), berlin(2026, 12, 8, 3, 0)),
        (berlin(2026, 12, 7, 14, 0), berlin(2026, 12, 8, 3, 0)),
        # The DST Sundays: 02:00 → 03:00 in March, 03:00 → 02:00 in October.
        (berlin(2027, 3, 28, 1, 30), berlin(2027, 3, 28, 3, 0)),
        (berlin(2026, 10, 24, 22, 0), berlin(2026, 10, 25, 3, 0)),
    ],
)
def test_the_daily_run_is_at_three_in_the_morning_local_time(now, next_run):
    assert retention.next_run(now=now) == next_run
    assert retention.next_run(now=now).utcoffset() == next_run.utcoffset()


def test_an_appointment_event_history_stays_whole(monday):
    kinds = sorted(AppointmentEvent.objects.values_list("kind", flat=True))

    retention.purge(now=FIRST_DAY_PURGED)

    assert sorted(AppointmentEvent.objects.values_list("kind", flat=True)) == kinds


def test_a_mail_still_queued_for_a_purged_request_is_dropped(registry):
    submitted = answered(registry, on=at(11))
    SentMessage.objects.all().delete()  # as if the answer's mail were still waiting
    retention.purge(now=FIRST_DAY_PURGED)

    sent = request_mail.deliver(request_id=submitted.request.pk, event="answered", now=at(12))

    assert sent is False
    assert not OnlineRequestToken.objects.exists()


def test_unconfirmed_requests_are_deleted_a_day_after_they_were_sent(registry):
    confirmed = submit(registry)
    unconfirmed = online_requests.submit(
        service=registry.service,
        kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
        requester=online_requests.Requester("Erika Mustermann", "erika@example.org", "Markt 3"),
        data=PERSON,
        now=BOOKED_AT,
        confirmed=False,
    )
    day_later = BOOKED_AT + timedelta(hours=24)

    assert retention.purge(now=day_later).unconfirmed_requests == 0
    assert retention.purge(now=day_later + timedelta(seconds=1)).unconfirmed_requests == 1

    assert list(OnlineRequest.objects.all()) == [confirmed.request]
    assert not OnlineRequestToken.objects.filter(request_id=unconfirmed.request.pk).exists()
    assert confirmed.request.events.count() == 1
    assert retention.purge(now=day_later + timedelta(hours=1)).unconfirmed_requests == 0


def test_staff_login_records_past_the_period_are_deleted():
    old, recent = berlin(2026, 12, 6, 9, 0), berlin(2026, 12, 8, 9, 0)
    for model in (AccessLog, AccessFailureLog):
        for when in (old, recent):
            row = model.objects.create(username="skowalski", ip_address="192.0.2.7")
            model.objects.filter(pk=row.pk).update(attempt_time=when)

    assert retention.purge(now=FIRST_DAY_PURGED).login_records == 2

    assert AccessLog.objects.get().attempt_time == recent
    assert AccessFailureLog.objects.get().attempt_time == recent
