"""The wish-list in the office: the wishes of the staff member's scope with their place in the
queue and any open offer; a wish taken by phone; answering an offer for a caller (the desk
phones a wish left without email); a team lead placing an urgent wish directly. Each POST
calls one core function (core/wishes/); a refusal is shown, success redirects."""

from datetime import datetime

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from amtstermin.core import staff_scope
from amtstermin.core.errors import BookingError, SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Location, StaffMember, Wish, WishOffer
from amtstermin.core.scheduling import availability
from amtstermin.core.wishes import desk, placing, store
from amtstermin.core.wishes.errors import AlreadyWishing

from ..access import staff_view, visible_locations
from .forms import WEEKDAYS, FilterForm, LeaveForm, PlaceForm

PER_PAGE = 50
# Free starts offered per location when placing an urgent wish.
PLACE_STARTS = 12
LEADS = list(placing.PLACERS)
STATUSES = {
    "open": desk.OPEN,
    "offered": (Wish.Status.OFFERED,),
    "closed": (Wish.Status.FULFILLED, Wish.Status.CANCELLED, Wish.Status.EXPIRED),
}


def _wishes(staff: StaffMember) -> QuerySet[Wish]:
    """The wishes `staff` may see, with what the list shows; any other is a 404."""
    return desk.scope_wishes(Wish.objects.all(), staff).prefetch_related(
        "items__service",
        "locations",
        Prefetch(
            "offers",
            queryset=WishOffer.objects.filter(state=WishOffer.State.OPEN).select_related(
                "appointment__location"
            ),
            to_attr="open_offers",
        ),
    )


def _wish(staff: StaffMember, reference: str) -> Wish:
    return get_object_or_404(_wishes(staff), reference=reference.upper()[:12])


@staff_view()
@require_GET
def wishes(request: HttpRequest, staff: StaffMember) -> HttpResponse:
    locations = visible_locations(staff)
    form = FilterForm(request.GET, locations=locations)
    chosen = form.chosen()
    found = _wishes(staff).filter(status__in=STATUSES[chosen["show"]])
    if chosen["location"] is not None:
        found = found.filter(locations=chosen["location"])
    if chosen["urgent"]:
        found = found.filter(urgent=True)
    order = ("-closed_at", "-pk") if chosen["show"] == "closed" else ("verified_at", "pk")
    page = Paginator(found.order_by(*order), PER_PAGE).get_page(request.GET.get("page"))
    positions = desk.positions(page.object_list)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "chosen": chosen,
        "page": page,
        "query": query.urlencode(),
        "rows": [_row(wish, positions) for wish in page.object_list],
        "locations": list(locations),
        "may_place": staff.role in placing.PLACERS,
    }
    return render(request, "office/wishes/list.html", context)


def _row(wish: Wish, positions: dict[int, int]) -> dict:
    offers = getattr(wish, "open_offers", [])
    return {
        "wish": wish,
        "services": [f"{row.quantity} × {row.service.name}" for row in wish.items.all()],
        "locations": [location.name for location in wish.locations.all()],
        "when": _when(wish),
        "position": positions.get(wish.pk),
        "offer": offers[0] if offers else None,
    }


def _when(wish: Wish) -> str:
    """The wish's window in words: weekdays, day-times, latest day."""
    days = [str(name) for number, name in WEEKDAYS if wish.weekdays >> number & 1]
    parts = [_("every day") if len(days) == 7 else ", ".join(days)]
    if wish.earliest_time and wish.latest_time:
        parts.append(
            _("%(start)s to %(end)s")
            % {
                "start": formats.time_format(wish.earliest_time),
                "end": formats.time_format(wish.latest_time),
            }
        )
    elif wish.earliest_time:
        parts.append(_("from %(time)s") % {"time": formats.time_format(wish.earliest_time)})
    elif wish.latest_time:
        parts.append(_("until %(time)s") % {"time": formats.time_format(wish.latest_time)})
    parts.append(
        _("until %(day)s at the latest")
        % {"day": formats.date_format(wish.latest_date, "SHORT_DATE_FORMAT")}
    )
    return "; ".join(parts)


@staff_view()
def answer(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    """Accept or decline the open offer for the caller on the phone."""
    wish = _wish(staff, reference)  # first: a wish outside the scope is a 404 for any method
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    offers = getattr(wish, "open_offers", [])
    action = request.POST.get("action")
    if not offers or action not in ("accept", "decline"):
        messages.error(request, _("This wish has no open offer any more."))
        return redirect("office:wishes")
    now = timezone.now()
    try:
        if action == "accept":
            appointment = desk.accept_for_caller(offer=offers[0], staff=staff, now=now)
        else:
            desk.decline_for_caller(offer=offers[0], staff=staff, now=now)
    except BookingError as error:
        messages.error(request, str(error.message))
        return redirect("office:wishes")
    if action == "decline":
        messages.success(
            request,
            _("The offer for wish %(reference)s is declined; the wish keeps its place.")
            % {"reference": wish.reference},
        )
        return redirect("office:wishes")
    messages.success(request, _("The offered time is booked. Tell the caller these details."))
    return redirect(
        "office:desk_booked", location_id=appointment.location_id, reference=appointment.reference
    )


@staff_view(roles=LEADS)
@require_http_methods(["GET", "HEAD", "POST"])
def place(request: HttpRequest, staff: StaffMember, reference: str) -> HttpResponse:
    """Book a free time for an urgent wish, ahead of the queue."""
    wish = _wish(staff, reference)
    if not wish.urgent or wish.status not in desk.OPEN:
        raise Http404
    now = timezone.now()
    places = list(visible_locations(staff).filter(pk__in=[loc.pk for loc in wish.locations.all()]))
    form = PlaceForm(request.POST if request.method == "POST" else None)
    context = {"wish": wish, "row": _row(wish, desk.positions([wish])), "form": form}
    if form.is_bound and form.is_valid():
        location_id, start = form.cleaned_data["start"]
        location = next((place for place in places if place.pk == location_id), None)
        if location is None:
            form.add_error("start", _("Choose a time."))
        else:
            try:
                appointment = placing.place(
                    wish=wish, location=location, start=start, actor=staff, now=now
                )
            except SlotTaken as taken:
                context["error_message"] = taken.message
            except BookingError as error:
                context["error_message"] = error.message
            else:
                messages.success(
                    request,
                    _("Wish %(reference)s is placed. Tell the citizen these details.")
                    % {"reference": wish.reference},
                )
                return redirect(
                    "office:desk_booked",
                    location_id=appointment.location_id,
                    reference=appointment.reference,
                )
    context["times"] = _free_starts(wish, places, now=now)
    status = 200 if not form.is_bound else (409 if "error_message" in context else 422)
    return render(request, "office/wishes/place.html", context, status=status)


def _free_starts(wish: Wish, places: list[Location], *, now: datetime) -> list[tuple[str, str]]:
    """(value, label) of the next free starts by phone at each of the wish's locations."""
    items = [Item(row.service, row.quantity) for row in wish.items.all()]
    choices = []
    for location in places:
        try:
            found = availability.compute(location, items, now=now, channel=Channel.PHONE)
        except BookingError:
            continue  # a service no longer offered there
        starts = [start for day in found.days() for start in found.starts(day)][:PLACE_STARTS]
        for start in starts:
            local = start.astimezone(location.zone)
            label = (
                f"{formats.date_format(local, 'SHORT_DAY_FORMAT')}, {formats.time_format(local)}"
            )
            if len(places) > 1:
                label = f"{label} – {location.name}"
            choices.append((f"{location.pk}|{local.isoformat()}", label))
    return choices


@staff_view()
@require_http_methods(["GET", "HEAD", "POST"])
def leave(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
    """A wish taken by phone or at the desk, for this location."""
    location = get_object_or_404(visible_locations(staff), pk=location_id)
    now = timezone.now()
    bounds = availability.window(location, channel=Channel.PHONE, now=now)
    form = LeaveForm(
        request.POST if request.method == "POST" else None,
        services=staff_scope.bookable_services(staff, location),
        initial={
            "weekdays": [0, 1, 2, 3, 4],
            "latest_date": bounds.last.isoformat(),
            "language": "de",
        },
    )
    context: dict = {"location": location, "form": form}
    if not form.is_bound:
        return render(request, "office/wishes/leave.html", context)
    if not form.is_valid():
        return render(request, "office/wishes/leave.html", context, status=422)
    data = form.cleaned_data
    try:
        wish = store.leave_for_caller(
            items=form.items(),
            wanted=store.Wanted(
                locations=[location],
                latest_date=data["latest_date"],
                weekdays=sum(1 << day for day in data["weekdays"]),
                earliest_time=data["earliest_time"],
                latest_time=data["latest_time"],
            ),
            wisher=store.Wisher(data["name"], data["email"], data["phone"], data["language"]),
            staff=staff,
            now=now,
            urgent_reason=data["urgent_reason"],
        )
    except AlreadyWishing:
        context["error_message"] = _(
            "This caller already waits for these services (the same phone number or email address)."
        )
        return render(request, "office/wishes/leave.html", context, status=422)
    except BookingError as error:
        context["error_message"] = error.message
        return render(request, "office/wishes/leave.html", context, status=422)
    if wish.email:
        done = _("Wish %(reference)s is saved. It counts once the caller confirms the email.")
    else:
        done = _(
            "Wish %(reference)s is saved and waits in the queue. When a time is offered, it is "
            "shown here: phone the caller."
        )
    messages.success(request, done % {"reference": wish.reference})
    return redirect("office:wishes")
