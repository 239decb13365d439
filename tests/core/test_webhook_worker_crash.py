"""A real `manage.py db_worker` killed with SIGKILL while its webhook request waits for the answer.

Nobody can know whether the receiver took the event (the answer died with the worker), so it
goes again after the minute job finds it overdue: the same webhook-id and the same body, which
the receiver uses to see that it has it already.
"""

import signal
import threading
import time

import pytest
from django_tasks_db.models import DBTaskResult

from amtstermin.core import booking, upkeep, webhooks
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, WebhookDelivery, WebhookEndpoint, WebhookEvent
from amtstermin.core.webhook_tasks import LEASE, deliver_webhook
from tests.conftest import berlin
from tests.core.test_outbox import run_worker
from tests.core.test_worker_crash import start_worker, worker_environment
from tests.core.webhook_receiver import running_receiver
from tests.fixtures.smtp import free_port

NOW = berlin(2026, 12, 4, 15, 0)
DEADLINE_SECONDS = 60


@pytest.mark.django_db(transaction=True)  # the worker process must see the committed booking
def test_an_event_whose_worker_was_killed_mid_request_arrives_again_under_its_id(
    office,
    db_tasks,  # noqa: F811
    clock,
    tmp_path,
    settings,
):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True
    with running_receiver() as receiver:
        WebhookEndpoint.objects.create(
            department=office.id_card.department,
            name="OK.EWO",
            url=f"{receiver.url}/hook",
            events=[WebhookEvent.APPOINTMENT_BOOKED],
        )
        booking.book(  # no email address: the webhook is the worker's only task
            location=office.location,
            items=[Item(office.id_card)],
            start=berlin(2026, 12, 7, 9, 30),
            contact=booking.Contact(name="Erika Mustermann"),
            channel=Channel.PHONE,
            now=NOW,
        )
        receiver.stall = threading.Event()
        environment = {
            **worker_environment(free_port()),
            "WEBHOOKS_ALLOW_LOOPBACK_HTTP": "1",
        }
        log_path = tmp_path / "worker.log"
        with log_path.open("wb") as log:
            worker = start_worker(environment, log)
            deadline = time.monotonic() + DEADLINE_SECONDS
            while not receiver.received:
                assert worker.poll() is None, log_path.read_text()
                assert time.monotonic() < deadline, log_path.read_text()
                time.sleep(0.01)
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        receiver.stall.set()  # the receiver took it; its answer reaches nobody
        receiver.stall = None

        delivery = WebhookDelivery.objects.get()
        assert worker.returncode == -signal.SIGKILL
        assert (delivery.attempts, delivery.delivered_at) == (1, None)
        assert DBTaskResult.objects.running().count() == 1
        # The minute job, on the worker's (real) clock: not before the lease and the grace.
        claimed_at = delivery.next_attempt_at - LEASE
        clock.now = claimed_at + LEASE + webhooks.OVERDUE - webhooks.OVERDUE / 2
        assert upkeep.tend(now=clock.now)["webhooks"] == 0
        clock.now = claimed_at + LEASE + webhooks.OVERDUE
        assert upkeep.tend(now=clock.now)["webhooks"] == 1

        run_worker()

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.delivered_at) == (2, clock.now)
    first, second = receiver.received
    assert first.id == second.id == delivery.event_id
    assert first.body == second.body == delivery.payload.encode()
    # The dead worker's task ran again too (outbox.requeue_stale) and found nothing to do.
    tasks = DBTaskResult.objects.filter(task_path=deliver_webhook.module_path)
    assert sorted(tasks.values_list("status", flat=True)) == ["SUCCESSFUL", "SUCCESSFUL"]
    assert len(receiver.received) == 2
