"""The page's switch: location, day, week, month or year, and which day."""

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.statistics import Period


class PeriodForm(forms.Form):
    location = forms.ModelChoiceField(label=_("Location"), queryset=None, required=False)
    period = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("day", _("Day")),
            ("week", _("Week")),
            ("month", _("Month")),
            ("year", _("Year")),
        ],
        required=False,
    )
    day = forms.DateField(
        label=_("Day"),
        required=False,
        help_text=_("For a week, month or year: any day of it."),
        validators=[inputs.validate_date],
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, data, *, locations, today):
        if not data.get("day"):
            # The figures shown are today's: say so in the date box too.
            data = data.copy()
            data["day"] = today.isoformat()
        super().__init__(data)
        self.fields["location"].queryset = locations
        self.today = today

    def chosen_period(self) -> Period:
        """The period asked for; today when the day is missing or wrong."""
        data = self.cleaned_data if self.is_valid() else {}
        day = data.get("day") or self.today
        return Period.of(data.get("period") or "day", day)
