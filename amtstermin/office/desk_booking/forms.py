"""The phone and desk booking form: what is wanted and when, then who and how to reach them.

Two forms on one page. The request (services, day) is sent by GET, so it holds no personal
data and the time list can be reloaded freely; the booking (time, contact) is sent by POST
and carries the request along in hidden fields. The core decides what can be booked.
"""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.models import Channel
from amtstermin.service_quantities import ServiceQuantities

from .. import contact_fields


class RequestForm(ServiceQuantities):
    """One quantity per service ("service-<pk>", 0: not wanted) and the day to look at."""

    tag = forms.DateField(
        label=_("Day"),
        error_messages={
            "required": _("Enter the day of the appointment."),
            "invalid": _("Enter the day as a date, for example 07.12.2026."),
        },
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[inputs.validate_date],
    )

    def clean(self):
        data = super().clean()
        if not self.errors and not self.items():
            raise forms.ValidationError(_("Choose at least one service: enter how many."))
        return data


class BookingForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("How is the citizen booking?"),
        choices=[(Channel.PHONE, _("By phone")), (Channel.DESK, _("At the desk"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose phone or desk."),
            "invalid_choice": _("Choose phone or desk."),
        },
    )
    start = forms.CharField(
        label=_("Time"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time.")},
    )
    name = contact_fields.name_field()
    phone = contact_fields.phone_field()
    email = contact_fields.email_field(
        label=_("Email address (optional)"),
        help_text=_("With an address the citizen gets the confirmation and reminders by email."),
    )
    language = contact_fields.language_field()
    key = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def clean_start(self) -> datetime:
        start = inputs.parse_instant(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Choose a time."))
        return start

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter the citizen's full name."))
        return name
