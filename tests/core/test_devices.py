"""Device links for the call display and the kiosk: issued once, found by token, revoked."""

from datetime import timedelta

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import devices, visits
from amtstermin.core.models import Counter, DeviceLink
from tests import factories
from tests.conftest import berlin
from tests.core.test_visits import MONDAY, book
from tests.office.logins import log_in_verified

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 7, 7, 0)
DISPLAY, KIOSK = DeviceLink.Kind.DISPLAY, DeviceLink.Kind.KIOSK


def test_an_issued_link_opens_its_screen_and_only_its_digest_is_stored(office):
    token = devices.issue(office.location, DISPLAY, "Wartebereich links", now=NOW)

    device = devices.find(token, DISPLAY)

    assert device.location == office.location
    assert (device.name, device.created_at, device.revoked_at) == ("Wartebereich links", NOW, None)
    assert token not in device.digest
    assert len(token) >= 32  # 192 random bits, URL-safe


def test_a_link_opens_only_the_kind_of_screen_it_was_issued_for(office):
    token = devices.issue(office.location, KIOSK, "Eingang", now=NOW)

    assert devices.find(token, DISPLAY) is None
    assert devices.find(token, KIOSK) is not None


@pytest.mark.parametrize("token", ["", "not-a-token", "x" * 500])
def test_an_unknown_token_finds_nothing(office, token):
    devices.issue(office.location, DISPLAY, "Wartebereich", now=NOW)

    assert devices.find(token, DISPLAY) is None


def test_a_revoked_link_finds_nothing_and_keeps_its_first_revocation(office):
    token = devices.issue(office.location, DISPLAY, "Wartebereich", now=NOW)
    device = devices.find(token, DISPLAY)

    devices.revoke(device, now=NOW + timedelta(hours=1))
    devices.revoke(device, now=NOW + timedelta(hours=2))

    assert devices.find(token, DISPLAY) is None
    assert DeviceLink.objects.get().revoked_at == NOW + timedelta(hours=1)
    assert device.revoked_at == NOW + timedelta(hours=1)


def test_two_links_never_share_a_token(office):
    tokens = {devices.issue(office.location, DISPLAY, f"Bildschirm {n}", now=NOW) for n in range(5)}

    assert len(tokens) == 5


def test_the_display_link_carries_its_locations_latest_call_in_one_query(
    office, django_assert_num_queries
):
    token = devices.issue(office.location, DISPLAY, "Wartebereich", now=NOW)
    assert devices.find(token, DISPLAY).latest_call_id is None
    appointment = book(office)
    visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    desk = Counter.objects.create(location=office.location, name="3")
    visits.call_next(office.clerk, desk, now=MONDAY)
    called = visits.recall(appointment.visit, now=MONDAY + timedelta(minutes=1))

    with django_assert_num_queries(1):
        device = devices.find(token, DISPLAY)

    assert device.latest_call_id == called.events.latest("at", "pk").pk


def test_calls_at_another_location_do_not_change_the_mark(office):
    token = devices.issue(office.location, DISPLAY, "Wartebereich", now=NOW)
    elsewhere = factories.location(name="Bürgerbüro Nord")
    other = devices.issue(elsewhere, DISPLAY, "Nord", now=NOW)
    appointment = book(office)
    visits.check_in(appointment, now=MONDAY - timedelta(minutes=5))
    visits.call_next(
        office.clerk, Counter.objects.create(location=office.location, name="1"), now=MONDAY
    )

    assert devices.find(token, DISPLAY).latest_call_id is not None
    assert devices.find(other, DISPLAY).latest_call_id is None


# Django admin: where IT staff create and revoke the links for now


@pytest.fixture
def admin_client(client, admin_user):
    log_in_verified(client, admin_user)
    return client


def test_admin_creates_a_link_and_shows_its_address_once(admin_client, office):
    response = admin_client.post(
        reverse("admin:core_devicelink_add"),
        {"location": office.location.pk, "kind": DISPLAY, "name": "Wartebereich"},
        follow=True,
    )

    [shown] = [str(m) for m in response.context["messages"] if "/anzeige/" in str(m)]
    address = shown.split(": ", 1)[1]
    assert shown.startswith("Öffnen Sie diese Adresse auf dem Bildschirm.")
    assert admin_client.get(address).status_code == 200
    device = DeviceLink.objects.get()
    assert address.split("/")[-2] not in device.digest
    assertNotContains(
        admin_client.get(reverse("admin:core_devicelink_change", args=[device.pk])),
        address.split("/")[-2],
    )


def test_admin_revokes_selected_links(admin_client, office):
    token = devices.issue(office.location, KIOSK, "Eingang", now=NOW)
    device = devices.find(token, KIOSK)

    response = admin_client.post(
        reverse("admin:core_devicelink_changelist"),
        {"action": "revoke", "_selected_action": [device.pk]},
        follow=True,
    )

    assertContains(response, "1 Geräte-Link gesperrt.")
    assert devices.find(token, KIOSK) is None
