"""A citizen applies online (Melderegisterauskunft, Steuer-ID) and follows the request's status.

The form checks the input, core/online_requests.py stores it; bad input comes back with a 422
and nothing stored. The status page is opened by the link key from the mails and keeps it as
private as an appointment's (same headers, one not-found page).

Against scripts the form has the booking wizard's two brakes: the ALTCHA proof of work
(core/captcha.py) and the per-client rate limit (core/limits.py, its own scope). Without
JavaScript the proof cannot run. As the wizard holds such a booking, the request is then stored
unconfirmed: the office sees it only once the requester has followed the emailed link and
pressed the button on the status page (a POST: mail scanners follow links). The mailbox is the
human check. A proof that is sent but fails is refused.
"""

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from amtstermin.core import captcha, limits, online_requests
from amtstermin.core.errors import OnlineRequestError
from amtstermin.core.models import OnlineRequest, Service
from amtstermin.core.notifications import links

from ..appointment.views import token_page
from ..throttle import throttled
from .forms import FORMS, data_of, kind_of

Status = OnlineRequest.Status
FORM_TEMPLATE = "citizen/requests/form.html"
THROTTLED_TEMPLATE = "citizen/requests/too_many_requests.html"
# The reference of the request just sent (or confirmed) from this browser: its status page then
# says once that the receipt, or the mail to confirm, is on its way. In the server-side session,
# not in a message cookie or the URL, as the notice names the email address.
JUST_SUBMITTED = "online_request_submitted"


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("department"), slug=slug)
    kind = kind_of(service)
    if kind is None:
        raise Http404
    # Bound on every POST, an empty one too: it gets its errors, not an unbound form.
    form = FORMS[kind](request.POST if request.method == "POST" else None)
    by_post = OnlineRequest(kind=kind).answered_by_post
    context = {"form": form, "service": service, "by_post": by_post}
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    now = timezone.now()
    if refusal := throttled(request, limits.ONLINE_REQUEST, THROTTLED_TEMPLATE, now=now):
        return refusal
    if form.is_valid():
        try:
            online_requests.check(**_arguments(form, service, kind), now=now)
        except OnlineRequestError as error:
            _add_error(form, error)
    if not form.is_valid():
        return render(request, FORM_TEMPLATE, context, status=422)
    # Checked last: a solution counts once, so a form sent back for a typo does not spend it.
    # No solution at all (JavaScript off): the request waits for the emailed link instead.
    proof = form.cleaned_data["altcha"]
    if proof and not captcha.verify(proof, now=now):
        form.add_error("altcha", _("The security check failed. Please try again."))
        return render(request, FORM_TEMPLATE, context, status=422)
    try:
        submitted = online_requests.submit(
            **_arguments(form, service, kind), now=now, confirmed=bool(proof)
        )
    except OnlineRequestError as error:  # e.g. the service was withdrawn meanwhile
        _add_error(form, error)
        return render(request, FORM_TEMPLATE, context, status=422)
    request.session[JUST_SUBMITTED] = submitted.request.reference
    return redirect(links.REQUEST_PATH.format(token=submitted.token))


def _arguments(form: forms.Form, service: Service, kind: str) -> dict:
    """What core online_requests.check() and submit() take, from a valid form."""
    requester = online_requests.Requester(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        postal_address=form.cleaned_data["postal_address"],
        language=get_language(),
    )
    return {"service": service, "kind": kind, "requester": requester, "data": data_of(form)}


def _add_error(form: forms.Form, error: OnlineRequestError) -> None:
    form.add_error(error.field if error.field in form.fields else None, str(error.message))


@token_page
@require_http_methods(["GET", "HEAD", "POST"])
def status(request: HttpRequest, token: str) -> HttpResponse:
    found = online_requests.find_by_token(token)
    if found is None:
        return not_found(request)
    # Only a key from the "please confirm" mail confirms: the mailbox is the proof. A GET only
    # shows the button, since mail scanners follow links.
    confirmable = found.confirmed_at is None and (
        online_requests.find_by_token(token, mailed=True) is not None
    )
    if request.method == "POST":
        # Without the mailed key the page just shows again, asking to use the mail's link.
        if confirmable:
            online_requests.confirm(request=found, now=timezone.now())
            request.session[JUST_SUBMITTED] = found.reference  # "received": the receipt is sent
        return redirect(links.REQUEST_PATH.format(token=token))
    return render(
        request,
        "citizen/requests/status.html",
        {
            "found": found,
            "confirmed": found.confirmed_at is not None,
            "confirmable": confirmable,
            # A rejected request gets no answer by post; its page gives the reason instead.
            "by_post": found.answered_by_post and found.status != Status.REJECTED,
            "just_submitted": request.session.pop(JUST_SUBMITTED, None) == found.reference,
            "events": found.events.all(),
            "answer": found.answer_for_requester(),
        },
    )


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for every key that opens nothing: never existed and purged look the same."""
    return render(request, "citizen/requests/not_found.html", status=404)
