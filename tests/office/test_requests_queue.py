"""The staff work queue for online requests: scoped by department, filtered, searched and paged
with a constant number of queries; claim/answer/reject and internal notes via the pages, the
core's refusals shown as errors, closed requests read-only, another department's request a 404."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amtstermin.core import numbers, online_requests
from amtstermin.core.models import OnlineRequest, Service, StaffMember
from amtstermin.core.online_requests import Kind, Requester, Status
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

ERIKA = Requester(
    name="Erika Mustermann", email="erika@example.org", postal_address="Markt 3\n12345 Musterstadt"
)
PERSON = factories.melderegister_data()


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
    assert "Melderegisterauskunft" in body and "Erika Mustermann" in body
    assert "2 Anträge gefunden" in body


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
    assert "Gesuchte Person" in detail.content.decode()
    assert "01.04.1980" in detail.content.decode()  # the birth date as Germans write it

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


def test_another_departments_request_takes_no_note(client, registry, other):
    foreign = submit(other)

    response = logged_in(client, registry.clerk).post(
        page(foreign), {"action": "note", "text": "Hallo"}
    )

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.staff_notes == ""


# The queue's filters, search and pages.


def many(service, count: int, *, status=Status.SUBMITTED, claimed_by=None, name="Erika Muster"):
    """`count` requests received a minute apart, straight into the table (no mails needed)."""
    return OnlineRequest.objects.bulk_create(
        OnlineRequest(
            reference=numbers.new_reference(),
            service=service,
            kind=Kind.MELDEREGISTERAUSKUNFT,
            status=status,
            claimed_by=claimed_by,
            name=f"{name} {number}",
            email="erika@example.org",
            postal_address="Markt 3",
            data=PERSON,
            created_at=berlin(2026, 12, 1, 8, 0) + timedelta(minutes=number),
            updated_at=berlin(2026, 12, 2, 8, 0) + timedelta(minutes=number),
            confirmed_at=berlin(2026, 12, 1, 8, 0) + timedelta(minutes=number),
        )
        for number in range(count)
    )


def listed(response) -> list[str]:
    """The references in the queue's table, in order."""
    return re.findall(r'class="kern-link amt-requests-reference" href="[^"]+">([^<]+)<', response)


def queue(client, **query) -> str:
    response = client.get(reverse("office:requests"), query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def clerk_client(client, registry):
    return logged_in(client, registry.clerk)


def test_clerk_shows_open_mine_closed_or_all(clerk_client, registry):
    [waiting] = many(registry.service, 1, name="Wartend")
    [mine] = many(registry.service, 1, status=Status.IN_PROGRESS, claimed_by=registry.clerk)
    [theirs] = many(registry.service, 1, status=Status.IN_PROGRESS, claimed_by=registry.colleague)
    [answered] = many(registry.service, 1, status=Status.ANSWERED, claimed_by=registry.clerk)
    [rejected] = many(registry.service, 1, status=Status.REJECTED, claimed_by=registry.colleague)
    every = [waiting, mine, theirs, answered, rejected]
    references = {request.pk: request.reference for request in every}

    def shown(**query):
        return listed(queue(clerk_client, **query))

    assert shown() == [references[r.pk] for r in (waiting, mine, theirs)]
    assert shown(status="mine") == [mine.reference]
    # Closed: the most recently closed first (updated a minute apart, in creation order).
    assert shown(status="closed") == [rejected.reference, answered.reference]
    assert shown(status="all") == [references[r.pk] for r in reversed(every)]

    body = queue(clerk_client, status="closed")
    assert "Abgeschlossene Anträge, zuletzt abgeschlossene zuerst" in body
    assert '<option value="closed" selected>' in body
    assert "Filter zurücksetzen" in body


def test_clerk_filters_by_service(clerk_client, registry, other):
    tax = factories.service(
        name="Auskunft zur Steuer-ID",
        mode=Service.Mode.ONLINE_REQUEST,
        department=registry.service.department,
    )
    [register] = many(registry.service, 1)
    [tax_request] = many(tax, 1)
    many(other, 1)

    assert listed(queue(clerk_client, service=tax.pk)) == [tax_request.reference]
    assert listed(queue(clerk_client, service=registry.service.pk)) == [register.reference]
    body = queue(clerk_client, service=tax.pk)
    assert f'<option value="{tax.pk}" selected>Auskunft zur Steuer-ID</option>' in body
    # Another department's service is no choice; asked for anyway, the filter is dropped.
    assert f'value="{other.pk}"' not in body
    assert listed(queue(clerk_client, service=other.pk)) == [
        register.reference,
        tax_request.reference,
    ]


def test_clerk_finds_a_request_by_reference_or_name(clerk_client, registry, other):
    first, second = many(registry.service, 2)
    [foreign] = many(other, 1, name="Erika Fremd")

    # A whole reference as read out on the phone: small letters, spaces, O for 0.
    spoken = first.reference.lower().replace("-", " ").replace("0", "o")
    assert listed(queue(clerk_client, q=spoken, status="all")) == [first.reference]
    assert listed(queue(clerk_client, q=second.reference[:4], status="all")) == [second.reference]
    assert listed(queue(clerk_client, q="muster 1")) == [second.reference]
    assert listed(queue(clerk_client, q="ERIKA")) == [first.reference, second.reference]
    # Another department's request is not found, not even by its exact reference.
    body = queue(clerk_client, q=foreign.reference, status="all")
    assert listed(body) == [] and "Kein Antrag passt zu diesen Filtern." in body
    assert "Erika Fremd" not in queue(clerk_client, q="Fremd", status="all")


def test_queue_shows_25_requests_a_page_with_page_links_keeping_the_filters(clerk_client, registry):
    made = many(registry.service, 30)

    first = queue(clerk_client, q="erika")
    assert listed(first) == [request.reference for request in made[:25]]
    assert "30 Anträge gefunden, 1 bis 25 werden angezeigt" in first
    assert '<nav class="amt-pagination" aria-label="Seiten der Liste">' in first
    assert 'href="?q=erika" aria-current="page"' in first
    assert 'href="?q=erika&amp;page=2" rel="next">Nächste Seite</a>' in first
    assert "Online-Anträge (Seite 1 von 2)" in first

    second = queue(clerk_client, q="erika", page="2")
    assert listed(second) == [request.reference for request in made[25:]]
    assert 'href="?q=erika&amp;page=2" aria-current="page"' in second
    assert 'href="?q=erika" rel="prev">Vorherige Seite</a>' in second
    assert "Nächste Seite" not in second


@pytest.mark.parametrize(
    ("query", "page_shown"),
    [
        ({"page": "abc"}, 1),
        ({"page": "0"}, 2),  # Django's paginator: out of range means the last page
        ({"page": "-3"}, 2),
        ({"page": "99999999999999999999999"}, 2),
        ({"page": "2", "status": "explode"}, 2),
        ({"service": "abc"}, 1),
        ({"service": "99999999999999999999999"}, 1),
        ({"service": "-1"}, 1),
        ({"q": "x" * 500}, 1),
        ({"status": ["closed", "open"]}, 1),  # the last one counts
    ],
)
def test_unknown_filters_and_pages_fall_back_to_a_sensible_default(
    clerk_client, registry, query, page_shown
):
    made = many(registry.service, 30)

    body = queue(clerk_client, **query)

    expected = made[:25] if page_shown == 1 else made[25:]
    assert listed(body) == [request.reference for request in expected]


def test_queue_without_requests_says_so(clerk_client, registry):
    body = queue(clerk_client)
    assert "Es gibt keine offenen Anträge." in body
    assert "0 Anträge gefunden" in body
    assert "amt-pagination" not in body


@pytest.mark.parametrize("show", ["open", "closed", "all"])
def test_queue_takes_the_same_number_of_queries_for_1_and_30_requests(clerk_client, registry, show):
    status = Status.SUBMITTED if show == "open" else Status.ANSWERED

    def queries_for(count: int) -> int:
        OnlineRequest.objects.all().delete()
        many(registry.service, count, status=status, claimed_by=registry.colleague)
        with CaptureQueriesContext(connection) as queries:
            body = queue(clerk_client, status=show, service=registry.service.pk, q="erika")
        assert len(listed(body)) == min(count, 25)
        assert "Tom Berger" in body
        return len(queries)

    assert queries_for(1) == queries_for(30)


def test_request_page_takes_the_same_number_of_queries_however_long_its_history(
    clerk_client, registry
):
    def queries_for(online_request) -> int:
        with CaptureQueriesContext(connection) as queries:
            response = clerk_client.get(page(online_request))
        assert response.status_code == 200
        return len(queries)

    short = submit(registry.service)
    long = submit(registry.service)
    online_requests.claim(request=long, staff=registry.clerk, now=berlin(2026, 12, 1, 9))
    online_requests.reject(
        request=long, staff=registry.clerk, reason="Nein", now=berlin(2026, 12, 1, 10)
    )

    assert queries_for(short) == queries_for(long)


# Internal notes and closed requests.


def test_clerk_adds_notes_that_the_requester_never_sees(client, registry, mailoutbox):
    online_request = submit(registry.service)
    token = online_requests.issue_token(online_request, now=berlin(2026, 12, 1, 8))
    client = logged_in(client, registry.clerk)

    response = client.post(
        page(online_request), {"action": "note", "text": "Sperrvermerk prüfen"}, follow=True
    )

    assert response.redirect_chain == [(page(online_request), 302)]
    body = response.content.decode()
    assert "Ihre Notiz zum Antrag" in body
    assert "Sabine Kowalski:</strong><br>Sperrvermerk prüfen" in body
    online_request.refresh_from_db()
    assert online_request.status == Status.SUBMITTED
    assert online_request.events.count() == 1
    assert len(mailoutbox) == 1  # only the receipt

    client.logout()
    status_page = client.get(reverse("citizen:request_status", args=[token]))
    assert status_page.status_code == 200
    assert "Sperrvermerk" not in status_page.content.decode()


def test_an_empty_note_is_an_error_linked_to_its_field(clerk_client, registry):
    online_request = submit(registry.service)

    response = clerk_client.post(page(online_request), {"action": "note", "text": "  "})

    assert response.status_code == 422
    body = response.content.decode()
    assert "<title>Fehler:" in body
    assert '<a class="kern-link" href="#note-text">Bitte schreiben Sie die Notiz.</a>' in body
    assert 'aria-describedby=" note-text-error" aria-invalid="true"' in body


def test_a_refused_answer_keeps_the_text_and_links_to_it(clerk_client, registry):
    online_request = submit(registry.service)
    online_requests.claim(request=online_request, staff=registry.clerk, now=berlin(2026, 12, 1, 9))

    response = clerk_client.post(page(online_request), {"action": "answer", "text": "x" * 2001})

    assert response.status_code == 422
    body = response.content.decode()
    assert 'href="#answer-text"' in body
    assert "x" * 2001 in body


def test_request_page_offers_only_the_next_steps(clerk_client, registry):
    online_request = submit(registry.service)

    submitted = clerk_client.get(page(online_request)).content.decode()
    assert 'value="claim"' in submitted and 'value="answer"' not in submitted
    assert 'value="reject"' in submitted and 'value="note"' in submitted

    clerk_client.post(page(online_request), {"action": "claim"})
    in_progress = clerk_client.get(page(online_request)).content.decode()
    assert 'value="claim"' not in in_progress and 'value="answer"' in in_progress
    assert "in der E-Mail und auf der Statusseite" in in_progress


def test_closed_request_is_read_only_with_its_history_and_notes(clerk_client, registry):
    online_request = submit(registry.service)
    online_requests.claim(request=online_request, staff=registry.clerk, now=berlin(2026, 12, 1, 9))
    online_requests.add_note(
        request=online_request, staff=registry.clerk, text="Rückruf", now=berlin(2026, 12, 1, 9)
    )
    online_requests.answer(
        request=online_request, staff=registry.clerk, text="Ringstraße 9", now=berlin(2026, 12, 2)
    )

    response = clerk_client.get(page(online_request))

    body = response.content.decode()
    assert "Dieser Antrag ist abgeschlossen (beantwortet)" in body
    assert 'name="action"' not in body and "<textarea" not in body
    assert "Ringstraße 9" in body and "Rückruf" in body
    history = body.split('id="history-heading"')[1]
    for line in (
        "1.12.2026 08:00: Eingegangen",
        "1.12.2026 09:00: In Bearbeitung (Sabine Kowalski)",
        "2.12.2026 00:00: Beantwortet (Sabine Kowalski)",
    ):
        assert line in history
    assert f'href="{reverse("office:requests")}?status=closed"' in body

    refused = clerk_client.post(page(online_request), {"action": "note", "text": "Noch was"})
    assert refused.status_code == 422
    assert "bereits beantwortet oder abgelehnt" in refused.content.decode()


def test_an_unconfirmed_request_is_in_no_list_and_its_page_is_a_404(clerk_client, registry):
    shown = submit(registry.service)
    hidden = online_requests.submit(
        service=registry.service,
        kind=Kind.MELDEREGISTERAUSKUNFT,
        requester=Requester(**{**ERIKA.__dict__, "name": "Noch Unbestätigt"}),
        data=PERSON,
        now=berlin(2026, 12, 1, 9, 0),
        confirmed=False,
    ).request

    for show in ("open", "all"):
        response = queue(clerk_client, status=show)
        assert listed(response) == [shown.reference]
        assert "Noch Unbestätigt" not in response
    assert listed(queue(clerk_client, q=hidden.reference)) == []
    assert clerk_client.get(page(hidden)).status_code == 404
    assert clerk_client.post(page(hidden), {"action": "claim"}).status_code == 404
    hidden.refresh_from_db()
    assert hidden.claimed_by is None
