"""The login forms. Passwords are checked by django.contrib.auth through django-axes, which
counts failures per username and address and locks after AXES_FAILURE_LIMIT (settings.py)."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class PasswordForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _("Username or password is wrong."),
        "inactive": _("This login is disabled."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        # No login has a longer name, and the failure would reach django-axes, whose record
        # holds 255 characters (PostgreSQL refuses more: a 500).
        if len(username) > self.fields["username"].max_length:
            raise forms.ValidationError(self.error_messages["invalid_login"], code="invalid_login")
        return username


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=20,
        help_text=_("The 6-digit code from your authenticator app, or one of your recovery codes."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        ),
    )


class EnrolForm(forms.Form):
    code = forms.CharField(
        label=_("Code from the app"),
        max_length=10,
        # A typo caught here costs no try: the device waits longer after each wrong code.
        validators=[RegexValidator(r"^\d{3} ?\d{3}$", _("Enter the 6 digits the app shows."))],
        help_text=_("Enter the 6-digit code the app now shows for this login."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class NewPasswordForm(SetPasswordForm):
    """The first login's own password, checked by AUTH_PASSWORD_VALIDATORS."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = _(
            "At least 8 characters, not like your name or username, not a common password."
        )
        self.fields["new_password2"].label = _("New password again")

    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise forms.ValidationError(
                _("Choose a password other than the one you were given."), code="unchanged"
            )
        return password
