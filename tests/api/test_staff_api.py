"""The staff API with API keys: scope, read/write, revocation, and the office's core writers."""

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from amtstermin.core import api_keys, booking, retention
from amtstermin.core.items import Item
from amtstermin.core.models import ApiKey, AppointmentEvent, Channel, Counter, Status, Visit
from tests import factories
from tests.citizen.conftest import MONDAY_9
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]


def issue(office, access="write", **options) -> str:
    return api_keys.create(
        name="Fachverfahren",
        department=office.id_card.department,
        locations=[office.location],
        access=access,
        now=timezone.now(),
        **options,
    ).secret


def booked(office, start=MONDAY_9, service=None):
    return booking.book(
        location=office.location,
        items=[Item(service or office.id_card)],
        start=start,
        contact=booking.Contact("Erika Mustermann", "erika@example.org", "0151 1"),
        channel=Channel.PHONE,
        now=timezone.now(),
    ).appointment


def bearer(secret: str) -> dict:
    return {"authorization": f"Bearer {secret}"}


def test_without_a_valid_key_the_staff_api_answers_401(api, office):
    plan = f"/staff/locations/{office.location.pk}/appointments"
    assert api.get(plan, date="2026-12-07").status_code == 401
    answer = api.client.get("/api/v1" + plan, {"date": "2026-12-07"}, headers=bearer("amt_wrong"))
    assert answer.status_code == 401
    assert answer["Content-Type"] == "application/problem+json"
    assert answer["WWW-Authenticate"].startswith("Bearer")


def test_the_day_plan_shows_the_keys_department_only(api, office, client):
    mine = booked(office)
    other_department = factories.service(name="Eheschließung", locations=[office.location])
    clerk = factories.staff(skills=[other_department])
    factories.roster(clerk, office.location)
    theirs = booked(office, start=berlin(2026, 12, 7, 10, 0), service=other_department)
    secret = issue(office, access="read")
    answer = client.get(
        f"/api/v1/staff/locations/{office.location.pk}/appointments",
        {"date": "2026-12-07"},
        headers=bearer(secret),
    )
    assert answer.status_code == 200
    assert [row["reference"] for row in answer.json()] == [mine.reference]
    assert answer.json()[0]["name"] == "Erika Mustermann"
    # Another department's appointment does not exist for this key.
    found = client.get(f"/api/v1/staff/appointments/{theirs.reference}", headers=bearer(secret))
    assert found.status_code == 404
    key = ApiKey.objects.get()
    assert key.last_used_at is not None
    # Both calls in the key's call log, the refused one too.
    assert [(call.method, call.status) for call in key.calls.order_by("pk")] == [
        ("GET", 200),
        ("GET", 404),
    ]


def test_a_read_key_cannot_write(client, office):
    appointment = booked(office)
    secret = issue(office, access="read")
    answer = client.post(
        f"/api/v1/staff/appointments/{appointment.reference}/cancel",
        {"reason": "krank"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert answer.status_code == 403
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED


def test_a_revoked_key_gets_401_at_once(client, office):
    secret = issue(office)
    plan = f"/api/v1/staff/locations/{office.location.pk}/appointments?date=2026-12-07"
    assert client.get(plan, headers=bearer(secret)).status_code == 200
    api_keys.revoke(ApiKey.objects.get(), now=timezone.now())
    assert client.get(plan, headers=bearer(secret)).status_code == 401


def test_a_write_key_moves_and_cancels_under_its_name_in_the_history(client, office):
    appointment = booked(office)
    secret = issue(office)
    moved = client.post(
        f"/api/v1/staff/appointments/{appointment.reference}/reschedule",
        {"start": berlin(2026, 12, 8, 9, 0).isoformat()},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert moved.status_code == 200, moved.json()
    assert moved.json()["start"] == "2026-12-08T08:00:00+00:00"
    cancelled = client.post(
        f"/api/v1/staff/appointments/{appointment.reference}/cancel",
        {"reason": "Amt geschlossen"},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert cancelled.json()["status"] == Status.CANCELLED
    events = appointment.events.exclude(kind=AppointmentEvent.Kind.BOOKED).select_related("staff")
    assert [(event.kind, event.staff.name) for event in events.order_by("pk")] == [
        (AppointmentEvent.Kind.RESCHEDULED, "API: Fachverfahren"),
        (AppointmentEvent.Kind.CANCELLED, "API: Fachverfahren"),
    ]


def test_walk_in_call_next_and_finish(client, office, clock):
    clock.now = berlin(2026, 12, 7, 9, 0)
    counter = Counter.objects.create(location=office.location, name="Schalter 1")
    office.clerk.user = get_user_model().objects.create_user("clerk", password="x-y-z-123456")
    office.clerk.save()
    office.clerk.locations.add(office.location)
    secret = issue(office)
    ticket = client.post(
        f"/api/v1/staff/locations/{office.location.pk}/walk-ins",
        {"items": [{"service": office.id_card.pk}]},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert ticket.status_code == 201, ticket.json()
    assert ticket.json()["state"] == Visit.State.WAITING
    called = client.post(
        f"/api/v1/staff/counters/{counter.pk}/call-next",
        {"clerk": office.clerk.pk},
        content_type="application/json",
        headers=bearer(secret),
    )
    assert called.status_code == 200, called.json()
    assert called.json()["waiting_number"] == ticket.json()["waiting_number"]
    assert called.json()["counter"] == "Schalter 1"
    done = client.post(f"/api/v1/staff/visits/{called.json()['id']}/finish", headers=bearer(secret))
    assert done.json()["state"] == Visit.State.DONE


def test_a_key_of_another_department_cannot_check_in_or_call(client, office, clock):
    clock.now = berlin(2026, 12, 7, 8, 55)
    appointment = booked(office)
    stranger = api_keys.create(
        name="Standesamt",
        department=factories.department(),
        locations=[office.location],
        access="write",
        now=timezone.now(),
    ).secret
    check_in = f"/api/v1/staff/appointments/{appointment.reference}/check-in"
    assert client.post(check_in, headers=bearer(stranger)).status_code == 404
    assert client.post(check_in, headers=bearer(issue(office))).status_code == 200


def test_an_administrator_creates_a_key_in_the_admin_sees_it_once_and_revokes_it(
    admin_client, office
):
    answer = admin_client.post(
        "/admin/core/apikey/add/",
        {
            "name": "OK.EWO",
            "department": office.id_card.department.pk,
            "locations": [office.location.pk],
            "access": "write",
        },
        follow=True,
    )
    assert answer.status_code == 200
    shown = re.search(r"amt_[\w-]+", answer.content.decode()).group(0)
    key = ApiKey.objects.get()
    assert key.digest != shown and shown not in key.digest  # only the digest is kept
    assert api_keys.find(shown, now=timezone.now()) == key
    assert shown not in admin_client.get(f"/admin/core/apikey/{key.pk}/change/").content.decode()
    admin_client.post(
        "/admin/core/apikey/", {"action": "revoke", "_selected_action": [key.pk]}, follow=True
    )
    assert api_keys.find(shown, now=timezone.now()) is None


def test_the_call_log_is_purged_after_the_retention_period(office, clock):
    key = api_keys.create(
        name="Alt", department=office.id_card.department, locations=[], access="read", now=clock.now
    ).key
    api_keys.record_call(
        key, method="GET", path="/api/v1/staff/requests", status=200, now=clock.now
    )
    assert retention.purge(now=clock.now + timedelta(days=10)).api_calls == 0
    assert retention.purge(now=clock.now + timedelta(days=40)).api_calls == 1
    assert not key.calls.exists()
