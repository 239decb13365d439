"""Online requests without a visit: submit, claim, answer, reject, and the requester's emails."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from amtstermin.core import numbers, online_requests
from amtstermin.core.errors import (
    AlreadyClaimed,
    InvalidBirthDate,
    InvalidRequester,
    MissingLastAddress,
    MissingName,
    MissingPlaceOfBirth,
    MissingPurpose,
    MissingText,
    NoConsent,
    NotClaimed,
    NotRequestable,
    NotYourDepartment,
    OnlineRequestError,
    RequestClosed,
    RequestNotConfirmed,
)
from amtstermin.core.models import (
    OnlineRequest,
    OnlineRequestEvent,
    OnlineRequestToken,
    SentMessage,
    Service,
    StaffMember,
)
from amtstermin.core.notifications.tasks import send_online_request_mail
from amtstermin.core.online_requests import Kind, Requester, Status
from tests import factories
from tests.conftest import berlin

SITE = "https://termine.musterstadt.de"
NOW = berlin(2026, 12, 1, 8, 0)
LATER = berlin(2026, 12, 2, 10, 0)
ERIKA = Requester(
    name="  Erika   Mustermann ",
    email="erika@example.org",
    postal_address="Markt 3\n12345 Musterstadt",
)
PERSON = factories.melderegister_data()
OWN_DATA = {"date_of_birth": date(1975, 6, 30), "place_of_birth": "Köln"}
TAX_NUMBER = "12 345 678 901"


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def registry(db):
    """The Melderegisterauskunft and the Steuer-ID of one department, and a clerk there."""
    department = factories.department(name="Einwohnermeldewesen")
    online = {"mode": Service.Mode.ONLINE_REQUEST, "department": department}
    return type(
        "Registry",
        (),
        {
            "auskunft": factories.service(name="Melderegisterauskunft", **online),
            "tax": factories.service(name="Steuer-ID", fee=Decimal("0.00"), **online),
            "clerk": factories.staff(department_=department),
        },
    )


def submit(registry, kind=Kind.MELDEREGISTERAUSKUNFT, data=None, requester=ERIKA):
    service = registry.auskunft if kind == Kind.MELDEREGISTERAUSKUNFT else registry.tax
    default = PERSON if kind == Kind.MELDEREGISTERAUSKUNFT else OWN_DATA
    return online_requests.submit(
        service=service, kind=kind, requester=requester, data=data or default, now=NOW
    )


def text_of(message) -> str:
    return message.body


def html_of(message) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return html


def test_submit_stores_the_request_and_mails_a_receipt_once(registry, mailoutbox):
    submitted = submit(registry)

    request = OnlineRequest.objects.get()
    assert request == submitted.request
    assert numbers.parse_reference(request.reference) == request.reference
    assert request.status == Status.SUBMITTED
    assert request.name == "Erika Mustermann"
    assert request.fee == Decimal("10.00")
    assert request.data == {
        "first_name": "Max",
        "last_name": "Muster",
        "date_of_birth": "1980-04-01",
        "last_known_address": "Hauptstraße 5\n12345 Musterstadt",
        "purpose": "Zustellung einer Klage",
    }
    assert list(request.events.values_list("status", "staff")) == [(Status.SUBMITTED, None)]
    [mail] = mailoutbox
    assert mail.to == ["erika@example.org"]
    assert mail.subject == f"Wir haben Ihren Antrag erhalten: {request.reference}"
    assert mail.extra_headers["Message-ID"] == (
        f"<{request.reference}.request-submitted@termine.musterstadt.de>"
    )
    text = text_of(mail)
    assert "Guten Tag Erika Mustermann," in text
    assert "„Melderegisterauskunft“" in text
    assert "10,00 €" in text
    assert f"{SITE}/antrag/" in text and f"{SITE}/antrag/" in html_of(mail)
    assert SentMessage.objects.filter(message_id=mail.extra_headers["Message-ID"]).exists()

    send_online_request_mail.enqueue(request_id=request.pk, event=Status.SUBMITTED)
    assert len(mailoutbox) == 1  # a repeated task sends nothing


def test_tokens_are_stored_only_as_digests_and_open_the_request(registry, mailoutbox):
    submitted = submit(registry)
    mailed = text_of(mailoutbox[0]).split(f"{SITE}/antrag/")[1].split("/")[0]

    stored = set(OnlineRequestToken.objects.values_list("digest", flat=True))
    assert stored == {numbers.digest(submitted.token), numbers.digest(mailed)}
    assert submitted.token not in stored and mailed not in stored
    assert online_requests.find_by_token(submitted.token) == submitted.request
    assert online_requests.find_by_token(mailed) == submitted.request
    assert online_requests.find_by_token("unknown") is None
    assert online_requests.find_by_token("") is None


def test_claim_answer_mails_each_status_with_the_answer(registry, mailoutbox):
    request = submit(registry).request

    request = online_requests.claim(request=request, staff=registry.clerk, now=NOW)
    assert online_requests.claim(request=request, staff=registry.clerk, now=NOW) == request
    request = online_requests.answer(
        request=request, staff=registry.clerk, text="Max Muster, Ringstraße 9", now=LATER
    )

    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.claimed_by == registry.clerk
    assert request.answer == "Max Muster, Ringstraße 9"
    assert request.updated_at == LATER
    assert list(request.events.values_list("status", "staff")) == [
        (Status.SUBMITTED, None),
        (Status.IN_PROGRESS, registry.clerk.pk),
        (Status.ANSWERED, registry.clerk.pk),
    ]
    assert [mail.subject.split(":")[0] for mail in mailoutbox] == [
        "Wir haben Ihren Antrag erhalten",
        "Wir bearbeiten Ihren Antrag",
        "Ihr Antrag wurde beantwortet",
    ]
    assert "Max Muster, Ringstraße 9" in text_of(mailoutbox[2])
    assert "Max Muster, Ringstraße 9" in html_of(mailoutbox[2])


def test_reject_mails_the_reason_in_the_requesters_language(registry, mailoutbox):
    english = Requester(**{**ERIKA.__dict__, "language": "en"})
    request = submit(registry, requester=english).request

    online_requests.reject(
        request=request, staff=registry.clerk, reason="No legitimate interest.", now=LATER
    )

    request.refresh_from_db()
    assert request.status == Status.REJECTED
    assert request.rejection_reason == "No legitimate interest."
    assert [mail.subject.split(":")[0] for mail in mailoutbox] == [
        "We have received your request",
        "Your request has been rejected",
    ]
    assert "No legitimate interest." in text_of(mailoutbox[1])
    with pytest.raises(RequestClosed, match="bereits beantwortet oder abgelehnt"):
        online_requests.claim(request=request, staff=registry.clerk, now=LATER)
    assert len(mailoutbox) == 2


def test_steuer_id_answer_never_travels_by_email(registry, mailoutbox):
    request = submit(registry, kind=Kind.STEUER_ID).request
    assert request.data == {"date_of_birth": "1975-06-30", "place_of_birth": "Köln"}

    online_requests.claim(request=request, staff=registry.clerk, now=NOW)
    online_requests.answer(
        request=request, staff=registry.clerk, text=f"Steuer-ID {TAX_NUMBER}", now=LATER
    )

    assert OnlineRequest.objects.get().answer == f"Steuer-ID {TAX_NUMBER}"
    assert len(mailoutbox) == 3
    for mail in mailoutbox:
        assert TAX_NUMBER not in text_of(mail) + html_of(mail) + mail.subject
    assert "per Post an Ihre Meldeadresse" in text_of(mailoutbox[0])
    assert "per Post an Ihre Meldeadresse" in text_of(mailoutbox[2])


@pytest.mark.parametrize(
    ("kind", "change", "error", "german"),
    [
        (Kind.MELDEREGISTERAUSKUNFT, {"first_name": "  "}, MissingName, "Vor- und Nachnamen"),
        (Kind.MELDEREGISTERAUSKUNFT, {"last_name": 7}, MissingName, "Vor- und Nachnamen"),
        (Kind.MELDEREGISTERAUSKUNFT, {"date_of_birth": "2027-01-01"}, InvalidBirthDate, "Geburt"),
        (Kind.MELDEREGISTERAUSKUNFT, {"date_of_birth": "1.4.80"}, InvalidBirthDate, "Geburt"),
        (Kind.MELDEREGISTERAUSKUNFT, {"last_known_address": ""}, MissingLastAddress, "Anschrift"),
        (Kind.MELDEREGISTERAUSKUNFT, {"purpose": None}, MissingPurpose, "wofür"),
        (Kind.MELDEREGISTERAUSKUNFT, {"consent": "yes"}, NoConsent, "Gebühr"),
        (Kind.STEUER_ID, {"place_of_birth": ""}, MissingPlaceOfBirth, "Geburtsort"),
        (Kind.STEUER_ID, {"date_of_birth": None}, InvalidBirthDate, "Geburt"),
    ],
)
def test_invalid_form_data_is_refused_in_german_and_nothing_stored(
    registry, mailoutbox, kind, change, error, german
):
    data = {**(PERSON if kind == Kind.MELDEREGISTERAUSKUNFT else OWN_DATA), **change}
    with pytest.raises(error, match=german) as raised:
        submit(registry, kind=kind, data=data)
    assert raised.value.field in change
    assert not OnlineRequest.objects.exists()
    assert not OnlineRequestToken.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "change",
    [{"name": ""}, {"email": "erika@"}, {"postal_address": " \n "}, {"language": "fr"}],
)
def test_invalid_requester_is_refused(registry, mailoutbox, change):
    with pytest.raises(InvalidRequester, match="gültige E-Mail-Adresse"):
        submit(registry, requester=Requester(**{**ERIKA.__dict__, **change}))
    assert not OnlineRequest.objects.exists()
    assert mailoutbox == []


def test_only_online_request_services_and_known_kinds_are_accepted(registry, mailoutbox):
    appointment_service = factories.service(name="Personalausweis")
    with pytest.raises(NotRequestable, match="nicht online beantragt"):
        online_requests.submit(
            service=appointment_service,
            kind=Kind.STEUER_ID,
            requester=ERIKA,
            data=OWN_DATA,
            now=NOW,
        )
    with pytest.raises(NotRequestable):
        online_requests.submit(
            service=registry.tax, kind="führerschein", requester=ERIKA, data=OWN_DATA, now=NOW
        )
    assert not OnlineRequest.objects.exists()


def test_staff_rules_for_claiming_answering_and_rejecting(registry, mailoutbox):
    request = submit(registry).request
    colleague = factories.staff(department_=registry.clerk.department)
    stranger = factories.staff()

    with pytest.raises(NotYourDepartment):
        online_requests.claim(request=request, staff=stranger, now=NOW)
    with pytest.raises(NotClaimed):
        online_requests.answer(request=request, staff=registry.clerk, text="x", now=NOW)
    online_requests.claim(request=request, staff=registry.clerk, now=NOW)
    with pytest.raises(AlreadyClaimed):
        online_requests.claim(request=request, staff=colleague, now=NOW)
    with pytest.raises(MissingText, match="Grund"):
        online_requests.reject(request=request, staff=colleague, reason="  ", now=NOW)

    assert OnlineRequest.objects.get().status == Status.IN_PROGRESS
    assert OnlineRequestEvent.objects.count() == 2
    assert len(mailoutbox) == 2


def test_errors_share_one_base():
    assert issubclass(MissingName, OnlineRequestError)
    assert issubclass(RequestClosed, OnlineRequestError)


@pytest.mark.django_db
def test_an_online_form_is_refused_for_a_service_booked_at_the_office():
    service = factories.service(name="Personalausweis")
    service.request_kind = OnlineRequest.Kind.STEUER_ID

    with pytest.raises(ValidationError) as refused:
        service.full_clean()

    assert "nur für eine Dienstleistung, die online ohne Besuch" in str(refused.value)


def test_staff_notes_are_added_below_each_other_with_time_and_author(registry, mailoutbox):
    request = submit(registry).request
    colleague = factories.staff(department_=registry.clerk.department, name="Tom Berger")
    registry.clerk.name = "Sabine Kowalski"

    online_requests.add_note(
        request=request, staff=registry.clerk, text="  Rückfrage   beim\n\nAmtsgericht ", now=LATER
    )
    noted = online_requests.add_note(
        request=request, staff=colleague, text="Antwort liegt vor.", now=berlin(2026, 12, 3, 9, 5)
    )

    stored = OnlineRequest.objects.get()
    assert (
        noted.staff_notes
        == stored.staff_notes
        == (
            "02.12.2026 10:00 Sabine Kowalski:\nRückfrage beim\nAmtsgericht\n\n"
            "03.12.2026 09:05 Tom Berger:\nAntwort liegt vor."
        )
    )
    # Internal: no history entry, no mail, and the requester's "last change" stays.
    assert stored.status == Status.SUBMITTED
    assert stored.updated_at == NOW
    assert OnlineRequestEvent.objects.count() == 1
    assert len(mailoutbox) == 1


def test_a_note_is_refused_when_empty_too_long_foreign_or_closed(registry, mailoutbox):
    request = submit(registry).request
    stranger = factories.staff()

    with pytest.raises(MissingText, match="Bitte schreiben Sie die Notiz"):
        online_requests.add_note(request=request, staff=registry.clerk, text=" \n ", now=LATER)
    with pytest.raises(MissingText, match="höchstens 2000 Zeichen"):
        online_requests.add_note(request=request, staff=registry.clerk, text="x" * 2001, now=LATER)
    with pytest.raises(NotYourDepartment):
        online_requests.add_note(request=request, staff=stranger, text="Notiz", now=LATER)
    online_requests.reject(request=request, staff=registry.clerk, reason="Nein", now=LATER)
    with pytest.raises(RequestClosed):
        online_requests.add_note(request=request, staff=registry.clerk, text="Notiz", now=LATER)

    assert OnlineRequest.objects.get().staff_notes == ""


def test_an_administrator_notes_on_any_departments_request(registry):
    request = submit(registry).request
    administrator = factories.staff(role=StaffMember.Role.ADMINISTRATOR, name="Ada Admin")

    online_requests.add_note(request=request, staff=administrator, text="Geprüft", now=LATER)

    assert OnlineRequest.objects.get().staff_notes == "02.12.2026 10:00 Ada Admin:\nGeprüft"


def test_staff_notes_never_reach_the_requesters_mails(registry, mailoutbox):
    request = submit(registry).request
    online_requests.claim(request=request, staff=registry.clerk, now=LATER)
    online_requests.add_note(
        request=request, staff=registry.clerk, text="Vertraulich: Sperrvermerk prüfen", now=LATER
    )
    online_requests.answer(request=request, staff=registry.clerk, text="Ringstraße 9", now=LATER)

    assert len(mailoutbox) == 3
    for mail in mailoutbox:
        assert "Sperrvermerk" not in text_of(mail) and "Sperrvermerk" not in html_of(mail)


# Sent without the proof of work (JavaScript off): held until the emailed link is followed.


def submit_unconfirmed(registry) -> online_requests.Submitted:
    return online_requests.submit(
        service=registry.auskunft,
        kind=Kind.MELDEREGISTERAUSKUNFT,
        requester=ERIKA,
        data=PERSON,
        now=NOW,
        confirmed=False,
    )


def test_an_unconfirmed_request_gets_only_the_mail_to_confirm(registry, mailoutbox):
    submitted = submit_unconfirmed(registry)

    request = OnlineRequest.objects.get()
    assert request.confirmed_at is None
    assert not request.events.exists()
    [mail] = mailoutbox
    assert mail.subject == f"Bitte bestätigen Sie Ihren Antrag: {request.reference}"
    assert mail.extra_headers["Message-ID"] == (
        f"<{request.reference}.request-confirm-request@termine.musterstadt.de>"
    )
    text = text_of(mail)
    assert "Bitte bestätigen Sie ihn" in text
    assert "„Antrag bestätigen“" in text
    assert "Hier bestätigen Sie Ihren Antrag:" in text
    assert "Antrag bestätigen</a>" in html_of(mail)
    mailed = text.split(f"{SITE}/antrag/")[1].split("/")[0]
    # Only the mailed key proves the mailbox; the one from the form's redirect does not.
    assert online_requests.find_by_token(mailed, mailed=True) == request
    assert online_requests.find_by_token(submitted.token, mailed=True) is None
    assert online_requests.find_by_token(submitted.token) == request

    send_online_request_mail.enqueue(request_id=request.pk, event="confirm-request")
    assert len(mailoutbox) == 1  # a repeated task sends nothing


def test_confirming_sends_the_receipt_once_and_starts_the_history(registry, mailoutbox):
    submitted = submit_unconfirmed(registry)

    request = online_requests.confirm(request=submitted.request, now=LATER)
    again = online_requests.confirm(request=submitted.request, now=berlin(2026, 12, 2, 11, 0))

    assert request.confirmed_at == again.confirmed_at == LATER
    assert list(request.events.values_list("status", "at")) == [(Status.SUBMITTED, LATER)]
    confirm_mail, receipt = mailoutbox
    assert receipt.subject == f"Wir haben Ihren Antrag erhalten: {request.reference}"
    # A "please confirm" task that runs late finds it confirmed and sends nothing.
    SentMessage.objects.all().delete()
    send_online_request_mail.enqueue(request_id=request.pk, event="confirm-request")
    assert len(mailoutbox) == 2


def test_a_confirmed_request_gets_the_receipt_and_no_mail_to_confirm(registry, mailoutbox):
    submit(registry)

    assert OnlineRequest.objects.get().confirmed_at == NOW
    [mail] = mailoutbox
    assert mail.subject.startswith("Wir haben Ihren Antrag erhalten")


def test_staff_can_neither_see_nor_claim_an_unconfirmed_request(registry, mailoutbox):
    submitted = submit_unconfirmed(registry)

    assert not OnlineRequest.objects.confirmed().exists()
    with pytest.raises(RequestNotConfirmed):
        online_requests.claim(request=submitted.request, staff=registry.clerk, now=LATER)
    with pytest.raises(RequestNotConfirmed):
        online_requests.add_note(
            request=submitted.request, staff=registry.clerk, text="Hallo", now=LATER
        )
    request = OnlineRequest.objects.get()
    assert (request.status, request.claimed_by, request.staff_notes) == (
        Status.SUBMITTED,
        None,
        "",
    )


def test_request_mails_read_as_a_german_letter_signed_by_the_department(
    registry, mailoutbox, settings
):
    settings.TOWN_NAME = "Musterstadt"
    settings.DEFAULT_FROM_EMAIL = "Bürgerbüro <termine@musterstadt.de>"
    office = factories.location(
        name="Bürgerbüro Musterstadt", email="buergerbuero@musterstadt.de", phone="0221 4710 100"
    )
    factories.service(department=registry.auskunft.department, locations=[office])
    request = submit(registry).request
    online_requests.claim(request=request, staff=registry.clerk, now=NOW)
    online_requests.answer(request=request, staff=registry.clerk, text="Ringstraße 9", now=LATER)

    receipt, _working, answered = mailoutbox
    # The department writes, under the site's own address; replies reach its office.
    assert receipt.from_email == "Einwohnermeldewesen Musterstadt <termine@musterstadt.de>"
    assert receipt.reply_to == ["buergerbuero@musterstadt.de"]
    for body in (text_of(receipt), html_of(receipt)):
        assert "vielen Dank" not in body  # that is the mail to confirm
        assert "wir haben Ihren Antrag „Melderegisterauskunft“ erhalten" in body
        assert "Einwohnermeldewesen" in body.split("Mit freundlichen Grüßen")[1]
        assert "Bürgerbüro Musterstadt, Markt 1, 12345 Musterstadt" in body
        # The HTML keeps the number one left-to-right run (dir="ltr"), for Arabic and Persian.
        assert re.search(r"Telefon: (<span dir=\"ltr\">)?0221 4710 100", body)
        assert "buergerbuero@musterstadt.de" in body
    # After the greeting's comma a German letter goes on in lower case.
    assert "Guten Tag Erika Mustermann,\n\nwir haben Ihren Antrag" in text_of(receipt)
    assert "Guten Tag Erika Mustermann,\n\nhier ist unsere Antwort:" in text_of(answered)


def test_a_mail_to_confirm_begins_with_thanks_in_lower_case(registry, mailoutbox):
    submit_unconfirmed(registry)
    [message] = mailoutbox
    assert "Guten Tag Erika Mustermann,\n\nvielen Dank für Ihren Antrag" in text_of(message)
    assert "<p>vielen Dank für Ihren Antrag" in html_of(message)
