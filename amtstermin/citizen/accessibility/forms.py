"""The feedback form on the accessibility statement: it parses input; core/accessibility.py
decides."""

from django import forms
from django.urls import Resolver404, resolve
from django.utils.translation import gettext_lazy as _

from amtstermin.core import accessibility

TOO_LONG = _("Please shorten this to at most %(limit_value)d characters.")


class FeedbackForm(forms.Form):
    name = forms.CharField(
        label=_("Your name (optional)"),
        required=False,
        max_length=accessibility.NAME_LIMIT,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
        error_messages={"max_length": TOO_LONG},
    )
    email = forms.EmailField(
        label=_("Your email address (optional)"),
        required=False,
        max_length=254,
        help_text=_("Only if you want an answer from us."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
        error_messages={
            "invalid": _("Enter an email address in the correct format, like name@example.de."),
            "max_length": TOO_LONG,
        },
    )
    page = forms.CharField(
        label=_("Page with the barrier (optional)"),
        required=False,
        max_length=accessibility.PAGE_LIMIT,
        help_text=_("For example the address of the page or its heading."),
        error_messages={"max_length": TOO_LONG},
    )
    message = forms.CharField(
        label=_("What is the barrier?"),
        max_length=accessibility.MESSAGE_LIMIT,
        strip=False,
        help_text=_("Describe what did not work for you, and how you use the website if it helps."),
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": _("Please describe the barrier."), "max_length": TOO_LONG},
    )
    consent = forms.BooleanField(
        label=_("I agree that my details are used to answer my feedback."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        # Without an address nothing personal is needed, so nothing needs agreeing to.
        if cleaned.get("email") and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Please agree to the use of your details, or leave out the email address."),
            )
        return cleaned


def page_of(text: str | None) -> str:
    """`text` if it is a path of this site (the ?seite= of a "report a barrier" link), else ""."""
    if not text or len(text) > accessibility.PAGE_LIMIT or not text.startswith("/"):
        return ""
    if text.startswith("//") or any(ord(char) < 32 or char == "\\" for char in text):
        return ""
    try:
        resolve(text.split("?")[0])
    except Resolver404:
        return ""
    return text
