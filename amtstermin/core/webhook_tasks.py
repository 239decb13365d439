"""The webhook delivery task: one attempt per run, retried with backoff, each event at least once.

core/webhooks.py enqueues the task in the transaction that records the event (the task table is
the outbox). An attempt first claims its delivery with one UPDATE that moves the due time a
lease ahead, so two runs of the task for one delivery (the minute job's re-queue beside a slow
worker) send once; then it sends, outside any lock, and writes down how it went. A failure
enqueues the task again for the next due time.

A worker killed while sending leaves the delivery due at the end of the lease; the minute job
(core/webhooks.resend_overdue) queues it again. The receiver may then get the same event twice
(it may have arrived before the kill): receivers deduplicate by `webhook-id`.
"""

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django_tasks import task

from . import webhook_http
from .models import WebhookDelivery

logger = logging.getLogger(__name__)

# After the first attempt: 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h, then give up: the last
# attempt comes about 22 hours after the event, long enough to outlast a night's maintenance
# of the receiving system; after that "send again" in the admin starts over.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=3),
    timedelta(hours=6),
    timedelta(hours=12),
)
ATTEMPTS = len(RETRY_DELAYS) + 1
# Longer than an attempt can take (webhook_http.TOTAL_TIMEOUT): until then no other run of the
# task takes the delivery.
LEASE = timedelta(minutes=1)


@task()
def deliver_webhook(*, delivery_id: int) -> str:
    """Make one attempt to deliver a webhook (see the module); returns what happened."""
    return attempt(delivery_id=delivery_id, now=timezone.now())


def attempt(*, delivery_id: int, now: datetime) -> str:
    """Send delivery `delivery_id` if it is due and nobody else is sending it; record the
    outcome and schedule the next attempt. Returns "delivered", "retry", "gave up" or "not due".
    """
    # The first attempt is due at once, whatever the clock of the process that recorded the
    # event said; later ones when this worker's clock says so.
    due = Q(attempts=0) | Q(next_attempt_at__lte=now)
    claimed = (
        WebhookDelivery.objects.pending()
        .filter(due, pk=delivery_id)
        .update(next_attempt_at=now + LEASE, attempts=F("attempts") + 1)
    )
    if not claimed:
        return "not due"  # delivered, given up, or another run has it
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    endpoint = delivery.endpoint
    status: int | None = None
    if not endpoint.active:
        error = "endpoint switched off"
    else:
        body = delivery.payload.encode()
        timestamp = int(now.timestamp())
        try:
            status = webhook_http.post(
                endpoint.url,
                body=body,
                headers=webhook_http.headers(endpoint.secret, delivery.event_id, timestamp, body),
            )
            error = "" if 200 <= status < 300 else f"HTTP {status}"
        except webhook_http.SendFailed as failure:
            error = str(failure)
    return _record(delivery, status=status, error=error, now=now)


def _record(delivery: WebhookDelivery, *, status: int | None, error: str, now: datetime) -> str:
    fields = {"last_status": status, "last_error": error[:300]}
    if not error:
        _save(delivery, delivered_at=now, next_attempt_at=None, **fields)
        return "delivered"
    endpoint_off = not delivery.endpoint.active
    if delivery.attempts >= ATTEMPTS or endpoint_off:
        _save(delivery, given_up_at=now, next_attempt_at=None, **fields)
        logger.warning(
            "Webhook %s to endpoint %s given up after %s attempts: %s",
            delivery.event_id,
            delivery.endpoint_id,
            delivery.attempts,
            error,
        )
        return "gave up"
    due = now + RETRY_DELAYS[delivery.attempts - 1]
    with transaction.atomic():
        _save(delivery, next_attempt_at=due, **fields)
        # A backend that cannot defer (the immediate one in tests) leaves the retry to the
        # minute job, which sends every overdue delivery (webhooks.resend_overdue).
        if deliver_webhook.get_backend().supports_defer:
            deliver_webhook.using(run_after=due).enqueue(delivery_id=delivery.pk)
    logger.info(
        "Webhook %s to endpoint %s failed (attempt %s of %s), retrying at %s: %s",
        delivery.event_id,
        delivery.endpoint_id,
        delivery.attempts,
        ATTEMPTS,
        due.isoformat(),
        error,
    )
    return "retry"


def _save(delivery: WebhookDelivery, **fields) -> None:
    # Only while this run still holds the claim: "send again" in the admin may have started
    # the delivery over meanwhile, and its run writes its own outcome.
    WebhookDelivery.objects.filter(pk=delivery.pk, attempts=delivery.attempts).update(**fields)
