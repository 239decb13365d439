"""Finding an appointment, and the office's changes to one: the core decides what is allowed."""

from datetime import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.booking import CANCEL_REASON_LENGTH

from .. import contact_fields


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Reference number, name, email or phone"),
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    tag = forms.DateField(
        label=_("Day (optional)"),
        required=False,
        error_messages={"invalid": _("Enter the day as a date, for example 07.12.2026.")},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        validators=[inputs.validate_date],
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class MoveForm(forms.Form):
    start = forms.CharField(
        label=_("New time"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a time.")},
    )

    def clean_start(self) -> datetime:
        start = inputs.parse_instant(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Choose a time."))
        return start


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the citizen"),
        help_text=_("It is put in the email to the citizen, so write it for them."),
        max_length=CANCEL_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Enter the reason: the citizen reads it in the email."),
            "max_length": _("Write the reason in at most %(limit_value)d characters."),
        },
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Enter the reason: the citizen reads it in the email."))
        return reason


class ContactForm(forms.Form):
    name = contact_fields.name_field(
        max_length=_("Write the name in at most %(limit_value)d characters.")
    )
    phone = contact_fields.phone_field()
    email = contact_fields.email_field()
    language = contact_fields.language_field()
