"""The queue's forms: they only parse input; amtstermin/core/online_requests.py decides."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ActionForm(forms.Form):
    """One form for the request page: the button pressed names the action; the core checks
    the text (required, length) so its German refusal is the one the clerk reads."""

    ACTIONS = [("claim", _("Take on")), ("answer", _("Answer")), ("reject", _("Reject"))]
    action = forms.ChoiceField(choices=ACTIONS)
    text = forms.CharField(required=False, strip=False)
