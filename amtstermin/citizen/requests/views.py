"""A citizen applies online (Melderegisterauskunft, Steuer-ID) and follows the request's status.

The form checks the input, core/online_requests.py stores it; bad input comes back with a 422
and nothing stored. The status page is opened by the link key from the mails and keeps it as
private as an appointment's (same headers, one not-found page).
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_http_methods, require_safe

from amtstermin.core import online_requests
from amtstermin.core.errors import OnlineRequestError
from amtstermin.core.models import OnlineRequest, Service
from amtstermin.core.notifications import links

from ..appointment.views import token_page
from .forms import FORMS, data_of, kind_of

Kind = OnlineRequest.Kind
Status = OnlineRequest.Status
FORM_TEMPLATE = "citizen/requests/form.html"


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, slug: str) -> HttpResponse:
    service = get_object_or_404(Service.objects.select_related("department"), slug=slug)
    kind = kind_of(service)
    if kind is None:
        raise Http404
    form = FORMS[kind](request.POST or None)
    context = {"form": form, "service": service, "by_post": kind == Kind.STEUER_ID}
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, context)
    if not form.is_valid():
        return render(request, FORM_TEMPLATE, context, status=422)
    requester = online_requests.Requester(
        name=form.cleaned_data["name"],
        email=form.cleaned_data["email"],
        postal_address=form.cleaned_data["postal_address"],
        language=get_language(),
    )
    try:
        submitted = online_requests.submit(
            service=service, kind=kind, requester=requester, data=data_of(form), now=timezone.now()
        )
    except OnlineRequestError as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return render(request, FORM_TEMPLATE, context, status=422)
    return redirect(links.REQUEST_PATH.format(token=submitted.token))


@token_page
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    found = online_requests.find_by_token(token)
    if found is None:
        return not_found(request)
    by_post = found.kind == Kind.STEUER_ID
    return render(
        request,
        "citizen/requests/status.html",
        {
            "found": found,
            "by_post": by_post,
            "events": found.events.all(),
            # As in the mails: the Steuer-ID answer travels only by post.
            "answer": found.answer if found.status == Status.ANSWERED and not by_post else "",
        },
    )


def not_found(request: HttpRequest) -> HttpResponse:
    """One page for every key that opens nothing: never existed and purged look the same."""
    return render(request, "citizen/requests/not_found.html", status=404)
