"""Django admin: where a town's IT sets up departments, locations, services and staff.

A convenience for IT staff, not the back office. Appointments are read-only here: they are
written only by the booking core (amtstermin/core/booking.py), never through a form. Rosters,
absences and closures are read-only too: the office's roster pages change them through
amtstermin/core/rosters.py.
"""

from zoneinfo import available_timezones

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TranslationAdmin

from . import devices, numbers
from .admin_read_only import ReadOnly
from .models import (
    Absence,
    Appointment,
    AppointmentEvent,
    AppointmentItem,
    Closure,
    Counter,
    Department,
    DeviceLink,
    Document,
    Location,
    OnlineRequest,
    OnlineRequestEvent,
    OpeningHours,
    RosterBlock,
    Service,
    ServiceDocument,
    StaffMember,
)


def calendars_changed() -> None:
    """Invalidate every cached calendar (one small UPDATE; a town has few locations)."""
    Location.bump_versions(Location.objects.all())


class ChangesCapacity(admin.ModelAdmin):
    """Edits of this model change free times: bump the calendar versions in the same transaction.

    The admin wraps each save and delete in a transaction; save_related runs after save_model
    and the inlines, so one bump covers the whole form.
    """

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        calendars_changed()

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        calendars_changed()

    def delete_queryset(self, request, queryset) -> None:
        super().delete_queryset(request, queryset)
        calendars_changed()


@admin.register(Department)
class DepartmentAdmin(TranslationAdmin):
    list_display = ("name", "slug", "position")
    search_fields = ("name_de", "name_en", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("position", "name")


class CounterInline(admin.TabularInline):
    model = Counter
    extra = 0


class OpeningHoursInline(admin.TabularInline):
    """The official hours the start page shows instead of the hours the rosters make."""

    model = OpeningHours
    extra = 0
    verbose_name_plural = _("Opening hours")
    # Django's inlines have no help text; this template shows `help_text` above the table.
    template = "admin/edit_inline/tabular_with_help.html"
    help_text = _("Leave empty to show the hours from the rosters.")


@admin.register(Location)
class LocationAdmin(ChangesCapacity, TranslationAdmin):
    list_display = ("name", "city", "federal_state", "slot_minutes", "requires_email_confirmation")
    list_filter = ("federal_state", "requires_email_confirmation")
    search_fields = ("name_de", "name_en", "street", "postcode", "city")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("name",)
    inlines = [OpeningHoursInline, CounterInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "street", "postcode", "city", "directions")}),
        (_("Contact"), {"fields": ("email", "phone")}),
        (
            _("Booking rules"),
            {
                "fields": (
                    "time_zone",
                    "federal_state",
                    "slot_minutes",
                    "horizon_days",
                    "release_time",
                    "min_notice_minutes",
                    "requires_email_confirmation",
                    "hold_minutes",
                    "rerelease_minutes",
                    "wish_offer_minutes",
                    "max_online_per_email",
                    "reminder_hours",
                )
            },
        ),
        (
            _("Waiting area"),
            {
                "fields": (
                    "waiting_prefix",
                    "check_in_early_minutes",
                    "late_tolerance_minutes",
                    "late_rule",
                )
            },
        ),
    )

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "time_zone":
            # A list, not free text: a typo would break every page showing the location's times
            # (ZoneInfo raises for an unknown name).
            return forms.ChoiceField(
                label=capfirst(db_field.verbose_name),
                choices=[(zone, zone) for zone in sorted(available_timezones())],
                initial=db_field.default,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ServiceDocumentInline(admin.TabularInline):
    model = ServiceDocument
    extra = 0
    autocomplete_fields = ("document",)
    fields = ("document", "rule", "position")


@admin.register(Service)
class ServiceAdmin(ChangesCapacity, TranslationAdmin):
    list_display = (
        "name",
        "department",
        "mode",
        "duration_minutes",
        "additional_minutes",
        "max_quantity",
        "fee",
        "active",
    )
    list_filter = ("active", "mode", "department", "locations")
    list_select_related = ("department",)
    search_fields = ("name_de", "name_en", "slug", "synonyms", "leika_key")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("department__position", "department__name", "position", "name")
    filter_horizontal = ("locations",)
    inlines = [ServiceDocumentInline]
    # Django 6 makes https the default for addresses typed without a scheme; do so already.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "department",
                    "name",
                    "slug",
                    "description",
                    "life_situation",
                    "synonyms",
                    "position",
                    "active",
                )
            },
        ),
        (
            _("How it is offered"),
            {"fields": ("mode", "external_url", "request_kind", "locations")},
        ),
        (
            _("Time and fee"),
            {
                "fields": (
                    "duration_minutes",
                    "additional_minutes",
                    "max_quantity",
                    "fee",
                    "fee_note",
                )
            },
        ),
        (_("References"), {"fields": ("legal_basis", "leika_key")}),
    )


@admin.register(Document)
class DocumentAdmin(TranslationAdmin):
    list_display = ("name", "note", "service_count")
    search_fields = ("name_de", "name_en", "note_de", "note_en")
    ordering = ("name",)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(service_count=Count("service_rules"))

    @admin.display(description=_("used by services"), ordering="service_count")
    def service_count(self, document: Document) -> int:
        return document.service_count  # type: ignore[attr-defined]  # annotated in get_queryset


class ReadOnlyInline(ReadOnly, admin.TabularInline):
    extra = 0
    can_delete = False


class WrittenByTheOffice(ReadOnly, admin.ModelAdmin):
    """Rosters, absences and closures: shown here, changed only on the office's roster pages.

    Their one writer is core/rosters.py, which hands appointments over to a free colleague, mails
    the citizens nobody can serve, and checks the team lead's scope; an admin save would do none
    of that.
    """

    change_list_template = "admin/core/written_by_the_office_change_list.html"
    change_form_template = "admin/core/written_by_the_office_change_form.html"


class RosterBlockInline(ReadOnlyInline):
    """Read-only like the RosterBlock admin (see WrittenByTheOffice)."""

    model = RosterBlock
    fields = (
        "location",
        "weekday",
        "start_time",
        "end_time",
        "online_bookable",
        "valid_from",
        "valid_until",
    )


@admin.register(StaffMember)
class StaffMemberAdmin(ChangesCapacity):
    list_display = ("name", "department", "role", "user", "active")
    list_filter = ("active", "role", "department", "locations", "skills")
    list_select_related = ("department", "user")
    search_fields = ("name", "user__username")
    ordering = ("name",)
    raw_id_fields = ("user",)
    filter_horizontal = ("skills", "locations")
    inlines = [RosterBlockInline]


@admin.register(RosterBlock)
class RosterBlockAdmin(WrittenByTheOffice):
    list_display = (
        "staff",
        "location",
        "weekday",
        "start_time",
        "end_time",
        "online_bookable",
        "valid_from",
        "valid_until",
    )
    list_filter = ("location", "weekday", "online_bookable", "staff")
    list_select_related = ("staff", "location")
    search_fields = ("staff__name",)
    ordering = ("staff__name", "weekday", "start_time")


@admin.register(Absence)
class AbsenceAdmin(WrittenByTheOffice):
    list_display = ("staff", "start", "end", "reason")
    list_filter = ("reason", "staff")
    list_select_related = ("staff",)
    search_fields = ("staff__name",)
    ordering = ("-start",)
    date_hierarchy = "start"


@admin.register(Closure)
class ClosureAdmin(WrittenByTheOffice):
    list_display = ("location", "start", "end", "reason")
    list_filter = ("location",)
    list_select_related = ("location",)
    search_fields = ("reason", "location__name_de")
    ordering = ("-start",)
    date_hierarchy = "start"


class AppointmentItemInline(ReadOnlyInline):
    model = AppointmentItem
    fields = ("service", "quantity")


class AppointmentEventInline(ReadOnlyInline):
    model = AppointmentEvent
    fields = ("kind", "at", "channel", "detail")


@admin.register(Appointment)
class AppointmentAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: booking, confirming, moving and cancelling go through the booking core, which
    also sends the emails, keeps the history and guards against double bookings. Personal data
    is removed by the purge task after the retention period, not by hand."""

    list_display = (
        "reference",
        "start",
        "location",
        "staff",
        "status",
        "channel",
        "waiting_number",
        "name",
    )
    list_filter = ("status", "channel", "location")
    list_select_related = ("location", "staff")
    search_fields = ("reference", "name", "email")
    ordering = ("start",)
    date_hierarchy = "start"
    inlines = [AppointmentItemInline, AppointmentEventInline]
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "reference",
                    "status",
                    "location",
                    "staff",
                    "start",
                    "end",
                    "channel",
                    "waiting_day",
                    "waiting_number",
                )
            },
        ),
        (_("Contact"), {"fields": ("name", "email", "phone", "language")}),
        (
            _("Bookkeeping"),
            {"fields": ("created_at", "hold_expires_at", "cancelled_at", "sequence")},
        ),
    )

    def get_search_results(self, request, queryset, search_term):
        # A reference read out on the phone may come without dashes, in lower case, or with O
        # for 0: its canonical form finds it exactly.
        reference = numbers.parse_reference(search_term)
        if reference is not None:
            return queryset.filter(reference=reference), False
        return super().get_search_results(request, queryset, search_term)


class OnlineRequestEventInline(ReadOnlyInline):
    model = OnlineRequestEvent
    fields = ("status", "at", "staff")


@admin.register(OnlineRequest)
class OnlineRequestAdmin(ReadOnly, admin.ModelAdmin):
    """Read-only: claiming, answering and rejecting go through core/online_requests.py, which
    also keeps the history and emails the requester."""

    list_display = ("reference", "kind", "status", "created_at", "claimed_by", "name")
    list_filter = ("status", "kind")
    list_select_related = ("claimed_by",)
    search_fields = ("reference", "name", "email")
    date_hierarchy = "created_at"
    inlines = [OnlineRequestEventInline]
    fields = (
        "reference",
        "service",
        "kind",
        "status",
        "name",
        "email",
        "postal_address",
        "language",
        "data",
        "fee",
        "claimed_by",
        "staff_notes",
        "answer",
        "rejection_reason",
        "created_at",
        "confirmed_at",
        "updated_at",
    )


@admin.register(DeviceLink)
class DeviceLinkAdmin(admin.ModelAdmin):
    """Links that open a call display or check-in kiosk without a login (core/devices.py).

    Only a link's digest is stored, so its address is shown once, right after it is created;
    a lost one is revoked and a new one created. Afterwards only the name can change.
    """

    list_display = ("name", "location", "kind", "created_at", "revoked_at")
    list_filter = ("kind", "location", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("location",)
    ordering = ("location", "kind", "name")
    actions = ["revoke"]

    def get_fields(self, request, obj=None):
        return (
            ("location", "kind", "name", "created_at", "revoked_at")
            if obj
            else ("location", "kind", "name")
        )

    def get_readonly_fields(self, request, obj=None):
        return ("location", "kind", "created_at", "revoked_at") if obj else ()

    def save_model(self, request, obj, form, change) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        token = devices.issue(obj.location, obj.kind, obj.name, now=timezone.now())
        issued = devices.find(token, obj.kind)
        assert issued is not None  # just issued in this transaction
        # The admin goes on with `obj` (history, redirect): make it the row just created.
        obj.pk, obj.digest, obj.created_at = issued.pk, issued.digest, issued.created_at
        obj._state.adding = False
        screen = "display:board" if obj.kind == DeviceLink.Kind.DISPLAY else "display:kiosk"
        address = request.build_absolute_uri(reverse(screen, args=[token]))
        self.message_user(
            request,
            gettext("Open this address on the screen. It is shown only now: %(address)s")
            % {"address": address},
            messages.WARNING,
        )

    @admin.action(description=_("Revoke the selected device links"))
    def revoke(self, request, queryset) -> None:
        now = timezone.now()
        active = list(queryset.filter(revoked_at__isnull=True))
        for device in active:
            devices.revoke(device, now=now)
        self.message_user(
            request,
            ngettext(
                "%(count)d device link revoked.", "%(count)d device links revoked.", len(active)
            )
            % {"count": len(active)},
        )


from . import admin_api_keys, admin_content, admin_sign_language, admin_webhooks  # noqa: F401,E402
