"""The online requests of the staff member's departments, filtered and paged, and one request's
page with its actions and staff notes. Each POST calls one core function: a refusal is shown
(422), success redirects."""

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from amtstermin.core import numbers, online_requests
from amtstermin.core.errors import OnlineRequestError
from amtstermin.core.models import OnlineRequest, Service, StaffMember

from ..access import staff_view, visible_departments
from .forms import ActionForm, Filters, QueueForm

PER_PAGE = 25
Status = OnlineRequest.Status
CLOSED = (Status.ANSWERED, Status.REJECTED)

DATA_LABELS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "last_known_address": gettext_lazy("Last known address"),
    "purpose": gettext_lazy("Purpose"),
}
# The form data is the person looked for (Melderegisterauskunft) or the requester's own.
DATA_HEADINGS = {
    OnlineRequest.Kind.MELDEREGISTERAUSKUNFT: gettext_lazy("The person looked for"),
    OnlineRequest.Kind.STEUER_ID: gettext_lazy("The requester's details"),
}
DONE_MESSAGES = {
    "claim": gettext_lazy("You have taken on request %(reference)s."),
    "answer": gettext_lazy("Request %(reference)s is answered; the requester gets an email."),
    "reject": gettext_lazy("Request %(reference)s is rejected; the requester gets an email."),
    "note": gettext_lazy("Your note on request %(reference)s is saved."),
}
CAPTIONS = {
    "open": gettext_lazy("Open requests, oldest first"),
    "mine": gettext_lazy("Requests taken on by you, oldest first"),
    "closed": gettext_lazy("Closed requests, most recently closed first"),
    "all": gettext_lazy("All requests, newest first"),
}
ORDER = {
    "open": ("created_at", "pk"),
    "mine": ("created_at", "pk"),
    "closed": ("-updated_at", "-pk"),
    "all": ("-created_at", "-pk"),
}
# The textarea each action's text comes from, so a refusal about the text can point at it.
TEXT_FIELDS = {"answer": "answer-text", "reject": "reject-text", "note": "note-text"}


def _requests(staff: StaffMember) -> QuerySet[OnlineRequest]:
    """The requests of the departments `staff` may see; any other is a 404.

    The one place the office reads requests from: a request the requester has not confirmed yet
    (sent without JavaScript, core/online_requests.py) is in no list, count or page.
    """
    return (
        OnlineRequest.objects.confirmed()
        .filter(service__department__in=visible_departments(staff))
        .select_related("service", "claimed_by")
    )


def _services(staff: StaffMember) -> QuerySet[Service]:
    """The services done online of the departments `staff` may see: the service filter."""
    return Service.objects.filter(
        mode=Service.Mode.ONLINE_REQUEST, department__in=visible_departments(staff)
    ).order_by("name", "pk")


def _filtered(staff: StaffMember, filters: Filters) -> QuerySet[OnlineRequest]:
    found = _requests(staff)
    if filters.show == "open":
        found = found.filter(status__in=online_requests.OPEN)
    elif filters.show == "mine":
        found = found.filter(status=Status.IN_PROGRESS, claimed_by=staff)
    elif filters.show == "closed":
        found = found.filter(status__in=CLOSED)
    if filters.service is not None:
        found = found.filter(service=filters.service)
    if filters.search:
        # A whole reference as read out on the phone ("k7qm 3xz9 d") finds exactly that request;
        # otherwise any part of a reference or of the requester's name.
        reference = numbers.parse_reference(filters.search)
        if reference:
            found = found.filter(reference=reference)
        else:
            found = found.filter(
                Q(reference__icontains=filters.search) | Q(name__icontains=filters.search)
            )
    return found.order_by(*ORDER[filters.show])


@staff_view()
@require_GET
def queue(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    services = _services(staff)
    form = QueueForm(request.GET, services=services)
    filters = form.filters()
    page = Paginator(_filtered(staff, filters), PER_PAGE).get_page(request.GET.get("page"))
    query = filters.query()
    context = {
        "form": form,
        "filters": filters,
        "services": services,
        "page": page,
        "requests": page.object_list,
        "pages": [
            (number, _page_link(query, number) if isinstance(number, int) else "")
            for number in page.paginator.get_elided_page_range(
                page.number, on_each_side=2, on_ends=1
            )
        ],
        "previous_link": _page_link(query, page.number - 1) if page.has_previous() else "",
        "next_link": _page_link(query, page.number + 1) if page.has_next() else "",
        "caption": CAPTIONS[filters.show],
        "filtered": filters != Filters(),
    }
    return render(request, "office/requests/queue.html", context)


def _page_link(query: dict[str, str], number: int) -> str:
    return "?" + urlencode({**query, "page": number} if number > 1 else query)


def _act(online_request: OnlineRequest, staff: StaffMember, action: str, text: str):
    now = timezone.now()
    if action == "claim":
        return online_requests.claim(request=online_request, staff=staff, now=now)
    if action == "answer":
        return online_requests.answer(request=online_request, staff=staff, text=text, now=now)
    if action == "note":
        return online_requests.add_note(request=online_request, staff=staff, text=text, now=now)
    return online_requests.reject(request=online_request, staff=staff, reason=text, now=now)


def _data(online_request: OnlineRequest) -> list[tuple[str, str]]:
    """The form data as (label, value) pairs to read; a birth date as the language writes dates."""
    rows = []
    for key, value in online_request.data.items():
        if key == "date_of_birth":
            try:
                value = formats.date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")
            except (TypeError, ValueError):
                pass  # shown as stored
        rows.append((DATA_LABELS.get(key, key), value))
    return rows


def _notes(staff_notes: str) -> list[tuple[str, str]]:
    """The internal notes as (heading, text) pairs. add_note() writes each note as a heading line
    ("when, who:") and its text, and puts an empty line between notes (the text has none)."""
    return [
        (heading, text)
        for heading, _newline, text in (
            note.strip().partition("\n") for note in staff_notes.split("\n\n") if note.strip()
        )
    ]


def _shows_field(online_request: OnlineRequest, action: str) -> bool:
    """Whether the request's page has the text area `action` reads (detail.html)."""
    if online_request.status not in online_requests.OPEN:
        return False
    if action == "answer":
        return online_request.status == Status.IN_PROGRESS
    return action in TEXT_FIELDS


@staff_view()
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    online_request = get_object_or_404(_requests(staff), reference=reference)
    error_message, error_field, action, text = "", "", "", ""
    if request.method == "POST":
        form = ActionForm(request.POST)
        if not form.is_valid():
            error_message = _("This action is not possible. Please try again.")
        else:
            action, text = form.cleaned_data["action"], form.cleaned_data["text"]
            try:
                _act(online_request, staff, action, text)
            except OnlineRequestError as refused:
                error_message = refused.message
                online_request.refresh_from_db()
                if refused.field == "text" and _shows_field(online_request, action):
                    error_field = TEXT_FIELDS[action]
            else:
                messages.success(
                    request, DONE_MESSAGES[action] % {"reference": online_request.reference}
                )
                if action in ("claim", "note"):
                    return redirect("office:request_detail", reference=online_request.reference)
                return redirect("office:requests")
    is_open = online_request.status in online_requests.OPEN
    context = {
        "online_request": online_request,
        "data": _data(online_request),
        "data_heading": DATA_HEADINGS.get(online_request.kind) or _("Form data"),
        "notes": _notes(online_request.staff_notes),
        "events": online_request.events.select_related("staff"),
        "is_open": is_open,
        "back_link": reverse("office:requests") + ("" if is_open else "?status=closed"),
        "error_message": error_message,
        "error_field": error_field,
        "failed_action": action,
        "text": text,
    }
    return render(
        request, "office/requests/detail.html", context, status=422 if error_message else 200
    )
