"""The Django admin behind the office login: password, lockout and second factor in one place."""

from django.contrib.admin import AdminSite
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class SecondFactorAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The admin's own form knows no second factor: send everyone through the office login.
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), reverse("office:login")
        )
