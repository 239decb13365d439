"""The counter's forms: they parse input; amtstermin/core/visits.py decides what happens."""

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core.desk import MIN_NAME_LENGTH
from amtstermin.core.models import Counter
from amtstermin.service_quantities import ServiceQuantities


class CounterForm(forms.Form):
    counter = forms.ModelChoiceField(
        queryset=Counter.objects.none(),
        widget=forms.RadioSelect,
        label=_("Your counter"),
        empty_label=None,
        error_messages={
            "required": _("Choose your counter."),
            "invalid_choice": _("Choose your counter."),
        },
    )

    def __init__(self, *args, counters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["counter"].queryset = counters
        self.fields["counter"].label_from_instance = lambda counter: counter.name


class VisitActionForm(forms.Form):
    """One form, three buttons: the button pressed names the action."""

    ACTIONS = [
        ("recall", _("Call again")),
        ("no_show", _("Did not come")),
        ("finish", _("Done")),
    ]
    visit = forms.IntegerField(min_value=1)
    action = forms.ChoiceField(choices=ACTIONS)


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Reference number or name"),
        min_length=MIN_NAME_LENGTH,
        max_length=120,
        help_text=_(
            "A reference number finds the appointment on any day; a name finds today's "
            "appointments at this location."
        ),
        error_messages={
            "required": _("Enter a reference number or a name."),
            "min_length": _("Enter at least %(limit_value)d characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class WalkInForm(ServiceQuantities):
    """One quantity field per service the clerk may issue here ("service-<pk>"), 0 = not wanted."""

    too_many = _("“%(name)s” can be issued at most %(max)s times.")

    # Shown only while the location is closed: the clerk confirms that this person is served.
    despite_closed = forms.BooleanField(
        required=False,
        label=_("Issue a waiting number anyway"),
        help_text=_("For someone let in before closing time, or an agreed exception."),
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.items():
            raise forms.ValidationError(_("Please choose at least one service."))
        return cleaned
