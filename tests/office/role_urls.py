"""A URLconf for the role tests: the office plus one page only team leads may open."""

from django.http import HttpResponse
from django.urls import include, path

from amtstermin.core.models import StaffMember
from amtstermin.office.access import staff_view


@staff_view(roles=[StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR])
def rosters(request, staff):
    return HttpResponse(f"Dienstpläne für {staff.name}")


# Pages only team leads and administrators may open; test_access.py checks each for every role.
LEAD_PAGES = ["/dienstplaene/", "/verwaltung/barrierefreiheit/"]

urlpatterns = [
    path("verwaltung/", include("amtstermin.office.urls")),
    path("dienstplaene/", rosters),
]
