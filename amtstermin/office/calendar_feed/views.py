"""Calendar subscription: the page where staff make, change or revoke their own calendar
address, and the address itself (an .ics that calendar programs poll).

The address is shown once, in the answer to the POST that made it, like the recovery codes:
only its digest is stored, and a redirect would have to carry the secret through the session.
"""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from amtstermin.core import calendar_feed
from amtstermin.core.models import StaffMember

from ..access import staff_view


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def subscription(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    now = timezone.now()
    names = request.POST.get("names") == "on"
    action = request.POST.get("action", "") if request.method == "POST" else ""
    if action == "create":
        return _created(request, calendar_feed.create(staff, include_names=names, now=now))
    if action == "names" and calendar_feed.show_names(staff, include_names=names):
        if names:
            messages.success(request, _("Your calendar now shows citizens' names."))
        else:
            messages.success(request, _("Your calendar no longer shows citizens' names."))
    if action == "revoke" and calendar_feed.revoke(staff, now=now):
        messages.success(request, _("The calendar address is revoked: it opens nothing any more."))
    if request.method == "POST":
        return redirect("office:calendar_feed")
    return _page(request, feed=calendar_feed.open_feed(staff))


def _created(request: HttpRequest, created: calendar_feed.Created) -> HttpResponse:
    """The page with the new address, once; no cache may keep it."""
    address = settings.SITE_URL + reverse("calendar_feed:feed", args=[created.token])
    webcal = "webcal://" + address.split("://", 1)[1]
    response = _page(request, feed=created.feed, address=address, webcal=webcal)
    patch_cache_control(response, private=True, no_store=True)
    return response


def _page(request: HttpRequest, **context) -> HttpResponse:
    context["refresh_minutes"] = int(calendar_feed.REFRESH.total_seconds() // 60)
    return render(request, "office/calendar_feed/subscription.html", context)


@require_safe
def feed(request: HttpRequest, token: str) -> HttpResponse:
    now = timezone.now()
    found = calendar_feed.find(token, now=now)
    if found is None:
        # Unknown, revoked, or its staff member left: the same plain answer for all three.
        response = HttpResponse("Not found\n", status=404, content_type="text/plain; charset=utf-8")
    else:
        # No session or Accept-Language decides: a calendar program is not a person.
        with translation.override(settings.LANGUAGE_CODE):
            content = calendar_feed.calendar(found, now=now)
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = 'inline; filename="termine.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    patch_cache_control(response, private=True, no_store=True)
    return response
