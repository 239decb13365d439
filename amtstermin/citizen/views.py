"""Public pages a citizen reads before booking: the start page and the list of services."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from amtstermin.core.models import Location, Service

# The template groups services by department ({% regroup %}), so they must arrive in that order.
BY_DEPARTMENT = ("department__position", "department__name", "department_id", "position", "name")


def start(request: HttpRequest) -> HttpResponse:
    # A town with several locations gets a chooser later; until then the first one speaks.
    location = Location.objects.first()
    return render(request, "citizen/start.html", {"location": location})


def services(request: HttpRequest) -> HttpResponse:
    # select_related: one query per list, however many services and departments (no N+1).
    bookable = Service.objects.bookable().select_related("department").order_by(*BY_DEPARTMENT)
    without_visit = (
        Service.objects.without_visit().select_related("department").order_by(*BY_DEPARTMENT)
    )
    return render(
        request,
        "citizen/service_list.html",
        {"bookable": bookable, "without_visit": without_visit},
    )
