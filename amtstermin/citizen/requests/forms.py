"""The online request forms: they parse and check input; core/online_requests.py decides."""

from django import forms
from django.utils.translation import gettext_lazy as _

from amtstermin.core import captcha
from amtstermin.core.models import OnlineRequest, Service

Kind = OnlineRequest.Kind


def kind_of(service: Service) -> str | None:
    """The form `service` takes online, or None: an online service without one keeps the
    portal's "contact us" text."""
    if not service.active or service.mode != Service.Mode.ONLINE_REQUEST:
        return None
    return service.request_kind or None


def _text(label, *, required_message, max_length, help_text="", autocomplete=None, rows=None):
    attrs = {"autocomplete": autocomplete} if autocomplete else {}
    widget = forms.Textarea(attrs={"rows": rows, **attrs}) if rows else forms.TextInput(attrs)
    return forms.CharField(
        label=label,
        max_length=max_length,
        help_text=help_text,
        widget=widget,
        error_messages={
            "required": required_message,
            "max_length": _("Please shorten this to at most %(limit_value)d characters."),
        },
    )


def _birth_date(label, *, autocomplete):
    # A text field with an example, as KERN and GOV.UK ask a date of birth: a type=date input
    # shows the browser's own pattern (Chromium: "mm/dd/yyyy"), not the one in the hint. No
    # numeric inputmode: phone keypads then lack the dot of "31.03.2000".
    return forms.DateField(
        label=label,
        help_text=_("For example 31.03.2000."),
        input_formats=["%d.%m.%Y", "%Y-%m-%d"],
        widget=forms.TextInput(attrs={"autocomplete": autocomplete}),
        error_messages={
            "required": _("Please give a valid date of birth."),
            "invalid": _("Please give a valid date of birth."),
        },
    )


class RequesterFields(forms.Form):
    """Who asks: the answer and every status mail go to them."""

    name = _text(
        _("Your full name"),
        required_message=_("Enter your full name."),
        max_length=120,
        autocomplete="name",
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send the confirmation and every change of status to this address."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter an email address in the correct format, like name@example.de."),
        },
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    # Filled by the ALTCHA widget; empty when JavaScript does not run (see views.apply). Longer
    # than any genuine payload is refused as a failed check, not as a field to shorten.
    altcha = forms.CharField(
        required=False,
        max_length=captcha.MAX_PAYLOAD_LENGTH,
        widget=forms.HiddenInput,
        error_messages={"max_length": _("The security check failed. Please try again.")},
    )


class MelderegisterForm(RequesterFields):
    postal_address = _text(
        _("Your postal address"),
        required_message=_("Enter your postal address."),
        max_length=300,
        help_text=_("Street and house number, postcode and town."),
        autocomplete="street-address",
        rows=3,
    )
    first_name = _text(
        _("First name of the person you are looking for"),
        required_message=_(
            "Please give the first and last name of the person you are looking for."
        ),
        max_length=60,
    )
    last_name = _text(
        _("Last name of the person you are looking for"),
        required_message=_(
            "Please give the first and last name of the person you are looking for."
        ),
        max_length=60,
    )
    # Someone else's: the browser must not offer the citizen's own birthday.
    date_of_birth = _birth_date(_("Their date of birth"), autocomplete="off")
    last_known_address = _text(
        _("Their last known address"),
        required_message=_("Please give the last address you know of the person."),
        max_length=300,
        rows=3,
    )
    purpose = _text(
        _("What do you need the information for?"),
        required_message=_("Please tell us what you need the information for."),
        max_length=500,
        rows=4,
    )
    consent = forms.BooleanField(
        label=_(
            "I accept the fee, my details are correct, and I agree that they are used to answer "
            "this request."
        ),
        error_messages={
            "required": _(
                "Please confirm that you accept the fee and that your details are correct."
            )
        },
    )

    person_fields = ("first_name", "last_name", "date_of_birth", "last_known_address", "purpose")


class SteuerIdForm(RequesterFields):
    postal_address = _text(
        _("Your registered address"),
        required_message=_("Enter the address where you are registered."),
        max_length=300,
        help_text=_("We send the answer by post to this address, never by email."),
        autocomplete="street-address",
        rows=3,
    )
    date_of_birth = _birth_date(_("Your date of birth"), autocomplete="bday")
    place_of_birth = _text(
        _("Your place of birth"),
        required_message=_("Please give your place of birth."),
        max_length=120,
    )

    person_fields = ("date_of_birth", "place_of_birth")


FORMS = {Kind.MELDEREGISTERAUSKUNFT: MelderegisterForm, Kind.STEUER_ID: SteuerIdForm}


def data_of(form: forms.Form) -> dict:
    """The kind's data for core submit: dates as ISO strings, consent as True."""
    data = {name: form.cleaned_data[name] for name in form.person_fields}
    data["date_of_birth"] = data["date_of_birth"].isoformat()
    if "consent" in form.fields:
        data["consent"] = form.cleaned_data["consent"] is True
    return data
