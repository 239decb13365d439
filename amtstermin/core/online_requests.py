"""Submit, confirm, claim, answer and reject online requests: the only writer of OnlineRequest.

Every status change records a history entry and enqueues the requester's email in the same
transaction (the task table is the outbox, as for appointments).

A request sent without the ALTCHA proof of work (JavaScript off) is stored unconfirmed: it gets
a "please confirm" mail instead of the receipt, no history entry, and staff never see it
(OnlineRequest.objects.confirmed()). Following the emailed link and pressing the button
confirms it; only then does it enter the office's queue with its "submitted" entry and mail.
Unconfirmed requests are deleted after a day (core/retention.py).
"""

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import inputs, limits, numbers, staff_scope, webhooks
from .errors import (
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
    RequestClosed,
    RequestNotConfirmed,
)
from .models import OnlineRequest, OnlineRequestEvent, OnlineRequestToken, Service, StaffMember
from .notifications.events import CONFIRM_REQUEST
from .notifications.tasks import send_online_request_mail

Kind = OnlineRequest.Kind
Status = OnlineRequest.Status
OPEN = (Status.SUBMITTED, Status.IN_PROGRESS)
TEXT_LIMIT = 2000
EARLIEST_BIRTH = date(1900, 1, 1)
NOTE_MISSING = _("Please write the note.")
NOTE_TOO_LONG = _("Please shorten the note to at most %(limit)d characters.")


@dataclass(frozen=True)
class Requester:
    name: str
    email: str
    postal_address: str  # for the Steuer-ID the registered address, where the answer goes
    language: str = "de"


@dataclass(frozen=True)
class Submitted:
    request: OnlineRequest
    token: str  # the link to the status page; only its digest is stored


def submit(
    *,
    service: Service,
    kind: str,
    requester: Requester,
    data: dict,
    now: datetime,
    confirmed: bool = True,
) -> Submitted:
    """Store a request after checking the requester and the form data for its kind.

    `confirmed=False` (no proof of work) holds it until the emailed link is followed (confirm);
    a mailbox gets only a few such "please confirm" mails a day (TooManyUnconfirmedRequests).
    Raises an OnlineRequestError (nothing stored) on the first problem found.
    """
    if not service.active or service.mode != Service.Mode.ONLINE_REQUEST or kind not in Kind:
        raise NotRequestable()
    requester = _clean_requester(requester)
    clean = _clean_melderegister if kind == Kind.MELDEREGISTERAUSKUNFT else _clean_tax
    cleaned = clean(data, today=now.date())
    email_key = "" if confirmed else limits.normalise_email(requester.email)
    with transaction.atomic(durable=True):
        if not confirmed:
            limits.check_unconfirmed_requests(email_key, now=now)
        request = OnlineRequest.objects.create(
            reference=numbers.new_reference(),
            service=service,
            kind=kind,
            name=requester.name,
            email=requester.email,
            postal_address=requester.postal_address,
            language=requester.language,
            data=cleaned,
            fee=service.fee or 0,
            created_at=now,
            updated_at=now,
            confirmed_at=now if confirmed else None,
            email_key=email_key,
        )
        if confirmed:
            _record(request, staff=None, now=now)
        else:
            send_online_request_mail.enqueue(request_id=request.pk, event=CONFIRM_REQUEST)
        token = issue_token(request, now=now)
    return Submitted(request, token)


def confirm(*, request: OnlineRequest, now: datetime) -> OnlineRequest:
    """The requester followed the emailed link: the request enters the office's queue.

    Confirming twice is harmless (a double click); raises nothing. The "submitted" history entry
    and the receipt mail come now, when the office first sees the request.
    """
    with transaction.atomic(durable=True):
        request = OnlineRequest.objects.select_for_update().get(pk=request.pk)
        if request.confirmed_at is not None:
            return request
        request.confirmed_at = now
        request.updated_at = now
        request.email_key = ""  # kept only to count the mails asking to confirm
        request.save(update_fields=["confirmed_at", "updated_at", "email_key"])
        _record(request, staff=None, now=now)
    return request


def check(*, service: Service, kind: str, requester: Requester, data: dict, now: datetime) -> None:
    """Raise the OnlineRequestError that submit() would raise for this input; store nothing.

    The citizen's form asks first, so every mistake is reported before the ALTCHA solution,
    which counts only once, is spent (citizen/requests/views.py).
    """
    if not service.active or service.mode != Service.Mode.ONLINE_REQUEST or kind not in Kind:
        raise NotRequestable()
    _clean_requester(requester)
    clean = _clean_melderegister if kind == Kind.MELDEREGISTERAUSKUNFT else _clean_tax
    clean(data, today=now.date())


def claim(*, request: OnlineRequest, staff: StaffMember, now: datetime) -> OnlineRequest:
    """`staff` takes on a submitted request; claiming one's own request again is harmless."""
    with transaction.atomic(durable=True):
        request = _locked(request, staff)
        if request.status == Status.IN_PROGRESS and request.claimed_by_id == staff.pk:
            return request
        if request.status == Status.IN_PROGRESS:
            raise AlreadyClaimed()
        request.claimed_by = staff
        return _move(request, Status.IN_PROGRESS, staff=staff, now=now, fields=["claimed_by"])


def answer(
    *, request: OnlineRequest, staff: StaffMember, text: str, now: datetime
) -> OnlineRequest:
    """Answer a request in progress. For the Steuer-ID `text` notes what went out by post."""
    text = _clean_text(text)
    with transaction.atomic(durable=True):
        request = _locked(request, staff)
        if request.status == Status.SUBMITTED:
            raise NotClaimed()
        request.answer = text
        return _move(request, Status.ANSWERED, staff=staff, now=now, fields=["answer"])


def reject(
    *, request: OnlineRequest, staff: StaffMember, reason: str, now: datetime
) -> OnlineRequest:
    """Reject an open request with a reason the requester reads in the email."""
    reason = _clean_text(reason)
    with transaction.atomic(durable=True):
        request = _locked(request, staff)
        request.rejection_reason = reason
        return _move(request, Status.REJECTED, staff=staff, now=now, fields=["rejection_reason"])


def add_note(
    *, request: OnlineRequest, staff: StaffMember, text: str, now: datetime
) -> OnlineRequest:
    """Add a dated note by `staff` to an open request's staff notes, below the earlier ones.

    Raises MissingText, NotYourDepartment or RequestClosed (nothing stored).
    """
    text = _block(text)
    if not text:
        raise MissingText(NOTE_MISSING)
    if len(text) > TEXT_LIMIT:
        raise MissingText(NOTE_TOO_LONG % {"limit": TEXT_LIMIT})
    with transaction.atomic(durable=True):
        request = _locked(request, staff)
        # Appended, never replaced: two clerks writing at once both keep their note, and a note
        # once written stays in the file. No history entry and no mail: the event model knows
        # only statuses, and the citizen's page must not show that anything happened. For the
        # same reason `updated_at` (the citizen's "last change") stays as it is.
        heading = f"{timezone.localtime(now):%d.%m.%Y %H:%M} {staff.name}:"
        entry = f"{heading}\n{text}"
        request.staff_notes = f"{request.staff_notes}\n\n{entry}" if request.staff_notes else entry
        request.save(update_fields=["staff_notes"])
    return request


def issue_token(request: OnlineRequest, *, now: datetime) -> str:
    """A new link to the status page for the browser that sent it; only its digest is stored.

    Never a mailed key: those come from the mail's Message-ID (notifications/links.mail_key).
    """
    token = numbers.new_token()
    OnlineRequestToken.objects.create(request=request, digest=numbers.digest(token), created_at=now)
    return token


def find_by_token(token: str, *, mailed: bool = False) -> OnlineRequest | None:
    """The request a link opens, or None (unknown links reveal nothing).

    `mailed=True` accepts only keys that were sent by email: the confirmation's proof.
    """
    if not token or len(token) > 100:
        return None
    keys = OnlineRequestToken.objects.filter(digest=numbers.digest(token))
    if mailed:
        keys = keys.filter(mailed=True)
    found = keys.select_related("request__service").first()
    return found.request if found else None


def _locked(request: OnlineRequest, staff: StaffMember) -> OnlineRequest:
    request = OnlineRequest.objects.select_for_update().select_related("service").get(pk=request.pk)
    if request.confirmed_at is None:
        raise RequestNotConfirmed()  # the office's pages never list it; this guards the core alone
    if not staff_scope.sees_everything(staff) and staff.department_id != (
        request.service.department_id
    ):
        raise NotYourDepartment()
    if request.status not in OPEN:
        raise RequestClosed()
    return request


def _move(request, status, *, staff, now, fields) -> OnlineRequest:
    request.status = status
    request.updated_at = now
    request.save(update_fields=["status", "updated_at", *fields])
    _record(request, staff=staff, now=now)
    return request


def _record(request: OnlineRequest, *, staff: StaffMember | None, now: datetime) -> None:
    OnlineRequestEvent.objects.create(request=request, status=request.status, at=now, staff=staff)
    send_online_request_mail.enqueue(request_id=request.pk, event=request.status)
    if event := webhooks.REQUEST_EVENTS.get(request.status):
        webhooks.emit(event, request, now=now)


def _clean_requester(requester: Requester) -> Requester:
    name = _line(requester.name)
    email = requester.email.strip()
    address = _block(requester.postal_address)
    languages = {code for code, _label in settings.LANGUAGES}
    if not name or len(name) > 120 or not address or len(address) > 300:
        raise InvalidRequester()
    if requester.language not in languages:
        raise InvalidRequester()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidRequester() from None
    return Requester(name=name, email=email, postal_address=address, language=requester.language)


def _clean_melderegister(data: dict, *, today: date) -> dict:
    first_name, last_name = _line(data.get("first_name")), _line(data.get("last_name"))
    if not first_name or len(first_name) > 60:
        raise MissingName(field="first_name")
    if not last_name or len(last_name) > 60:
        raise MissingName()
    born = _birth_date(data.get("date_of_birth"), today=today)
    address = _block(data.get("last_known_address"))
    if not address or len(address) > 300:
        raise MissingLastAddress()
    purpose = _block(data.get("purpose"))
    if not purpose or len(purpose) > 500:
        raise MissingPurpose()
    if data.get("consent") is not True:
        raise NoConsent()
    return {
        "first_name": first_name,
        "last_name": last_name,
        "date_of_birth": born,
        "last_known_address": address,
        "purpose": purpose,
    }


def _clean_tax(data: dict, *, today: date) -> dict:
    born = _birth_date(data.get("date_of_birth"), today=today)
    place = _line(data.get("place_of_birth"))
    if not place or len(place) > 120:
        raise MissingPlaceOfBirth()
    return {"date_of_birth": born, "place_of_birth": place}


def _birth_date(value, *, today: date) -> str:
    """An ISO date not in the future, from a date or an ISO string."""
    if isinstance(value, str):
        value = inputs.parse_date(value.strip(), earliest=EARLIEST_BIRTH, latest=today)
    if not isinstance(value, date) or not EARLIEST_BIRTH <= value <= today:
        raise InvalidBirthDate()
    return value.isoformat()


def _clean_text(text: str) -> str:
    text = _block(text)
    if not text or len(text) > TEXT_LIMIT:
        raise MissingText()
    return text


def _line(value) -> str:
    return " ".join(value.split()) if isinstance(value, str) else ""


def _block(value) -> str:
    """Text over several lines (an address): each line tidied, empty lines dropped."""
    if not isinstance(value, str):
        return ""
    return "\n".join(line for line in (_line(part) for part in value.splitlines()) if line)
