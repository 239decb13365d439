"""Django admin for webhooks: the addresses a department's systems receive events at, and the
delivery log (read only) with "send again".

An endpoint is configuration and saved by the admin form; its signing secret is made when it is
created and shown that once. Deliveries are written only by core/webhooks.py and its task.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import webhooks
from .admin_read_only import ReadOnly
from .models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from .models.webhooks import new_secret


class WebhookEndpointForm(forms.ModelForm):
    # "web address": the model's "address" reads as a postal one in German.
    url = forms.URLField(
        label=_("web address"), max_length=500, assume_scheme="https", help_text=_("https://…")
    )
    events = forms.MultipleChoiceField(
        label=_("events"), choices=WebhookEvent.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookEndpoint
        fields = ("department", "name", "url", "events", "active")


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ("name", "department", "web_address", "active", "created_at")
    list_filter = ("active", "department")
    list_select_related = ("department",)
    search_fields = ("name", "url")
    readonly_fields = ("created_at",)
    actions = ["replace_secret"]

    @admin.display(description=_("web address"), ordering="url")
    def web_address(self, obj: WebhookEndpoint) -> str:
        return obj.url

    def get_fields(self, request, obj=None):
        fields = ("department", "name", "url", "events", "active")
        return (*fields, "created_at") if obj else fields

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        if not change:
            self.message_user(
                request,
                gettext(
                    "Enter this signing secret in the receiving system. It is shown only now: "
                    "%(secret)s"
                )
                % {"secret": obj.signing_secret},
                messages.WARNING,
            )

    @admin.action(description=_("Give the selected endpoints a new signing secret"))
    def replace_secret(self, request, queryset) -> None:
        # Signatures are made at sending: retries still waiting are signed with the new one.
        for endpoint in queryset:
            endpoint.secret = new_secret()
            endpoint.save(update_fields=["secret"])
            self.message_user(
                request,
                gettext("New signing secret of %(endpoint)s. It is shown only now: %(secret)s")
                % {"endpoint": endpoint, "secret": endpoint.signing_secret},
                messages.WARNING,
            )


class DeliveryState(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return (
            ("delivered", _("delivered")),
            ("pending", _("waiting for the next attempt")),
            ("failed", _("given up")),
        )

    def queryset(self, request, queryset):
        if self.value() == "delivered":
            return queryset.filter(delivered_at__isnull=False)
        if self.value() == "pending":
            return queryset.pending()
        if self.value() == "failed":
            return queryset.filter(given_up_at__isnull=False)
        return queryset


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: the log of what was sent where and how the receiver answered. (Not through
    admin.ReadOnly: admin.py imports this module, and the core keeps no import cycles.)"""

    list_display = (
        "event_type",
        "endpoint",
        "created_at",
        "attempts",
        "last_status",
        "delivered_at",
        "next_attempt_at",
        "given_up_at",
    )
    list_filter = (DeliveryState, "event_type", "endpoint")
    list_select_related = ("endpoint__department",)
    search_fields = ("event_id",)
    date_hierarchy = "created_at"
    fields = (
        "endpoint",
        "event_id",
        "event_type",
        "created_at",
        "attempts",
        "last_status",
        "last_error",
        "next_attempt_at",
        "delivered_at",
        "given_up_at",
        "payload",
    )
    actions = ["send_again"]

    @admin.action(description=_("Send the selected deliveries again"))
    def send_again(self, request, queryset) -> None:
        count = webhooks.send_again(deliveries=queryset, now=timezone.now())
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.", "%(count)d deliveries queued again.", count
            )
            % {"count": count},
        )
