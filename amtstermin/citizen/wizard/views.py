"""The booking wizard: services → (location) → day → time → contact → review → booked.

Each step reads the draft from the session, re-checks it against the database, and sends the
citizen back to the first step that is no longer valid (a service withdrawn, a time taken).
"""

from urllib.parse import urlencode

from django.db.models import Max
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from amtstermin.core import booking, captcha, limits
from amtstermin.core.errors import BookingError, SlotTaken
from amtstermin.core.items import documents_to_bring, locations_for
from amtstermin.core.models import Channel, Location, Service
from amtstermin.core.scheduling import earliest

from . import draft as drafts
from . import email_hint, page_cache
from .forms import ContactForm, LocationForm, ServicesForm
from .journey import Journey, day_context, is_free, month_context, parse_start
from .pages import no_such_day, taken, throttled, unprocessable

GET_POST = require_http_methods(["GET", "HEAD", "POST"])


@GET_POST
def services(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request)
    query = request.GET.get("q", "").strip()[:100]
    bookable = _catalogue(_offered(), query)
    # Shown, not stored: the choice counts once the citizen sends the form.
    initial = {**_from_portal(request, bookable), **draft.quantities}
    form = ServicesForm(request.POST or None, services=bookable, initial_quantities=initial)
    context = {
        "form": form,
        "query": query,
        "without_visit": _catalogue(Service.objects.without_visit(), query),
        "chosen": drafts.Draft(quantities=initial).items(),
        **_horizon(),
    }
    if request.method != "POST":
        return render(request, "citizen/wizard/services.html", context)
    if not form.is_valid():
        return unprocessable(request, "citizen/wizard/services.html", context)
    # A search shows part of the catalogue: keep what was chosen among the services not shown,
    # but only while they can still be booked, or a withdrawn one would block the wizard unseen.
    offered = {str(pk) for pk in _offered().values_list("pk", flat=True)}
    merged = {**draft.quantities, **form.quantities()}
    draft.quantities = {pk: n for pk, n in merged.items() if n and pk in offered}
    if "suche" in request.POST:
        # The search button sends this form, so what was typed before searching is kept
        # (with or without JavaScript) and shown again beside the services found.
        drafts.save(request, draft)
        search = request.POST.get("q", "").strip()[:100]
        return redirect(
            reverse("citizen:services") + (f"?{urlencode({'q': search})}" if search else "")
        )
    items = draft.items()
    context["chosen"] = items
    if not items:
        form.add_error(None, _("Choose at least one service: enter how many you need."))
        return unprocessable(request, "citizen/wizard/services.html", context)
    locations = locations_for(items)
    if not locations:
        form.add_error(
            None,
            _(
                "No single location offers all of these services. Please book them as separate "
                "appointments."
            ),
        )
        return unprocessable(request, "citizen/wizard/services.html", context)
    draft.choose(None)  # another duration: the chosen time may no longer fit
    draft.several_locations = len(locations) > 1
    if draft.location not in {location.pk for location in locations}:
        draft.location = locations[0].pk if len(locations) == 1 else None
    drafts.save(request, draft)
    return redirect("citizen:location" if draft.several_locations else "citizen:day")


@require_POST
def selection(request: HttpRequest) -> HttpResponse:
    """The running total beside the services form (htmx, on every change); stores nothing."""
    bookable = list(_offered().distinct())
    form = ServicesForm(request.POST, services=bookable, initial_quantities={})
    form.is_valid()  # invalid quantities simply do not count
    chosen = drafts.Draft(quantities=form.quantities()).items()
    return render(request, "citizen/wizard/_selection.html", {"chosen": chosen})


@GET_POST
def location(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request)
    items = draft.items()
    if not items:
        return redirect("citizen:services")
    locations = locations_for(items)
    if len(locations) < 2:
        # No choice (any more): take the one location, or start over when none is left.
        draft.location = locations[0].pk if locations else None
        draft.several_locations = False
        drafts.save(request, draft)
        return redirect("citizen:day" if locations else "citizen:services")
    initial = {"location": draft.location} if draft.location else {}
    form = LocationForm(request.POST or None, locations=locations, initial=initial)
    if request.method != "POST" or not form.is_valid():
        # Each location with its earliest free time, and the earliest of all (cached like the
        # calendar: a taken time is never shown as free).
        found = earliest.everywhere(locations, items, now=timezone.now(), cached=True)
        context = {
            "form": form,
            "draft": draft,
            "chosen": items,
            "choices": form.choices_with(found),
            "soonest": earliest.soonest(found),
            **_steps(draft),
        }
        if request.method != "POST":
            return render(request, "citizen/wizard/location.html", context)
        return unprocessable(request, "citizen/wizard/location.html", context)
    if draft.location != form.cleaned_data["location"].pk:
        draft.location = form.cleaned_data["location"].pk
        draft.choose(None)
    drafts.save(request, draft)
    # "Earliest at all locations" sends its day along: straight to that day's times.
    day = drafts.parse_day(request.POST.get("tag"))
    if day:
        return redirect(f"{reverse('citizen:time')}?{urlencode({'tag': day.isoformat()})}")
    return redirect("citizen:day")


def day(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request)
    if not draft.location:
        return _restart(draft)

    def render_day(extra: dict) -> HttpResponse:
        journey = _journey(draft)
        if journey is None:
            return _restart(draft)
        context = {**month_context(request, journey), **_steps(draft), **extra}
        return render(request, "citizen/wizard/day.html", context)

    query = request.GET.get("monat", "")[:10]
    page = page_cache.key("day", draft, draft.location, query, now=timezone.now())
    return page_cache.serve(request, page, render_day)


@GET_POST
def time(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request)
    if request.method != "POST":
        if not draft.location:
            return _restart(draft)
        query = request.GET.get("tag", "")[:10]
        page = page_cache.key("time", draft, draft.location, query, now=timezone.now())
        return page_cache.serve(request, page, lambda extra: _time_page(request, draft, extra))
    return _time_page(request, draft, {})


def _time_page(request: HttpRequest, draft: drafts.Draft, extra: dict) -> HttpResponse:
    journey = _journey(draft)
    if journey is None:
        return _restart(draft)
    wanted_day = drafts.parse_day(request.GET.get("tag"))
    context = day_context(journey, wanted_day) if wanted_day else None
    if context is None:
        return no_such_day(request, journey, _steps(draft), day=wanted_day)
    context.update(_steps(draft), **extra)
    if request.method != "POST":
        return render(request, "citizen/wizard/time.html", context)
    start = parse_start(request.POST.get("start"))
    if start is None or not is_free(journey, start):
        return taken(request, "citizen/wizard/time.html", context)
    draft.choose(start)
    drafts.save(request, draft)
    # A proof counts for one time: whoever solved it (JavaScript runs) solves it again.
    ask_proof = draft.solves_proofs and draft.proven_at is None
    if ask_proof:
        return redirect(reverse("citizen:contact") + "?erneut=1")
    return redirect("citizen:review" if draft.has_contact else "citizen:contact")


@GET_POST
def contact(request: HttpRequest) -> HttpResponse:
    draft = drafts.load(request)
    journey = _journey(draft)
    if journey is None:
        return _restart(draft)
    if draft.start is None:
        return redirect("citizen:day")
    initial = {
        "name": draft.name,
        "email": draft.email,
        "phone": draft.phone,
        "language": draft.language or get_language(),
        # Sent back here (a new time, a proof too old): agreed already to what is kept.
        "consent": draft.has_contact,
    }
    form = ContactForm(request.POST or None, initial=initial)
    now = timezone.now()
    # Solved once per booking: the email hint's second round does not ask again.
    context = {
        "form": form,
        "journey": journey,
        "proven": draft.proven(now=now),
        "proof_expired": request.GET.get("erneut") == "1",
        **_steps(draft),
    }
    if request.method != "POST":
        return render(request, "citizen/wizard/contact.html", context)
    if not form.is_valid():
        return unprocessable(request, "citizen/wizard/contact.html", context)
    data = form.cleaned_data
    # Without JavaScript the widget cannot run; the booking is then only held until the emailed
    # link is followed (the mailbox is the human check). A payload that fails is an error.
    if data["altcha"]:
        if not captcha.verify(data["altcha"], now=now):
            form.add_error("altcha", _("The security check failed. Please try again."))
            return unprocessable(request, "citizen/wizard/contact.html", context)
        draft.proven_at = now.isoformat()  # the hint below must not ask for it again
        draft.solves_proofs = True
        drafts.save(request, draft)
    hint = email_hint.suggestion(data["email"])
    if hint and request.session.get("email_hint") != data["email"]:
        # Asked once: sending the same address again means it is meant as typed.
        request.session["email_hint"] = data["email"]
        return render(request, "citizen/wizard/contact.html", {**context, "email_hint": hint})
    draft.name, draft.email, draft.phone = data["name"], data["email"], data["phone"]
    draft.language = data["language"]
    drafts.save(request, draft)
    return redirect("citizen:review")


def challenge(request: HttpRequest) -> HttpResponse:
    """A fresh ALTCHA challenge for the widget on the contact step."""
    client = limits.client_network(request)
    response = JsonResponse(captcha.challenge(now=timezone.now(), client=client))
    response["Cache-Control"] = "no-store"
    return response


@GET_POST
def review(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and (
        token := drafts.booked_token(request, request.POST.get("key"))
    ):
        return _booked(token)  # the second click of a double click
    draft = drafts.load(request)
    journey = _journey(draft)
    start = draft.start_at()
    if journey is None:
        return _restart(draft)
    if start is None:
        return redirect("citizen:day")
    if not draft.has_contact:
        return redirect("citizen:contact")
    now = timezone.now()
    proven = draft.proven(now=now)
    if draft.solves_proofs and not proven:
        # Solved too long ago, or for another time: asked again, rather than silently held.
        draft.proven_at = None
        drafts.save(request, draft)
        return redirect(reverse("citizen:contact") + "?erneut=1")
    context = {
        "draft": draft,
        "journey": journey,
        "start": start.astimezone(journey.location.zone),
        "documents": documents_to_bring(journey.items),
        "held": not proven or journey.location.requires_email_confirmation,
        "hold_minutes": booking.hold_minutes(journey.location, proven=proven),
        **_steps(draft),
    }
    if request.method != "POST":
        drafts.save(request, draft)  # keeps the key the form carries
        return render(request, "citizen/wizard/review.html", context)
    if refusal := throttled(request, now=now):
        return refusal
    try:
        booked = booking.book(
            location=journey.location,
            items=journey.items,
            start=start,
            contact=booking.Contact(draft.name, draft.email, draft.phone, draft.language),
            channel=Channel.ONLINE,
            now=now,
            idempotency_key=draft.key,
            unproven_network=None if proven else limits.client_network(request),
        )
    except SlotTaken as error:
        draft.choose(None)
        drafts.save(request, draft)
        return taken(request, "citizen/wizard/taken.html", context, alternatives=error.alternatives)
    except BookingError as error:
        return unprocessable(request, "citizen/wizard/review.html", context, message=error.message)
    drafts.finish(request, draft, booked.token)
    return _booked(booked.token)


def _booked(token: str) -> HttpResponse:
    return redirect(reverse("citizen:appointment", kwargs={"token": token}) + "?neu=1")


def _journey(draft: drafts.Draft) -> Journey | None:
    """The draft's services at its location, if that location still offers them all.

    Two queries; a stored day or time page needs neither (page_cache.py).
    """
    place = draft.place()
    if place is None:
        return None
    items = draft.items(at=place)
    if not items or len(items) != draft.wanted():
        return None
    return Journey(place, items)


def _offered():
    """Services a citizen can book here: active, by appointment, offered at some location."""
    return Service.objects.bookable().filter(locations__isnull=False)


def _horizon() -> dict:
    """How far ahead the locations offering services open their calendars, for step 1."""
    days = Location.objects.filter(services__in=_offered()).aggregate(Max("horizon_days"))
    days = days["horizon_days__max"]
    if not days:
        return {}
    return {"horizon_weeks": days // 7} if days % 7 == 0 else {"horizon_days": days}


def _from_portal(request: HttpRequest, bookable: list[Service]) -> dict[str, int]:
    """?dienst=<pk> from a service's portal page: one of that service, if it is listed here."""
    wanted = request.GET.get("dienst", "")
    return {wanted: 1} if wanted in {str(service.pk) for service in bookable} else {}


def _restart(draft: drafts.Draft) -> HttpResponse:
    """Back to the first step that is missing once the draft no longer makes a journey."""
    if draft.quantities and draft.several_locations and draft.location is None:
        return redirect("citizen:location")
    return redirect("citizen:services")


def _catalogue(services, query: str) -> list[Service]:
    if query:
        services = services.matching(query)
    return list(services.select_related("department").distinct().order_by(*drafts.CATALOGUE))


def _steps(draft: drafts.Draft) -> dict:
    """Where the progress line and back links point; the location step only if there is a choice."""
    return {"several_locations": draft.several_locations}
