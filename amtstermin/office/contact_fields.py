"""The citizen's contact fields as the office enters them, on the phone and desk booking form
and when correcting an appointment's contact details: one definition, so both check alike.

Functions, not a base form, so that each form keeps its own field order and wording."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

PHONE_PATTERN = r"^\+?[0-9 ()/-]{5,30}$"


def name_field(**error_messages: str) -> forms.CharField:
    return forms.CharField(
        label=_("Full name"),
        max_length=120,
        error_messages={"required": _("Enter the citizen's full name."), **error_messages},
    )


def phone_field() -> forms.RegexField:
    return forms.RegexField(
        label=_("Phone number (optional)"),
        regex=PHONE_PATTERN,
        required=False,
        max_length=30,
        error_messages={"invalid": _("Enter a phone number with digits only, like 02381 123456.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )


def email_field(*, label: str = _("Email address"), help_text: str = "") -> forms.EmailField:
    return forms.EmailField(
        label=label,
        required=False,
        max_length=254,
        help_text=help_text,
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.de.")
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def language_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Language of the messages"),
        choices=settings.LANGUAGES,
        error_messages={"invalid_choice": _("Choose one of the languages shown.")},
    )
