"""The one way into an office view: who is acting, and what they may see.

Every office view is decorated with `@staff_view` (outermost, above `require_POST` and the
like, so a refusal comes before anything else) and receives the acting StaffMember as its
second argument:

    @staff_view(roles=[StaffMember.Role.TEAM_LEAD, StaffMember.Role.ADMINISTRATOR])
    def roster(request: HttpRequest, staff: StaffMember, location_id: int) -> HttpResponse:
        location = get_object_or_404(visible_locations(staff), pk=location_id)
        ...

The decorator refuses, in this order:
1. anonymous users: redirect to the login page, back here afterwards;
2. users who gave their password but not yet the second factor: redirect to the code step;
3. users without an active StaffMember: 403;
4. staff whose role is not in `roles` (default: every role): 403.

What a staff member may see is decided by amtstermin/core/staff_scope.py (re-exported here):
an administrator sees everything; a clerk or team lead sees their department at the
locations they work at. Load objects through the scope helpers, never by bare primary key:
an object outside the scope is a 404, so a URL reveals nothing about whether it exists.
A change to a whole location (a closure) asks `covers_location`: every department working
there must be in the actor's scope.
"""

from collections.abc import Callable, Collection
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from amtstermin.core.models import StaffMember
from amtstermin.core.staff_scope import (
    can_see_location,
    covers_location,
    scope_appointments,
    scope_visits,
    visible_departments,
    visible_locations,
)

__all__ = [
    "can_see_location",
    "covers_location",
    "scope_appointments",
    "scope_visits",
    "staff_view",
    "visible_departments",
    "visible_locations",
]

EVERY_ROLE = tuple(StaffMember.Role)


def acting_staff(request: HttpRequest) -> StaffMember | None:
    """The active staff member behind the request's login, or None."""
    return (
        StaffMember.objects.filter(user_id=request.user.pk, active=True)
        .select_related("department")
        .first()
    )


def staff_view(
    roles: Collection[str] = EVERY_ROLE,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let only verified, active staff with one of `roles` in; pass them to the view."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("office:login"))
            if not request.user.is_verified():
                return redirect_to_login(request.get_full_path(), reverse("office:verify"))
            staff = acting_staff(request)
            if staff is None or staff.role not in roles:
                raise PermissionDenied
            request.staff_member = staff  # for the office base template's header
            return view(request, staff, *args, **kwargs)

        return guarded

    return decorate
