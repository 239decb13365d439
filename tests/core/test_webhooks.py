"""Webhooks reach a real HTTP receiver on loopback, signed so that a check written from the
Standard Webhooks text accepts them; a receiver that is down gets every event afterwards, once
per id; a department's endpoint hears only of its own services; bodies name no person."""

import json
import socket
import time
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from amtstermin.core import booking, online_requests, upkeep, visits, webhook_http, webhooks
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Channel,
    Counter,
    OnlineRequest,
    Service,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from amtstermin.core.models.webhooks import new_secret, validate_webhook_url
from amtstermin.core.webhook_tasks import ATTEMPTS, LEASE, RETRY_DELAYS, deliver_webhook
from tests import factories
from tests.conftest import berlin
from tests.core.test_outbox import run_worker
from tests.core.webhook_receiver import running_receiver, signature_valid
from tests.fixtures.smtp import free_port

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday
MONDAY = berlin(2026, 12, 7, 9, 30)
ERIKA = booking.Contact(name="Erika Mustermann", email="erika@example.org", phone="0170 555 1234")
ALL = WebhookEvent.values


@pytest.fixture(autouse=True)
def loopback(settings):
    """The receiver listens on plain http on 127.0.0.1, as development allows."""
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True


@pytest.fixture
def receiver():
    with running_receiver() as running:
        yield running


def endpoint(department, receiver, events=ALL, **fields) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        department=department,
        name="Fachverfahren",
        url=f"{receiver.url}/hook",
        events=list(events),
        **fields,
    )


def book(office, start=MONDAY, items=None, **options):
    return booking.book(
        location=office.location,
        items=items or [Item(office.id_card)],
        start=start,
        contact=ERIKA,
        channel=Channel.PHONE,
        now=NOW,
        **options,
    ).appointment


def types(receiver) -> list[str]:
    return [request.event["type"] for request in receiver.received]


def now_seconds(clock) -> int:
    return int(clock.now.timestamp())


# Signing


def test_signature_reproduces_the_published_standard_webhooks_test_vector():
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    signed = webhook_http.sign(
        secret.removeprefix("whsec_"), "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body
    )
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    # The test's own check, used below, accepts the vector too (and only the vector).
    headers = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,bm9wZQ== " + signed,
    }
    assert signature_valid(secret, headers, body, now=1614265330)
    assert not signature_valid(secret, headers, body + b" ", now=1614265330)
    assert not signature_valid(secret, headers, body, now=1614265330 + 3600)


def test_a_booking_reaches_the_receiver_signed_for_an_independent_check(office, receiver, clock):
    hook = endpoint(office.id_card.department, receiver)

    appointment = book(office, items=[Item(office.id_card, 2)])

    [request] = receiver.received
    assert request.path == "/hook"
    assert request.headers["content-type"] == "application/json"
    assert hook.signing_secret.startswith("whsec_")
    now = now_seconds(clock)
    assert signature_valid(hook.signing_secret, request.headers, request.body, now=now)
    assert not signature_valid("whsec_" + new_secret(), request.headers, request.body, now=now)
    assert request.event == {
        "type": "appointment.booked",
        "timestamp": "2026-12-04T14:00:00Z",
        "data": {
            "reference": appointment.reference,
            "location": {"id": office.location.pk, "name": "Bürgerbüro Mitte"},
            "start": "2026-12-07T08:30:00Z",
            "end": appointment.end.isoformat().replace("+00:00", "Z"),
            "status": "booked",
            "channel": "phone",
            "services": [
                {"id": office.id_card.pk, "leika_key": "", "name": "Personalausweis", "quantity": 2}
            ],
        },
    }
    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_id, delivery.payload.encode()) == (request.id, request.body)
    assert delivery.event_id.startswith("evt_")
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 200, "")
    assert delivery.delivered_at == clock.now and delivery.next_attempt_at is None


def test_service_names_are_german_whatever_language_the_booking_page_spoke(office, receiver):
    office.id_card.name_en = "Identity card"
    office.id_card.save()
    endpoint(office.id_card.department, receiver)
    with translation.override("en"):
        book(office)
    [request] = receiver.received
    assert request.event["data"]["services"][0]["name"] == "Personalausweis"


# What is an event


def test_each_change_of_an_appointment_is_one_event(office, receiver):
    endpoint(office.id_card.department, receiver)
    moved = book(office)
    booking.reschedule(
        appointment=moved, start=MONDAY + timedelta(hours=1), now=NOW, channel=Channel.PHONE
    )
    booking.cancel(appointment=moved, now=NOW, channel=Channel.ONLINE)
    served = book(office)
    desk = Counter.objects.create(location=office.location, name="3")
    visits.check_in(served, now=MONDAY - timedelta(minutes=5))
    visit = visits.call_next(office.clerk, desk, now=MONDAY)  # "called" is no event
    visits.finish(visit, now=MONDAY + timedelta(minutes=15))
    absent = book(office, start=MONDAY + timedelta(hours=2))
    booking.mark_no_show(appointment=absent, now=MONDAY + timedelta(hours=3))

    assert types(receiver) == [
        "appointment.booked",
        "appointment.moved",
        "appointment.cancelled",
        "appointment.booked",
        "appointment.checked_in",
        "appointment.done",
        "appointment.booked",
        "appointment.no_show",
    ]
    statuses = [request.event["data"]["status"] for request in receiver.received]
    assert statuses[1:6] == ["booked", "cancelled", "booked", "checked_in", "done"]
    assert receiver.received[1].event["data"]["start"] == "2026-12-07T09:30:00Z"
    assert len({request.id for request in receiver.received}) == 8


def test_a_hold_is_reported_once_its_owner_confirms_it(office, receiver):
    endpoint(office.id_card.department, receiver)
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=MONDAY,
        contact=ERIKA,
        channel=Channel.ONLINE,
        now=NOW,
        require_confirmation=True,
    ).appointment
    booking.reschedule(
        appointment=held, start=MONDAY + timedelta(hours=1), now=NOW, channel=Channel.ONLINE
    )
    assert receiver.received == []

    booking.confirm(appointment=held, now=NOW)

    assert types(receiver) == ["appointment.booked"]


def test_a_hold_cancelled_before_its_confirmation_is_no_news(office, receiver):
    endpoint(office.id_card.department, receiver)
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=MONDAY,
        contact=ERIKA,
        channel=Channel.ONLINE,
        now=NOW,
        require_confirmation=True,
    ).appointment
    booking.cancel(appointment=held, now=NOW, channel=Channel.ONLINE)
    assert receiver.received == []


def test_online_requests_report_submitted_answered_and_rejected(receiver):
    department = factories.department()
    service = factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        department=department,
        leika_key="99115012000000",
    )
    clerk = factories.staff(department_=department)
    endpoint(department, receiver)

    def submit(confirmed=True):
        return online_requests.submit(
            service=service,
            kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
            requester=online_requests.Requester(
                name="Erika Mustermann", email="erika@example.org", postal_address="Markt 3"
            ),
            data=factories.melderegister_data(),
            now=NOW,
            confirmed=confirmed,
        ).request

    answered = submit()
    online_requests.claim(request=answered, staff=clerk, now=NOW)  # "in progress": no event
    online_requests.answer(request=answered, staff=clerk, text="Auskunft anbei.", now=NOW)
    rejected = submit(confirmed=False)
    assert len(receiver.received) == 2  # unconfirmed: the office does not see it yet either
    online_requests.confirm(request=rejected, now=NOW)
    online_requests.reject(request=rejected, staff=clerk, reason="Kein Interesse.", now=NOW)

    assert types(receiver) == [
        "online_request.submitted",
        "online_request.answered",
        "online_request.submitted",
        "online_request.rejected",
    ]
    assert receiver.received[1].event["data"] == {
        "reference": answered.reference,
        "kind": "melderegisterauskunft",
        "status": "answered",
        "service": {
            "id": service.pk,
            "leika_key": "99115012000000",
            "name": "Melderegisterauskunft",
        },
        "created_at": "2026-12-04T14:00:00Z",
        "updated_at": "2026-12-04T14:00:00Z",
    }


def test_bodies_name_no_person(office, receiver):
    endpoint(office.id_card.department, receiver)
    appointment = book(office)
    booking.cancel(appointment=appointment, now=NOW, channel=Channel.PHONE, reason="Krank")
    department = factories.department()
    endpoint(department, receiver)
    online_requests.submit(
        service=factories.service(mode=Service.Mode.ONLINE_REQUEST, department=department),
        kind=OnlineRequest.Kind.STEUER_ID,
        requester=online_requests.Requester(
            name="Erika Mustermann", email="erika@example.org", postal_address="Lindenweg 7"
        ),
        data={"date_of_birth": "1975-06-30", "place_of_birth": "Köln"},
        now=NOW,
    )

    assert len(receiver.received) == 3
    for request in receiver.received:
        text = request.body.decode()
        for personal in ("Erika", "Mustermann", "example.org", "555", "Lindenweg", "Köln"):
            assert personal not in text
        assert "1975" not in text and "Krank" not in text


# Who hears of it


def test_an_endpoint_hears_only_of_its_own_departments_services(office, receiver):
    registry = factories.service(
        name="Wohngeld", locations=[office.location], fee=Decimal("0.00")
    )  # another department at the same Bürgerbüro
    office.clerk.skills.add(registry)
    ours = endpoint(office.id_card.department, receiver)
    theirs = endpoint(registry.department, receiver)

    book(office, items=[Item(office.id_card)])
    book(office, start=MONDAY + timedelta(hours=1), items=[Item(registry)])
    book(office, start=MONDAY + timedelta(hours=2), items=[Item(office.id_card), Item(registry)])

    by_endpoint = {
        hook.pk: [
            [service["name"] for service in json.loads(row.payload)["data"]["services"]]
            for row in hook.deliveries.order_by("created_at", "pk")
        ]
        for hook in (ours, theirs)
    }
    assert by_endpoint[ours.pk] == [["Personalausweis"], ["Personalausweis"]]
    assert by_endpoint[theirs.pk] == [["Wohngeld"], ["Wohngeld"]]
    # The appointment with both is one event: one id at both endpoints.
    [shared] = set(ours.deliveries.values_list("event_id", flat=True)) & set(
        theirs.deliveries.values_list("event_id", flat=True)
    )
    assert len(receiver.accepted()) == 4


def test_an_endpoint_hears_only_the_events_it_chose_and_only_while_active(office, receiver):
    endpoint(office.id_card.department, receiver, events=[WebhookEvent.APPOINTMENT_CANCELLED])
    endpoint(office.id_card.department, receiver, active=False)

    appointment = book(office)
    assert receiver.received == []
    booking.cancel(appointment=appointment, now=NOW, channel=Channel.PHONE)

    assert types(receiver) == ["appointment.cancelled"]


def test_without_endpoints_an_event_costs_one_query_and_writes_nothing(office):
    factories.department()  # endpoints elsewhere do not count
    with CaptureQueriesContext(connection) as queries:
        book(office)
    webhook_queries = [q["sql"] for q in queries if "webhook" in q["sql"]]
    assert len(webhook_queries) == 1 and webhook_queries[0].startswith("SELECT")
    assert not WebhookDelivery.objects.exists()


# Failures and retries


def test_a_receiver_down_for_a_while_gets_every_event_afterwards_once_per_id(
    office, receiver, clock
):
    endpoint(office.id_card.department, receiver)
    receiver.answers = [500, 502, 503, 500, 500, 500, 503]  # down for the first seven requests
    first = book(office)
    booking.reschedule(
        appointment=first, start=MONDAY + timedelta(hours=1), now=NOW, channel=Channel.PHONE
    )
    second = book(office)
    booking.cancel(appointment=second, now=NOW, channel=Channel.PHONE)
    assert receiver.accepted() == [] and len(receiver.received) == 4

    for _minute in range(60):  # the worker's minute job, for an hour
        clock.now += timedelta(minutes=1)
        upkeep.tend(now=clock.now)
    assert not WebhookDelivery.objects.pending().exists()

    accepted = receiver.accepted()
    ids = list(WebhookDelivery.objects.values_list("event_id", flat=True))
    assert sorted(request.id for request in accepted) == sorted(ids)  # each once
    assert sorted(request.event["type"] for request in accepted) == [
        "appointment.booked",
        "appointment.booked",
        "appointment.cancelled",
        "appointment.moved",
    ]
    for request in receiver.received:
        # Every attempt: the same body under its id, signed afresh at its own time.
        delivery = WebhookDelivery.objects.select_related("endpoint").get(event_id=request.id)
        assert request.body == delivery.payload.encode()
        stamp = int(request.headers["webhook-timestamp"])
        assert signature_valid(
            delivery.endpoint.signing_secret, request.headers, request.body, now=stamp
        )
    assert len(receiver.received) == 7 + 4  # the failures, then each event once


@pytest.mark.django_db(transaction=True)
def test_retries_go_through_the_outbox_with_growing_delays(db_tasks, office, receiver, clock):  # noqa: F811
    endpoint(office.id_card.department, receiver)
    receiver.answers = [500, 503]
    start = clock.now
    book(office)
    delivery = WebhookDelivery.objects.get()

    run_worker()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.last_error) == (1, 500, "HTTP 500")
    assert delivery.next_attempt_at == start + RETRY_DELAYS[0]
    run_worker()  # not due yet: nothing happens
    assert len(receiver.received) == 1

    clock.now = start + RETRY_DELAYS[0]
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status) == (2, 503)
    assert delivery.next_attempt_at == clock.now + RETRY_DELAYS[1]

    clock.now += RETRY_DELAYS[1]
    run_worker()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.last_status, delivery.delivered_at) == (3, 200, clock.now)
    assert [request.status for request in receiver.received] == [500, 503, 200]
    assert len({request.id for request in receiver.received}) == 1
    tasks = DBTaskResult.objects.filter(task_path=deliver_webhook.module_path)
    assert list(tasks.values_list("status", flat=True)) == ["SUCCESSFUL"] * 3


def test_a_delivery_whose_worker_was_killed_is_sent_again_by_the_minute_job(
    office, receiver, clock
):
    hook = endpoint(office.id_card.department, receiver)
    # As a worker killed while sending leaves it: claimed (attempt counted, due after the
    # lease), its outcome never written, its task gone.
    lost = WebhookDelivery.objects.create(
        endpoint=hook,
        event_id=webhooks.new_event_id(),
        event_type=WebhookEvent.APPOINTMENT_BOOKED,
        payload='{"type":"appointment.booked"}',
        created_at=clock.now,
        attempts=1,
        next_attempt_at=clock.now + LEASE,
    )

    clock.now += LEASE + webhooks.OVERDUE - timedelta(seconds=1)
    assert upkeep.tend(now=clock.now)["webhooks"] == 0  # its task may just be late
    clock.now += timedelta(seconds=1)
    assert upkeep.tend(now=clock.now)["webhooks"] == 1

    [request] = receiver.received
    assert request.id == lost.event_id
    lost.refresh_from_db()
    assert (lost.attempts, lost.delivered_at) == (2, clock.now)


def test_a_receiver_down_for_good_is_given_up_and_sent_again_on_request(office, receiver, clock):
    endpoint(office.id_card.department, receiver)
    receiver.answers = [500] * ATTEMPTS
    book(office)
    for delay in RETRY_DELAYS:
        clock.now += delay + webhooks.OVERDUE
        upkeep.tend(now=clock.now)
    delivery = WebhookDelivery.objects.get()
    assert delivery.given_up_at is not None and delivery.next_attempt_at is None
    assert delivery.attempts == ATTEMPTS == len(receiver.received)
    clock.now += timedelta(days=1)
    upkeep.tend(now=clock.now)
    assert len(receiver.received) == ATTEMPTS  # given up: no more attempts

    assert webhooks.send_again(deliveries=[delivery], now=clock.now) == 1

    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.delivered_at, delivery.given_up_at) == (1, clock.now, None)
    assert {request.id for request in receiver.received} == {delivery.event_id}


def test_a_redirect_is_not_followed_and_counts_as_a_failure(office, receiver):
    endpoint(office.id_card.department, receiver)
    receiver.answers = [302]
    book(office)
    # Nothing went to the address it pointed to.
    assert [request.path for request in receiver.received] == ["/hook"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.last_status, delivery.last_error) == (302, "HTTP 302")
    assert delivery.next_attempt_at is not None and delivery.delivered_at is None


def test_an_unreachable_receiver_is_noted_and_retried(office, clock):
    WebhookEndpoint.objects.create(
        department=office.id_card.department,
        name="Fachverfahren",
        url=f"http://127.0.0.1:{free_port()}/hook",
        events=ALL,
    )
    book(office)
    delivery = WebhookDelivery.objects.get()
    assert delivery.last_status is None
    assert "ConnectionRefusedError" in delivery.last_error
    assert delivery.next_attempt_at == clock.now + RETRY_DELAYS[0]


@pytest.mark.timed_waits
def test_a_receiver_that_never_answers_holds_the_worker_ten_seconds_at_most(office, clock):
    with socket.socket() as silent:  # takes the connection, never reads nor answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        WebhookEndpoint.objects.create(
            department=office.id_card.department,
            name="Fachverfahren",
            url=f"http://127.0.0.1:{silent.getsockname()[1]}/hook",
            events=ALL,
        )
        started = time.monotonic()
        book(office)
        waited = time.monotonic() - started
    delivery = WebhookDelivery.objects.get()
    assert webhook_http.TOTAL_TIMEOUT <= waited < webhook_http.TOTAL_TIMEOUT + 3
    assert delivery.last_error.startswith("TimeoutError")
    assert delivery.next_attempt_at == clock.now + RETRY_DELAYS[0]


def test_a_switched_off_endpoint_gets_no_more_attempts(office, receiver, clock):
    hook = endpoint(office.id_card.department, receiver)
    receiver.answers = [500]
    book(office)
    hook.active = False
    hook.save()
    clock.now += RETRY_DELAYS[0] + webhooks.OVERDUE
    upkeep.tend(now=clock.now)
    delivery = WebhookDelivery.objects.get()
    assert len(receiver.received) == 1
    assert (delivery.last_error, delivery.given_up_at) == ("endpoint switched off", clock.now)


def test_the_log_keeps_finished_deliveries_thirty_days(office, receiver, clock):
    endpoint(office.id_card.department, receiver)
    receiver.answers = [500] * ATTEMPTS
    book(office)  # fails: stays pending
    receiver.answers = []
    book(office, start=MONDAY + timedelta(hours=1))  # delivered
    clock.now += webhooks.KEEP_LOG
    assert webhooks.purge_log(now=clock.now) == 0
    clock.now += timedelta(seconds=1)
    assert webhooks.purge_log(now=clock.now) == 1
    assert WebhookDelivery.objects.get().delivered_at is None


# Addresses


@pytest.mark.parametrize(
    "url",
    [
        "https://fachverfahren.musterstadt.de/hooks/termine",
        "https://10.0.4.7:8443/hook",
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://[::1]:9000/",
    ],
)
def test_https_addresses_and_loopback_http_are_accepted(url):
    validate_webhook_url(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://fachverfahren.musterstadt.de/hook",
        "http://10.0.4.7/hook",
        "ftp://example.org/",
        "https://user:secret@example.org/hook",
        "https:///nohost",
    ],
)
def test_other_addresses_are_refused(url):
    with pytest.raises(ValidationError):
        validate_webhook_url(url)


def test_loopback_http_is_refused_unless_the_setting_allows_it(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False
    with pytest.raises(ValidationError):
        validate_webhook_url("http://127.0.0.1:8080/hook")
    with pytest.raises(webhook_http.SendFailed, match="address not allowed"):
        webhook_http.post("http://127.0.0.1:8080/hook", body=b"{}", headers={})
