"""The wish-list's citizen pages: leave a wish, prove the mailbox, see or cancel it, answer an
offer. Thin: every rule lives in core/wishes/; these parse, call and show.

The pages behind a link key keep it private like the appointment pages (token_page).
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from amtstermin.core import booking, captcha, inputs, limits, summary
from amtstermin.core.errors import BookingError
from amtstermin.core.items import Item, locations_for
from amtstermin.core.models import Channel, Location, Service, Wish, WishOffer
from amtstermin.core.scheduling import availability
from amtstermin.core.wishes import offers, store
from amtstermin.core.wishes.errors import OfferGone

from ... import languages
from .. import throttle
from ..appointment.views import not_found, token_page
from ..wizard import draft as drafts
from .forms import WishForm

GET_POST = require_http_methods(["GET", "HEAD", "POST"])
SENT_KEY = "wish_left"  # the session's note of the wish just left, for the "check your mail" page


@GET_POST
def leave(request: HttpRequest) -> HttpResponse:
    items, query = _items(request)
    if not items:
        return redirect("citizen:services")
    locations = locations_for(items)
    if not locations:
        return redirect("citizen:services")
    now = timezone.now()
    form = WishForm(request.POST or None, locations=locations, initial=_initial(locations, now))
    context = {
        "form": form,
        "items": items,
        "action": reverse("citizen:wish") + query,
        "weekday_choices": form["weekdays"],
    }
    if request.method != "POST":
        return render(request, "citizen/wishes/leave.html", context)
    if not form.is_valid():
        return _unprocessable(request, context)
    data = form.cleaned_data
    # Without JavaScript the widget cannot run: the mailbox check is the human check then.
    if data["altcha"] and not captcha.verify(data["altcha"], now=now):
        form.add_error("altcha", _("The security check failed. Please try again."))
        return _unprocessable(request, context)
    refusal = throttle.throttled(
        request, limits.BOOKING, "citizen/wizard/too_many_requests.html", now=now
    )
    if refusal:
        return refusal
    try:
        left = store.leave(
            items=items,
            wanted=store.Wanted(
                locations=form.chosen_locations(),
                latest_date=form.latest(),
                weekdays=form.weekday_bits(),
                earliest_time=data["earliest_time"],
                latest_time=data["latest_time"],
            ),
            wisher=store.Wisher(data["name"], data["email"], data["phone"], data["language"]),
            now=now,
            urgent_reason=data["urgent_reason"],
        )
    except BookingError as error:
        return _unprocessable(request, context, message=error.message)
    request.session[SENT_KEY] = {"email": left.wish.email, "token": left.token}
    return redirect("citizen:wish_sent")


@require_safe
def sent(request: HttpRequest) -> HttpResponse:
    left = request.session.get(SENT_KEY)
    if not isinstance(left, dict):
        return redirect("citizen:services")
    context = {"email": left.get("email", ""), "token": left.get("token", "")}
    return render(request, "citizen/wishes/sent.html", context)


@token_page
@GET_POST
def verify(request: HttpRequest, token: str) -> HttpResponse:
    # Only a key from the mail proves the mailbox; a GET only asks (mail scanners follow links).
    wish = _found(request, token, mailed=True)
    if wish is None:
        return not_found(request)
    if wish.status != Wish.Status.UNVERIFIED:
        return redirect("citizen:wish_status", token=token)
    if request.method != "POST":
        return render(request, "citizen/wishes/verify.html", _facts(wish, token))
    try:
        store.verify(wish=wish, now=timezone.now())
    except BookingError as error:
        context = {**_facts(wish, token), "error_message": error.message}
        return render(request, "citizen/wishes/verify.html", context, status=409)
    messages.success(request, _("Your wish is on the wish-list."))
    return redirect("citizen:wish_status", token=token)


@token_page
@require_safe
def status(request: HttpRequest, token: str) -> HttpResponse:
    wish = _found(request, token)
    if wish is None:
        return not_found(request)
    return render(request, "citizen/wishes/status.html", _facts(wish, token))


@token_page
@require_POST
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    wish = _found(request, token)
    if wish is None:
        return not_found(request)
    before = wish.status
    wish = store.cancel(wish=wish, now=timezone.now())
    if wish.status == Wish.Status.CANCELLED and before != Wish.Status.CANCELLED:
        messages.success(request, _("Your wish is cancelled."))
    return redirect("citizen:wish_status", token=token)


@token_page
@GET_POST
def offer(request: HttpRequest, token: str) -> HttpResponse:
    wish = _found(request, token)
    if wish is None:
        return not_found(request)
    now = timezone.now()
    if request.method != "POST":
        current = _open_offer(wish, now=now)
        context = {**_facts(wish, token), "offer": current}
        if current is not None:
            context["summary"] = summary.summarize(current.appointment, now=now)
        return render(request, "citizen/wishes/offer.html", context)
    # The offer the page showed: a newer one is never answered by an older page's button.
    answered = wish.offers.filter(pk=inputs.parse_id(request.POST.get("angebot"))).first()
    try:
        if answered is None:
            raise OfferGone()
        if "ablehnen" in request.POST:
            offers.decline(offer=answered, now=now)
            messages.info(
                request,
                _("You declined the time. Your wish keeps its place; we will offer you another."),
            )
            return redirect("citizen:wish_status", token=token)
        appointment = offers.accept(offer=answered, now=now)
    except OfferGone as error:
        context = {**_facts(wish, token), "error_message": error.message}
        return render(request, "citizen/wishes/offer_gone.html", context, status=410)
    key = booking.issue_access_token(appointment, now=now)
    return redirect(reverse("citizen:appointment", kwargs={"token": key}) + "?neu=1")


def _items(request: HttpRequest) -> tuple[list[Item], str]:
    """The services the wish is for, and the query that keeps them on the form's POST:
    ?dienst=<pk> (one, as the wizard takes it from a service's page), else the wizard's draft."""
    wanted = inputs.parse_id(request.GET.get("dienst"))
    if wanted is not None:
        service = Service.objects.bookable().filter(pk=wanted, locations__isnull=False).first()
        return ([Item(service)] if service else []), f"?{urlencode({'dienst': wanted})}"
    return drafts.load(request).items(), ""


def _initial(locations: list[Location], now) -> dict:
    """Every location and weekday ticked, the latest day at the end of the furthest calendar."""
    last = max(
        availability.window(place, channel=Channel.ONLINE, now=now, for_wishes=True).last
        for place in locations
    )
    return {
        "locations": [str(place.pk) for place in locations],
        "weekdays": [str(day) for day in range(5)],
        "latest_date": last.isoformat(),
        "language": get_language(),
    }


def _unprocessable(request: HttpRequest, context: dict, *, message: str | None = None):
    return render(
        request, "citizen/wishes/leave.html", {**context, "error_message": message}, status=422
    )


def _found(request: HttpRequest, token: str, *, mailed: bool = False) -> Wish | None:
    """The wish of a link key; its pages speak the language it was left in."""
    wish = store.find_by_token(token, mailed=mailed)
    if wish is not None:
        languages.booked_in(request, wish.language)
    return wish


def _open_offer(wish: Wish, *, now) -> WishOffer | None:
    """The offer waiting for an answer, unless its hold has run out (the minute job notes it)."""
    found = (
        wish.offers.filter(state=WishOffer.State.OPEN)
        .select_related("appointment__location")
        .first()
    )
    if found is None or found.appointment.is_stale_hold(now=now):
        return None
    return found


def _facts(wish: Wish, token: str) -> dict:
    """What the wish pages show of a wish."""
    rows = wish.items.select_related("service")
    return {
        "wish": wish,
        "token": token,
        "services": [f"{row.quantity} × {row.service.name}" for row in rows],
        "locations": list(wish.locations.order_by("name")),
        "weekdays": [name for day, name in WEEKDAY_NAMES.items() if wish.weekdays >> day & 1],
        "all_week": wish.weekdays & 0b1111111 == 0b1111111,
        "open_offer": _open_offer(wish, now=timezone.now()),
        "closed": wish.status
        in (Wish.Status.FULFILLED, Wish.Status.CANCELLED, Wish.Status.EXPIRED),
    }
