"""A citizen who lost the mail asks for the manage link again: reference number + email address.

Every valid request gets the same answer, whether or not the pair belongs to an appointment:
the core queues the mail either way and only the worker looks the pair up
(booking.send_manage_link), so neither the page nor its timing tells a stranger that an
appointment exists. The mail goes to the address on record, never to one typed in here.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_safe

from amtstermin.core import booking, limits, numbers

from ..throttle import throttled

FORM_TEMPLATE = "citizen/appointment/recover.html"


class RecoverForm(forms.Form):
    # Longer than any reference typed with spaces or dashes; parse_reference reads the rest.
    reference = forms.CharField(
        label=_("Reference number"),
        max_length=20,
        help_text=_("From your confirmation email, for example 7KQ2-M9XD-4."),
        error_messages={"required": _("Please enter your reference number.")},
    )
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("The address you gave when booking."),
        error_messages={
            "required": _("Please enter your email address."),
            "invalid": _("Please enter an email address like name@example.org."),
        },
    )

    def clean_reference(self) -> str:
        reference = numbers.parse_reference(self.cleaned_data["reference"])
        if reference is None:
            raise forms.ValidationError(
                _("This is not a valid reference number. Please check it against your email.")
            )
        return reference


@require_http_methods(["GET", "HEAD", "POST"])
def recover(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return render(request, FORM_TEMPLATE, {"form": RecoverForm()})
    now = timezone.now()
    if refusal := throttled(
        request, limits.MANAGE_LINK, "citizen/requests/too_many_requests.html", now=now
    ):
        return refusal
    form = RecoverForm(request.POST)
    if not form.is_valid():
        return render(request, FORM_TEMPLATE, {"form": form}, status=422)
    booking.send_manage_link(
        reference=form.cleaned_data["reference"], email=form.cleaned_data["email"], now=now
    )
    return redirect("citizen:recover_sent")


@require_safe
def recover_sent(request: HttpRequest) -> HttpResponse:
    return render(request, "citizen/appointment/recover_sent.html")
