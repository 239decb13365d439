"""The wish form: where, when and who. It parses; the core (core/wishes/store.py) decides."""

from datetime import date, time

from django import forms
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.models import Location

from ..wizard.forms import ContactForm


class TimeOfDayField(forms.CharField):
    """<input type=time>: "HH:MM" or empty (no limit)."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)  # parse_time_of_day bounds the length

    def to_python(self, value) -> time | None:
        text = super().to_python(value)
        if not text:
            return None
        parsed = inputs.parse_time_of_day(text)
        if parsed is None:
            raise forms.ValidationError(_("Enter a time like 09:30."), code="invalid")
        return parsed


class WishForm(ContactForm):
    """ContactForm's name, email, phone, language and ALTCHA field, plus what the wish asks."""

    locations = forms.TypedMultipleChoiceField(
        label=_("Locations"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one location."),
            "invalid_choice": _("Choose one of the locations shown."),
        },
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"),
        coerce=int,
        choices=[(str(number), name) for number, name in WEEKDAYS.items()],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Please choose at least one weekday."),
            "invalid_choice": _("Choose one of the weekdays shown."),
        },
    )
    earliest_time = TimeOfDayField(label=_("Not before (optional)"))
    latest_time = TimeOfDayField(
        label=_("Finished by (optional)"),
        help_text=_("The whole appointment lies between these times."),
    )
    latest_date = forms.DateField(
        label=_("Latest acceptable day"),
        input_formats=["%Y-%m-%d"],
        validators=[inputs.validate_date],
        error_messages={
            "required": _("Enter the latest day on which you could come."),
            "invalid": _("Enter a date like 2027-01-15."),
        },
    )
    urgent_reason = forms.CharField(
        label=_("Urgent? Give the reason (optional)"),
        help_text=_("For example: you travel within the next 14 days. Staff check urgent wishes."),
        required=False,
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "max_length": _("Please shorten the reason to at most %(limit_value)d characters."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my data is used to offer me an "
            "appointment."
        ),
        error_messages={"required": _("Agree to the privacy notice to join the wish-list.")},
    )

    field_order = [
        "locations",
        "weekdays",
        "earliest_time",
        "latest_time",
        "latest_date",
        "name",
        "email",
        "phone",
        "language",
        "urgent_reason",
        "consent",
    ]

    def __init__(self, *args, locations: list[Location], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["email"].help_text = _(
            "We send the link to confirm your wish and every time we hold for you to this address."
        )
        self.places = {place.pk: place for place in locations}
        self.fields["locations"].choices = [
            (str(place.pk), f"{place.name}, {place.street}, {place.postcode} {place.city}")
            for place in locations
        ]

    def chosen_locations(self) -> list[Location]:
        return [self.places[pk] for pk in self.cleaned_data["locations"]]

    def weekday_bits(self) -> int:
        return sum(1 << day for day in set(self.cleaned_data["weekdays"]))

    def latest(self) -> date:
        return self.cleaned_data["latest_date"]
