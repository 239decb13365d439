from django import forms
from django.utils.translation import gettext_lazy as _


class CheckInForm(forms.Form):
    # Room for a reference typed with spaces or dashes; core/numbers.py parses it.
    reference = forms.CharField(
        label=_("Reference number"),
        help_text=_(
            "Type the number from your confirmation, or hold its QR code under the scanner."
        ),
        max_length=40,
        error_messages={"required": _("Please enter your reference number.")},
    )
