"""The webhook admin: an administrator registers an endpoint and sees its secret once; the
delivery log is read only, filtered by state, and "send again" goes through the core."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.conftest import berlin
from tests.core.webhook_receiver import running_receiver

NOW = berlin(2026, 12, 4, 15, 0)


@pytest.fixture(autouse=True)
def loopback(settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = True


@pytest.fixture
def receiver():
    with running_receiver() as running:
        yield running


def book(office):
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(2026, 12, 7, 9, 30),
        contact=booking.Contact(name="Erika Mustermann"),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment


def form(office, url, events=("appointment.booked", "appointment.cancelled")) -> dict:
    return {
        "department": office.id_card.department.pk,
        "name": "OK.EWO",
        "url": url,
        "events": list(events),
        "active": "on",
    }


def test_administrator_registers_an_endpoint_and_sees_its_secret_once(admin_client, office):
    response = admin_client.post(
        reverse("admin:core_webhookendpoint_add"),
        form(office, "https://ewo.musterstadt.de/hooks"),
        follow=True,
    )

    hook = WebhookEndpoint.objects.get()
    assert hook.events == ["appointment.booked", "appointment.cancelled"]
    assert hook.url == "https://ewo.musterstadt.de/hooks"
    [shown] = [str(m) for m in get_messages(response.wsgi_request) if "whsec_" in str(m)]
    assert shown == (
        "Tragen Sie diesen Signaturschlüssel im empfangenden System ein. "
        f"Er wird nur jetzt angezeigt: {hook.signing_secret}"
    )
    change = admin_client.get(reverse("admin:core_webhookendpoint_change", args=[hook.pk]))
    assertContains(change, "ewo.musterstadt.de")
    assertNotContains(change, hook.secret)


def test_administrator_replaces_a_secret_and_sees_the_new_one_once(admin_client, office):
    hook = WebhookEndpoint.objects.create(
        department=office.id_card.department,
        name="OK.EWO",
        url="https://ewo.musterstadt.de/hooks",
        events=[WebhookEvent.APPOINTMENT_BOOKED],
    )
    old = hook.secret

    response = admin_client.post(
        reverse("admin:core_webhookendpoint_changelist"),
        {"action": "replace_secret", "_selected_action": [hook.pk]},
        follow=True,
    )

    hook.refresh_from_db()
    assert hook.secret != old
    assertContains(response, f"Er wird nur jetzt angezeigt: {hook.signing_secret}")
    assertNotContains(response, old)


def test_administrator_cannot_register_a_plain_http_address(admin_client, office, settings):
    settings.WEBHOOKS_ALLOW_LOOPBACK_HTTP = False
    for url in ("http://ewo.musterstadt.de/hooks", "http://127.0.0.1:8080/hooks"):
        response = admin_client.post(reverse("admin:core_webhookendpoint_add"), form(office, url))
        assert response.status_code == 200
        assertContains(response, "https://")
    response = admin_client.post(
        reverse("admin:core_webhookendpoint_add"),
        form(office, "https://ewo.musterstadt.de/", events=["appointment.exploded"]),
    )
    assert response.status_code == 200
    assert not WebhookEndpoint.objects.exists()


def test_delivery_log_filters_by_state_and_sends_again(admin_client, office, receiver):
    hook = WebhookEndpoint.objects.create(
        department=office.id_card.department,
        name="OK.EWO",
        url=f"{receiver.url}/hook",
        events=[WebhookEvent.APPOINTMENT_BOOKED],
    )
    receiver.answers = [500]
    failed = book(office)
    url = reverse("admin:core_webhookdelivery_changelist")

    waiting = admin_client.get(url, {"state": "pending"})
    assert [row.pk for row in waiting.context["cl"].result_list] == [
        WebhookDelivery.objects.get().pk
    ]
    assert admin_client.get(url, {"state": "delivered"}).context["cl"].result_count == 0
    delivery = WebhookDelivery.objects.get(endpoint=hook)
    detail = admin_client.get(reverse("admin:core_webhookdelivery_change", args=[delivery.pk]))
    assertContains(detail, failed.reference)
    assertContains(detail, "HTTP 500")

    response = admin_client.post(
        url, {"action": "send_again", "_selected_action": [delivery.pk]}, follow=True
    )

    assertContains(response, "1 Zustellung erneut eingereiht.")
    delivered = admin_client.get(url, {"state": "delivered"})
    assert delivered.context["cl"].result_count == 1
    assert [request.status for request in receiver.received] == [500, 200]
    assert {request.id for request in receiver.received} == {delivery.event_id}


def test_delivery_log_cannot_be_written_by_hand(admin_client, office):
    assert admin_client.get(reverse("admin:core_webhookdelivery_add")).status_code == 403
