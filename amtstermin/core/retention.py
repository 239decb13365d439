"""The purge of personal data: what a citizen gave us is removed once its purpose is served.

GDPR Art. 5(1)(e) (storage limitation): contact details serve the appointment or the request,
not the statistics. After the retention period the purge blanks them and deletes the link keys,
so every link from an old email opens the same "not found" page as a link that never existed.
What the statistics read stays: times, services, channel, status, visit events, history
entries (core/statistics.py reads no field removed here; tests/core/test_retention.py proves it
by computing the figures before and after).

The period, PERSONAL_DATA_RETENTION_DAYS (settings.py), counts whole local days after the
appointment's day, or after the day a request was answered or rejected: an appointment on
1 December is kept through 31 December with the default of 30 and purged from 1 January on.
Open requests (submitted, in progress) are never purged: the office still owes an answer.
Requests never confirmed (sent without JavaScript, the emailed link never followed) are deleted
whole once UNCONFIRMED_LIFETIME has passed: nobody in the office ever saw them, so no history or
figure depends on them.

Fields and records, model by model (core/models/):
- Appointment: name, email, email_key (the mailbox as the per-address limit counts it),
  phone and unproven_network (an HMAC of the network a hold without the proof of work came
  from; blanked already when the hold ends, unless it lapsed unnoticed) are blanked; the
  wizard's idempotency key is cleared (it ties the row to a browser session), and the
  office's reason for cancelling is blanked. Kept:
  reference, location, staff, times, channel, status, waiting number, language, the hold and
  cancel times, items. AccessToken rows are deleted.
- AppointmentEvent: kind, time, channel and `detail` (old and new start, old and new clerk's
  id): nothing about the citizen, kept as the history behind the figures.
- Visit, VisitItem, VisitEvent: waiting number, times, counter, clerk, services: no citizen
  data, and the source of the waiting-time statistics. Kept.
- SentMessage: a Message-ID made of the reference and the event, and a time. Kept: it keeps a
  mail task retried late from sending twice.
- OnlineRequest: name, email, postal address, form data (the person searched, or one's own
  birth date and place), staff notes, the answer (for a Melderegisterauskunft: the person's
  address) and the reason for rejection are blanked. Kept: reference, service, kind, status,
  fee, clerk, language, dates. OnlineRequestToken rows are deleted; OnlineRequestEvent (status,
  time, clerk) is kept.
- AccessibilityFeedback (core/accessibility.py): name, email, message and answer are blanked
  FEEDBACK_RETENTION_DAYS (a year) after the answer, long enough for a complaint to the
  enforcement body about it. Kept: dates, page, language, who answered. Open feedback is kept.
- Outside core/models: sessions once expired (the booking wizard's draft holds name, email and
  phone; Django leaves expired ones in the table), and finished background task results past
  the period (the traceback of a mail that failed for good can name the address the mail
  server refused); and django-axes' staff login records (username, IP address,
  browser) past the period, and the staff API's call log (api_keys.record_call: a key, a
  method, an address, an answer) likewise.

Every step is idempotent: what is purged no longer matches, so a second run finds nothing.
Rows go in batches, each in its own short transaction, so the purge of a year's backlog never
holds the database (SQLite has one writer) for long.
"""

import logging
import zoneinfo
from dataclasses import asdict, dataclass
from datetime import datetime, time, timedelta
from importlib import import_module

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django_tasks import TaskResultStatus, task
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult

from . import api_keys
from .accessibility import FEEDBACK_RETENTION_DAYS
from .models import (
    AccessibilityFeedback,
    AccessToken,
    Appointment,
    OnlineRequest,
    OnlineRequestToken,
    Status,
)

logger = logging.getLogger(__name__)

BATCH_SIZE = 500
# The daily run, local time: after the day boundary the period counts by, and long before an
# office opens, when the purge's short write transactions meet no bookings.
DAILY_AT = time(3, 0)
_CLOSED = (OnlineRequest.Status.ANSWERED, OnlineRequest.Status.REJECTED)
# How long a request sent without the proof of work waits for its confirmation: the "please
# confirm" mail says that it is deleted otherwise.
UNCONFIRMED_LIFETIME = timedelta(hours=24)


@dataclass(frozen=True)
class Purged:
    """How many records one run purged or deleted."""

    appointments: int
    requests: int
    unconfirmed_requests: int
    sessions: int
    task_results: int
    login_records: int
    feedback: int
    api_calls: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def cutoff(*, now: datetime, days: int | None = None) -> datetime:
    """The instant before which personal data is past its period: local midnight `days` ago.

    Days are counted in TIME_ZONE (Europe/Berlin). A location in another zone would see its
    boundary shifted by the difference in hours, which a retention period of weeks absorbs.
    """
    if days is None:
        days = settings.PERSONAL_DATA_RETENTION_DAYS
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    first_kept = now.astimezone(zone).date() - timedelta(days=days)
    return datetime.combine(first_kept, time.min, tzinfo=zone)


def purge(*, now: datetime, batch_size: int = BATCH_SIZE) -> Purged:
    """Remove the personal data whose retention period has passed at `now`; see the module.

    Raises nothing of its own; after a database error the batches committed before it stay
    purged, and the next run does the rest.
    """
    before = cutoff(now=now)
    return Purged(
        appointments=_in_batches(
            due_appointments(before), _purge_appointments, batch_size=batch_size
        ),
        requests=_in_batches(due_requests(before), _purge_requests, batch_size=batch_size),
        unconfirmed_requests=_in_batches(
            unconfirmed_requests(now=now), _delete_requests, batch_size=batch_size
        ),
        sessions=_purge_sessions(now=now),
        task_results=_in_batches(
            DBTaskResult.objects.finished().filter(finished_at__lt=before),
            _delete_task_results,
            batch_size=batch_size,
        ),
        login_records=_delete_login_records(before),
        feedback=_in_batches(due_feedback(now=now), _purge_feedback, batch_size=batch_size),
        api_calls=api_keys.purge_calls(before),
    )


def due_appointments(before: datetime) -> QuerySet[Appointment]:
    """Appointments past their period that still hold personal data or a link key.

    Past the period: the appointment's day, or for a cancelled appointment or a lapsed hold the
    moment it ended, if earlier. A time given back weeks ahead serves nobody until its day.
    """
    past = (
        Q(start__lt=before)
        | Q(status=Status.CANCELLED, cancelled_at__lt=before)
        | Q(status=Status.EXPIRED, hold_expires_at__lt=before)
    )
    personal = (
        ~Q(name="")
        | ~Q(email="")
        | ~Q(email_key="")
        | ~Q(phone="")
        | ~Q(unproven_network="")
        | Q(idempotency_key__isnull=False)
        | Exists(AccessToken.objects.filter(appointment=OuterRef("pk")))
    )
    return Appointment.objects.filter(past).filter(personal)


def due_requests(before: datetime) -> QuerySet[OnlineRequest]:
    """Answered or rejected requests past their period that still hold personal data or keys.

    `updated_at` is the moment of the last status change (core/online_requests.py), and an
    answered or rejected request changes no more.
    """
    personal = (
        ~Q(name="")
        | ~Q(email="")
        | ~Q(postal_address="")
        | ~Q(data={})
        | ~Q(staff_notes="")
        | ~Q(answer="")
        | ~Q(rejection_reason="")
        | Exists(OnlineRequestToken.objects.filter(request=OuterRef("pk")))
    )
    return OnlineRequest.objects.filter(status__in=_CLOSED, updated_at__lt=before).filter(personal)


def unconfirmed_requests(*, now: datetime) -> QuerySet[OnlineRequest]:
    """Requests never confirmed within UNCONFIRMED_LIFETIME after they were sent."""
    return OnlineRequest.objects.unconfirmed().filter(created_at__lt=now - UNCONFIRMED_LIFETIME)


def due_feedback(*, now: datetime) -> QuerySet[AccessibilityFeedback]:
    """Feedback on barriers answered FEEDBACK_RETENTION_DAYS ago that still names its sender.

    Open feedback is kept: the office still owes the answer.
    """
    before = cutoff(now=now, days=FEEDBACK_RETENTION_DAYS)
    personal = ~Q(name="") | ~Q(email="") | ~Q(message="") | ~Q(answer="")
    return AccessibilityFeedback.objects.filter(answered_at__lt=before).filter(personal)


def _purge_appointments(pks: list) -> None:
    Appointment.objects.filter(pk__in=pks).update(
        name="",
        email="",
        email_key="",
        phone="",
        unproven_network="",
        idempotency_key=None,
        cancel_reason="",
    )
    AccessToken.objects.filter(appointment_id__in=pks).delete()


def _purge_requests(pks: list) -> None:
    OnlineRequest.objects.filter(pk__in=pks).update(
        name="",
        email="",
        postal_address="",
        data={},
        staff_notes="",
        answer="",
        rejection_reason="",
    )
    OnlineRequestToken.objects.filter(request_id__in=pks).delete()


def _purge_feedback(pks: list) -> None:
    AccessibilityFeedback.objects.filter(pk__in=pks).update(
        name="", email="", message="", answer=""
    )


def _delete_requests(pks: list) -> None:
    # Their link keys and (none yet) history entries go with them (on_delete=CASCADE).
    OnlineRequest.objects.filter(pk__in=pks).delete()


def _delete_login_records(before: datetime) -> int:
    """Staff login records (django-axes: username, IP address, browser) past the period.

    Staff are data subjects too; a lockout needs only the last minutes (AXES_COOLOFF_TIME), and
    a month of logins is enough to look into a suspicious one.
    """
    deleted = 0
    for model in (AccessLog, AccessFailureLog, AccessAttempt):
        deleted += model.objects.filter(attempt_time__lt=before).delete()[0]
    return deleted


def _delete_task_results(pks: list) -> None:
    DBTaskResult.objects.filter(pk__in=pks).delete()


def _in_batches(candidates: QuerySet, purge_batch, *, batch_size: int) -> int:
    """Apply `purge_batch` to the primary keys of `candidates`, `batch_size` rows per transaction.

    The candidates are read again inside each transaction and locked (PostgreSQL; SQLite's
    BEGIN IMMEDIATE already excludes other writers), so a row changed meanwhile is judged as it
    is. Walking up the primary key ends the loop even if a batch left a row matching.
    """
    done, last = 0, None
    while True:
        with transaction.atomic(durable=True):
            batch = candidates.select_for_update().order_by("pk")
            if last is not None:
                batch = batch.filter(pk__gt=last)
            pks = list(batch.values_list("pk", flat=True)[:batch_size])
            if not pks:
                return done
            purge_batch(pks)
        done += len(pks)
        last = pks[-1]


def _purge_sessions(*, now: datetime) -> int:
    """Delete expired sessions when they live in the database (SESSION_ENGINE db or cached_db).

    Django leaves them to `manage.py clearsessions`, which nobody runs by default. A cache-only
    engine needs nothing: the cache drops them when they expire.
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0
    deleted, _by_model = store.get_model_class().objects.filter(expire_date__lt=now).delete()
    return deleted


def schedule_daily(*, now: datetime) -> datetime | None:
    """Put the next daily purge in the task table unless one is waiting; returns when it runs.

    None when one is already waiting, or when the task backend is not the database one (the
    immediate backend of tests would purge at once; another backend cannot be asked what
    waits; run `manage.py purge_personal_data` from cron then). The worker after each run,
    `manage.py purge_personal_data --schedule` at startup and the worker's minute task
    (core/upkeep.py) call this, so a run that failed or was killed before it scheduled the next
    still leads to one; the lock makes two callers at the same moment schedule one run, not two.

    A run still running is not waiting: the next is scheduled now, and the running one finds it
    when it ends. A run left RUNNING by a killed worker is queued again by `--schedule` and the
    minute task first (core/outbox.py); it then waits, runs at once and schedules the next itself.
    """
    if not isinstance(purge_personal_data.get_backend(), DatabaseBackend):
        return None
    with transaction.atomic():
        _lock_schedule()
        waiting = DBTaskResult.objects.filter(
            task_path=purge_personal_data.module_path, status=TaskResultStatus.READY
        )
        if waiting.exists():
            return None
        run_after = next_run(now=now)
        purge_personal_data.using(run_after=run_after).enqueue()
    return run_after


def next_run(*, now: datetime) -> datetime:
    """The next DAILY_AT in TIME_ZONE after `now` (03:00 exists on both DST Sundays)."""
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    local = now.astimezone(zone)
    run = datetime.combine(local.date(), DAILY_AT, tzinfo=zone)
    if run <= local:
        run = datetime.combine(local.date() + timedelta(days=1), DAILY_AT, tzinfo=zone)
    return run


def _lock_schedule() -> None:
    """Serialise schedule_daily() until the transaction ends (see limits.mailbox_lock)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # A fixed key: "purge" in ASCII, far from the hashed keys core/limits.py uses.
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [0x7075726765])


@task()
def purge_personal_data() -> dict[str, int]:
    """Remove personal data past its retention period, then schedule the
    next run for tomorrow at 03:00: the task keeps itself going once
    `manage.py purge_personal_data --schedule` has started it.

    Scheduled even when the purge fails, or one database error would end the daily runs; a run
    killed with its worker is queued again by the worker's minute task (core/upkeep.py), which
    also schedules a run whenever none waits.
    """
    now = timezone.now()
    try:
        purged = purge(now=now)
    finally:
        schedule_daily(now=now)
    logger.info("Personal data purged: %s", purged)
    return purged.as_dict()
