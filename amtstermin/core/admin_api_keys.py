"""Django admin for API keys: create one (its key is shown once), see when it was last used
and every call it made, revoke it. Creating and revoking go through core/api_keys.py."""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import api_keys
from .admin_read_only import ReadOnly
from .models import ApiCall, ApiKey, Department, Location


class NewKeyForm(forms.ModelForm):
    name = forms.CharField(label=_("name"), max_length=100, help_text=_("e.g. the system using it"))
    department: "forms.ModelChoiceField[Department]" = forms.ModelChoiceField(
        Department.objects.all(), label=_("department")
    )
    locations: "forms.ModelMultipleChoiceField[Location]" = forms.ModelMultipleChoiceField(
        Location.objects.order_by("name"), label=_("locations"), required=False
    )
    everything = forms.BooleanField(
        label=_("every department and location"),
        required=False,
        help_text=_("Only for systems of the town's IT that need the whole picture."),
    )

    class Meta:
        model = ApiKey
        fields = ["access"]


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    list_display = ("__str__", "access", "prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("access", ("revoked_at", admin.EmptyFieldListFilter))
    readonly_fields = ("staff", "access", "prefix", "created_at", "last_used_at", "revoked_at")
    actions = ["revoke"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = NewKeyForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else ()

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "department", "locations", "everything", "access"]
        return list(self.readonly_fields)

    def save_model(self, request, obj, form, change):
        if change:
            return  # nothing about a key changes but through revoke
        data = form.cleaned_data
        issued = api_keys.create(
            name=data["name"],
            department=data["department"],
            locations=list(data["locations"]),
            access=data["access"],
            everything=data["everything"],
            now=timezone.now(),
        )
        obj.pk, obj.staff = issued.key.pk, issued.key.staff
        messages.warning(
            request,
            _("The new key, shown only now: %(secret)s (send it as “Authorization: Bearer …”).")
            % {"secret": issued.secret},
        )

    def has_delete_permission(self, request, obj=None):
        return False  # revoked, never deleted: the history names the key

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        now = timezone.now()
        for key in queryset:
            api_keys.revoke(key, now=now)
        self.message_user(request, _("Revoked."))


@admin.register(ApiCall)
class ApiCallAdmin(ReadOnly, admin.ModelAdmin):
    """The call log, read only: what each key read and did."""

    list_display = ("at", "key", "method", "path", "status")
    list_filter = ("key", "method", "status")
    search_fields = ("path",)
    date_hierarchy = "at"
    list_select_related = ("key__staff",)
