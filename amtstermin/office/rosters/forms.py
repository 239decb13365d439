"""What a team lead types for a roster block, an absence or a closure, turned into the
arguments of one amtstermin.core.rosters call. Choices are limited to the lead's team."""

from datetime import datetime, time, timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import inputs
from amtstermin.core.models import Absence, Closure, Location, RosterBlock
from amtstermin.core.models.staff import WEEKDAYS

# Browsers send <input type="date"> as ISO; typed German dates work too.
DATE_FORMATS = ["%Y-%m-%d", "%d.%m.%Y"]


class DateInput(forms.DateInput):
    input_type = "date"


class TimeInput(forms.TimeInput):
    input_type = "time"


def date_field(label, **options) -> forms.DateField:
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=DateInput,
        validators=[inputs.validate_date],
        **options,
    )


def time_field(label, **options) -> forms.TimeField:
    return forms.TimeField(label=label, widget=TimeInput, **options)


class BlockForm(forms.Form):
    """A new block (with its clerk) or, given `block`, the block's hours from a day on."""

    staff = forms.ModelChoiceField(label=_("Clerk"), queryset=None)
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=WEEKDAYS, coerce=int)
    start_time = time_field(_("From"), help_text=_("For example 08:00"))
    end_time = time_field(_("Until"), help_text=_("For example 12:00"))
    valid_from = date_field(
        _("Valid from"), help_text=_("When changing: the weeks before keep the old hours.")
    )
    valid_until = date_field(
        _("Valid until"), required=False, help_text=_("Leave empty for no end.")
    )
    online_bookable = forms.BooleanField(
        label=_("bookable online"),
        required=False,
        help_text=_("Off: kept back for phone, front desk and walk-ins."),
    )

    def __init__(self, data=None, *, team, block: RosterBlock | None = None, today=None):
        initial = {"online_bookable": True, "valid_from": today}
        if block is not None:
            initial = {
                "weekday": block.weekday,
                "start_time": f"{block.start_time:%H:%M}",
                "end_time": f"{block.end_time:%H:%M}",
                "valid_from": max(block.valid_from, today),
                "valid_until": block.valid_until,
                "online_bookable": block.online_bookable,
            }
        super().__init__(data, initial=initial)
        self.block = block
        if block is None:
            self.fields["staff"].queryset = team
        else:
            del self.fields["staff"]  # a block stays with its clerk


class EndBlockForm(forms.Form):
    last_day = date_field(_("Last working day"), help_text=_("The block ends after this day."))


class PeriodForm(forms.Form):
    """Whole days, or part of a day with times: leave, sickness, a closure."""

    first_day = date_field(_("First day"))
    last_day = date_field(_("Last day"))
    from_time = time_field(
        _("From (time)"), required=False, help_text=_("Empty: from the start of the day.")
    )
    until_time = time_field(
        _("Until (time)"), required=False, help_text=_("Empty: to the end of the day.")
    )

    def __init__(self, data=None, *, location: Location, **options):
        super().__init__(data, **options)
        self.location = location

    def period(self) -> tuple[datetime, datetime]:
        """Start and end as instants at the location's clock."""
        data = self.cleaned_data
        zone = self.location.zone
        start = datetime.combine(data["first_day"], data["from_time"] or time(0), tzinfo=zone)
        if data["until_time"]:
            end = datetime.combine(data["last_day"], data["until_time"], tzinfo=zone)
        else:
            end = datetime.combine(data["last_day"] + timedelta(days=1), time(0), tzinfo=zone)
        return start, end


class AbsenceForm(PeriodForm):
    staff = forms.ModelChoiceField(label=_("Clerk"), queryset=None)
    reason = forms.ChoiceField(label=_("Reason"), choices=Absence.Reason)
    field_order = ["staff", "reason"]

    def __init__(self, data=None, *, team, location: Location):
        super().__init__(data, location=location)
        self.fields["staff"].queryset = team


class ClosureForm(PeriodForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=Closure._meta.get_field("reason").max_length,
        help_text=_("For example: staff meeting"),
    )
    field_order = ["reason"]


class PickForm(forms.Form):
    """Which of the listed rows a button means: a block, an absence or a closure of the team."""

    row = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, data=None, *, rows):
        super().__init__(data)
        self.fields["row"].queryset = rows
