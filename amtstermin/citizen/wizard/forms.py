"""The wizard's forms: they parse and check input; the core decides what can be booked."""

import re
from collections.abc import Iterable

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from amtstermin.core.models import Location
from amtstermin.core.scheduling.earliest import Earliest
from amtstermin.service_quantities import ServiceQuantities

PHONE = re.compile(r"^\+?[0-9 ()/-]{5,30}$")


class ServicesForm(ServiceQuantities):
    """One quantity field per bookable service ("service-<pk>"), 0 meaning not wanted."""


class LocationForm(forms.Form):
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        widget=forms.RadioSelect,
        label=_("Location"),
        empty_label=None,
        error_messages={
            "required": _("Choose a location."),
            "invalid_choice": _("Choose one of the locations shown."),
        },
    )

    def __init__(self, *args, locations: list[Location], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["location"]
        field.queryset = Location.objects.filter(
            pk__in=[location.pk for location in locations]
        ).order_by("name")
        field.label_from_instance = lambda place: (
            f"{place.name}, {place.street}, {place.postcode} {place.city}"
        )

    def choices_with(self, found: Iterable[Earliest]) -> list[tuple]:
        """Each radio button with the earliest free time at its location (None: not searched)."""
        by_location = {answer.location.pk: answer for answer in found}
        return [
            (choice, by_location.get(choice.data["value"].value)) for choice in self["location"]
        ]


class ContactForm(forms.Form):
    name = forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={
            "required": _("Enter your full name."),
            "max_length": _("Please shorten the name to at most %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the confirmation and the links to change or cancel to this address."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the correct format, like name@example.de."),
            "max_length": _(
                "Please shorten the email address to at most %(limit_value)d characters."
            ),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    phone = forms.CharField(
        label=_("Phone number (optional)"),
        required=False,
        max_length=30,
        help_text=_("Only used if we have to reach you at short notice."),
        error_messages={
            "max_length": _(
                "Please shorten the phone number to at most %(limit_value)d characters."
            ),
        },
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    language = forms.ChoiceField(
        label=_("Language of our messages"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Choose one of the languages shown.")},
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is used for this appointment."
        ),
        error_messages={"required": _("Agree to the privacy notice to book an appointment.")},
    )
    # Filled by the ALTCHA widget; empty when JavaScript does not run (see views.contact).
    altcha = forms.CharField(required=False, max_length=4000, widget=forms.HiddenInput)

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and not PHONE.match(phone):
            raise forms.ValidationError(
                _("Enter a phone number with digits only, like 02381 123456 or +49 2381 123456.")
            )
        return phone

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError(_("Enter your full name."))
        return name
