"""The staff work queue for online requests: scoped by department, claim/answer/reject via the
pages, the core's refusals shown as errors, another department's request a 404."""

from decimal import Decimal

import pytest
from django.urls import reverse

from amtstermin.core import online_requests
from amtstermin.core.models import OnlineRequest, Service, StaffMember
from amtstermin.core.online_requests import Kind, Requester, Status
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

ERIKA = Requester(
    name="Erika Mustermann", email="erika@example.org", postal_address="Markt 3\n12345 Musterstadt"
)
PERSON = {
    "first_name": "Max",
    "last_name": "Muster",
    "date_of_birth": "1980-04-01",
    "last_known_address": "Hauptstraße 5\n12345 Musterstadt",
    "purpose": "Zustellung einer Klage",
    "consent": True,
}


def online_service(department) -> Service:
    return factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        department=department,
        fee=Decimal("10.00"),
    )


def submit(service, *, day: int = 1, requester=ERIKA) -> OnlineRequest:
    return online_requests.submit(
        service=service,
        kind=Kind.MELDEREGISTERAUSKUNFT,
        requester=requester,
        data=PERSON,
        now=berlin(2026, 12, day, 8, 0),
    ).request


@pytest.fixture
def registry(db):
    department = factories.department(name="Einwohnermeldewesen")
    return type(
        "Registry",
        (),
        {
            "service": online_service(department),
            "clerk": factories.staff(department_=department, name="Sabine Kowalski"),
            "colleague": factories.staff(department_=department, name="Tom Berger"),
        },
    )


@pytest.fixture
def other(db) -> Service:
    return online_service(factories.department(name="Standesamt"))


def page(online_request) -> str:
    return reverse("office:request_detail", kwargs={"reference": online_request.reference})


def logged_in(client, staff: StaffMember):
    log_in_verified(client, user_for(staff))
    return client


def test_queue_lists_open_requests_of_the_own_department_oldest_first(client, registry, other):
    later = submit(registry.service, day=3)
    earlier = submit(registry.service, day=2)
    closed = submit(registry.service, day=1)
    online_requests.reject(
        request=closed, staff=registry.clerk, reason="Kein Interesse", now=berlin(2026, 12, 1, 9)
    )
    foreign = submit(other)

    response = logged_in(client, registry.clerk).get(reverse("office:requests"))

    assert response.status_code == 200
    body = response.content.decode()
    assert earlier.reference in body and later.reference in body
    assert body.index(earlier.reference) < body.index(later.reference)
    assert closed.reference not in body
    assert foreign.reference not in body
    assert "Einfache Melderegisterauskunft" in body


def test_administrator_sees_every_department(client, registry, other):
    own, foreign = submit(registry.service), submit(other)
    registry.clerk.role = StaffMember.Role.ADMINISTRATOR
    registry.clerk.save()

    body = logged_in(client, registry.clerk).get(reverse("office:requests")).content.decode()

    assert own.reference in body and foreign.reference in body


def test_overview_links_to_the_queue(client, registry):
    body = logged_in(client, registry.clerk).get(reverse("office:overview")).content.decode()
    assert reverse("office:requests") in body
    assert "Online-Anträge" in body


def test_claim_then_answer_mails_the_citizen(client, registry, mailoutbox):
    online_request = submit(registry.service)
    client = logged_in(client, registry.clerk)

    detail = client.get(page(online_request))
    assert detail.status_code == 200
    assert "Max" in detail.content.decode() and "Zustellung einer Klage" in detail.content.decode()

    response = client.post(page(online_request), {"action": "claim"}, follow=True)
    assert response.redirect_chain == [(page(online_request), 302)]
    assert "Sabine Kowalski" in response.content.decode()
    online_request.refresh_from_db()
    assert online_request.status == Status.IN_PROGRESS
    assert online_request.claimed_by == registry.clerk

    response = client.post(
        page(online_request), {"action": "answer", "text": "Max Muster, Ringstraße 9"}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("office:requests")
    online_request.refresh_from_db()
    assert online_request.status == Status.ANSWERED
    assert online_request.answer == "Max Muster, Ringstraße 9"
    assert [mail.to for mail in mailoutbox] == [["erika@example.org"]] * 3
    assert "Max Muster, Ringstraße 9" in mailoutbox[-1].body


def test_reject_mails_the_reason(client, registry, mailoutbox):
    online_request = submit(registry.service)

    response = logged_in(client, registry.clerk).post(
        page(online_request), {"action": "reject", "text": "Kein berechtigtes Interesse."}
    )

    assert response.status_code == 302
    online_request.refresh_from_db()
    assert online_request.status == Status.REJECTED
    assert mailoutbox[-1].to == ["erika@example.org"]
    assert "Kein berechtigtes Interesse." in mailoutbox[-1].body


@pytest.mark.parametrize(
    ("post", "message"),
    [
        ({"action": "answer", "text": "Antwort"}, "Bitte übernehmen Sie den Antrag"),
        ({"action": "reject", "text": "   "}, "Bitte schreiben Sie die Antwort"),
        ({"action": "explode"}, "nicht möglich"),
    ],
)
def test_refusals_are_shown_as_errors(client, registry, mailoutbox, post, message):
    online_request = submit(registry.service)

    response = logged_in(client, registry.clerk).post(page(online_request), post)

    assert response.status_code == 422
    assert message in response.content.decode()
    online_request.refresh_from_db()
    assert online_request.status == Status.SUBMITTED
    assert len(mailoutbox) == 1


def test_a_colleagues_claim_is_refused(client, registry):
    online_request = submit(registry.service)
    online_requests.claim(
        request=online_request, staff=registry.colleague, now=berlin(2026, 12, 1, 9)
    )

    response = logged_in(client, registry.clerk).post(page(online_request), {"action": "claim"})

    assert response.status_code == 422
    assert "bearbeitet bereits eine Kollegin oder ein Kollege" in response.content.decode()
    online_request.refresh_from_db()
    assert online_request.claimed_by == registry.colleague


def test_a_closed_request_is_refused(client, registry):
    online_request = submit(registry.service)
    online_requests.reject(
        request=online_request, staff=registry.clerk, reason="Nein", now=berlin(2026, 12, 1, 9)
    )

    response = logged_in(client, registry.clerk).post(page(online_request), {"action": "claim"})

    assert response.status_code == 422
    assert "bereits beantwortet oder abgelehnt" in response.content.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_departments_request_is_a_404(client, registry, other, method):
    foreign = submit(other, requester=Requester(**{**ERIKA.__dict__, "name": "Fremde Person"}))
    client = logged_in(client, registry.clerk)

    response = getattr(client, method)(page(foreign), {"action": "claim"})

    assert response.status_code == 404
    assert "Fremde Person" not in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.status == Status.SUBMITTED
