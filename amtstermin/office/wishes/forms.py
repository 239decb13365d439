"""The office's wish-list forms: the list's filters, a wish taken by phone, and the time an
urgent wish is placed at. The core decides what can be wished and booked."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.models import Location
from amtstermin.core.models.staff import WEEKDAYS
from amtstermin.service_quantities import ServiceQuantities

from .. import contact_fields

SHOW = [
    ("open", _("Waiting and offered")),
    ("offered", _("With an open offer")),
    ("closed", _("Booked, cancelled or expired")),
]


class FilterForm(forms.Form):
    show = forms.ChoiceField(label=_("Show"), choices=SHOW, required=False)
    location = forms.ModelChoiceField(
        label=_("Location"), queryset=Location.objects.none(), required=False
    )
    urgent = forms.BooleanField(label=_("Only urgent wishes"), required=False)

    def __init__(self, *args, locations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def chosen(self) -> dict:
        """The filters, with anything invalid read as "no filter" (a list page never fails)."""
        data = self.cleaned_data if self.is_valid() else {}
        return {
            "show": data.get("show") or "open",
            "location": data.get("location"),
            "urgent": bool(data.get("urgent")),
        }


def _time_field(label) -> forms.TimeField:
    return forms.TimeField(
        label=label,
        required=False,
        error_messages={"invalid": _("Enter a time like 09:30.")},
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )


class LeaveForm(ServiceQuantities):
    """A caller's wish: services and numbers, when they can come, who they are."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays that suit"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one weekday.")},
    )
    earliest_time = _time_field(_("Not before (optional)"))
    latest_time = _time_field(_("Finished by (optional)"))
    latest_date = forms.DateField(
        label=_("Latest day"),
        help_text=_("The wish expires after this day."),
        error_messages={
            "required": _("Enter the latest day that suits."),
            "invalid": _("Enter the day as a date, for example 07.12.2026."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[inputs.validate_date],
    )
    name = contact_fields.name_field()
    phone = contact_fields.phone_field()
    email = contact_fields.email_field(
        label=_("Email address (optional)"),
        help_text=_(
            "With an address the caller confirms the wish by email and gets the offers by "
            "email. Without one the wish counts at once and the desk phones with each offer."
        ),
    )
    language = contact_fields.language_field()
    urgent_reason = forms.CharField(
        label=_("Reason for urgency (optional)"),
        help_text=_(
            "For example travel within the next 14 days. Team leads can place urgent "
            "wishes directly."
        ),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].label = _("Phone number")
        self.fields["phone"].help_text = _("Needed without an email address: the desk calls it.")

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_urgent_reason(self) -> str:
        reason = self.cleaned_data["urgent_reason"]
        if inputs.has_nul(reason):
            raise forms.ValidationError(_("Enter the reason as plain text."))
        return reason

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone") and "phone" not in self.errors:
            self.add_error("phone", _("Enter a phone number or an email address."))
        counted = [self.field_name(service) for service in self.services]
        if not any(name in self.errors for name in counted) and not self.items():
            raise forms.ValidationError(_("Choose at least one service: enter how many."))
        return data


class PlaceForm(forms.Form):
    """The time to place a wish at: "<location id>|<ISO instant>" from the list of free starts."""

    start = forms.CharField(
        label=_("Time"),
        max_length=80,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time.")},
    )

    def clean_start(self) -> tuple[int, datetime]:
        location, _separator, start = self.cleaned_data["start"].partition("|")
        location_id, instant = inputs.parse_id(location), inputs.parse_instant(start)
        if location_id is None or instant is None:
            raise forms.ValidationError(_("Choose a time."))
        return location_id, instant
