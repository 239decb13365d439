"""The Django admin behind the office login: password, lockout and second factor in one place."""

from django.contrib.admin import AdminSite, ModelAdmin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse


class BoundedChangeList(ChangeList):
    """A list filtered by a date that cannot be moved to UTC (?start__year=1, or the date
    drill-down to 9999-12-31, whose next day Python cannot name) raises OverflowError deep in
    the query: the admin then says the filter is invalid, as for any other bad filter."""

    def get_queryset(self, request, exclude_parameters=None):
        try:
            return super().get_queryset(request, exclude_parameters)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request) -> None:
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class BoundedLists(ModelAdmin):
    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


class SecondFactorAdminSite(AdminSite):
    def has_permission(self, request: HttpRequest) -> bool:
        return super().has_permission(request) and request.user.is_verified()

    def login(self, request: HttpRequest, extra_context=None) -> HttpResponse:
        # The admin's own form knows no second factor: send everyone through the office login.
        return redirect_to_login(
            request.GET.get("next") or reverse("admin:index"), reverse("office:login")
        )

    def register(self, model_or_iterable, admin_class=None, **options) -> None:
        """Every model's admin (also django-otp's and axes') lists with BoundedChangeList."""
        admin_class = admin_class or ModelAdmin
        bounded = type(admin_class.__name__, (BoundedLists, admin_class), {})
        super().register(model_or_iterable, bounded, **options)
