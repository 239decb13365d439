"""The open online requests of the staff member's departments, and one request's page with
its actions. Each POST calls one core function: a refusal is shown (422), success redirects."""

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from amtstermin.core import online_requests
from amtstermin.core.errors import OnlineRequestError
from amtstermin.core.models import OnlineRequest, StaffMember

from ..access import staff_view, visible_departments
from .forms import ActionForm

DATA_LABELS = {
    "first_name": gettext_lazy("First name"),
    "last_name": gettext_lazy("Last name"),
    "date_of_birth": gettext_lazy("Date of birth"),
    "place_of_birth": gettext_lazy("Place of birth"),
    "last_known_address": gettext_lazy("Last known address"),
    "purpose": gettext_lazy("Purpose"),
}
DONE_MESSAGES = {
    "claim": gettext_lazy("You have taken on request %(reference)s."),
    "answer": gettext_lazy("Request %(reference)s is answered; the requester gets an email."),
    "reject": gettext_lazy("Request %(reference)s is rejected; the requester gets an email."),
}


def _requests(staff: StaffMember) -> QuerySet[OnlineRequest]:
    """The requests of the departments `staff` may see; any other is a 404."""
    return OnlineRequest.objects.filter(
        service__department__in=visible_departments(staff)
    ).select_related("service", "claimed_by")


@staff_view()
@require_GET
def queue(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    open_requests = _requests(staff).filter(status__in=online_requests.OPEN)
    context = {"requests": open_requests.order_by("created_at", "pk")}
    return render(request, "office/requests/queue.html", context)


def _act(online_request: OnlineRequest, staff: StaffMember, action: str, text: str):
    now = timezone.now()
    if action == "claim":
        return online_requests.claim(request=online_request, staff=staff, now=now)
    if action == "answer":
        return online_requests.answer(request=online_request, staff=staff, text=text, now=now)
    return online_requests.reject(request=online_request, staff=staff, reason=text, now=now)


@staff_view()
@require_http_methods(["GET", "POST"])
def detail(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    online_request = get_object_or_404(_requests(staff), reference=reference)
    error_message, action, text = "", "", ""
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
            else:
                messages.success(
                    request, DONE_MESSAGES[action] % {"reference": online_request.reference}
                )
                if action == "claim":
                    return redirect("office:request_detail", reference=online_request.reference)
                return redirect("office:requests")
    context = {
        "online_request": online_request,
        "data": [(DATA_LABELS.get(key, key), value) for key, value in online_request.data.items()],
        "events": online_request.events.select_related("staff"),
        "is_open": online_request.status in online_requests.OPEN,
        "error_message": error_message,
        "failed_action": action,
        "text": text,
    }
    return render(
        request, "office/requests/detail.html", context, status=422 if error_message else 200
    )
