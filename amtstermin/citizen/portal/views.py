"""The portal lists every active service, whatever its mode; the wizard books only some of them."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from amtstermin.core.models import Service

from ..requests.forms import kind_of


def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    services = Service.objects.filter(active=True)
    if query:
        services = services.matching(query)
    # Grouped by life situation (in the active language), then department in catalogue order;
    # services without a life situation come last. sorted() keeps the catalogue order within.
    listed = sorted(
        services.select_related("department").order_by("department", "position", "name"),
        key=lambda found: (not found.life_situation, found.life_situation.casefold()),
    )
    return render(request, "citizen/portal/list.html", {"services": listed, "query": query})


def service(request: HttpRequest, slug: str) -> HttpResponse:
    found = get_object_or_404(Service.objects.select_related("department"), slug=slug, active=True)
    # Where to go: only for services done in person (an online or county service has no place
    # here, even if an old "offered at" entry is left).
    offered = found.mode == Service.Mode.APPOINTMENT
    places = list(found.locations.order_by("name")) if offered else []
    context = {
        "service": found,
        "documents": found.document_rules.select_related("document"),
        "places": places,
        "bookable": bool(places),
        # "Apply online" opens our own form where there is one (citizen/requests/).
        "request_form": kind_of(found) is not None,
    }
    return render(request, "citizen/portal/service.html", context)
