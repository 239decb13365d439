"""Logging in to the office: password, then the second factor (enrolling it the first time).

After the password the user is logged in but not verified: access.staff_view lets them no
further than the code step until a device has verified them (django_otp.login).
"""

import django_otp
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from . import second_factor
from .forms import CodeForm, EnrolForm, NewPasswordForm, PasswordForm

ENROLMENT = "office_enrolment_device"  # session key: the authenticator this session enrols
CODE_PROVEN = "office_enrolment_proven"  # session key: that authenticator's code was right


def _next(request: HttpRequest) -> str:
    """Where to go after the login: a local `next` only (no open redirect), else the overview."""
    wanted = request.POST.get("next") or request.GET.get("next", "")
    if url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse("office:overview")


def _step(request: HttpRequest, name: str) -> HttpResponse:
    return redirect_to_login(_next(request), reverse(name))


@sensitive_post_parameters("password")
@never_cache
def login(request: HttpRequest) -> HttpResponse:
    form = PasswordForm(request, data=request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            auth.login(request, form.get_user())
            request.session.set_expiry(settings.STAFF_IDLE_MINUTES * 60)
            return _step(request, "office:verify")
        # Never send a password back to the browser, not even into its own field.
        form.data = form.data.copy()
        form.data["password"] = ""
    status = 422 if form.errors else 200
    return render(
        request, "office/login.html", {"form": form, "next": _next(request)}, status=status
    )


@sensitive_post_parameters("code")
@never_cache
def verify(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return _step(request, "office:login")
    if second_factor.authenticator(request.user) is None:
        return _step(request, "office:enrol")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = second_factor.verify(request.user, form.cleaned_data["code"])
        except second_factor.Throttled as throttled:
            form.add_error("code", _wait(throttled))
        else:
            if device is not None:
                django_otp.login(request, device)
                return redirect(_next(request))
            form.add_error("code", _("This code is not valid."))
    status = 422 if form.errors else 200
    return render(
        request, "office/login_code.html", {"form": form, "next": _next(request)}, status=status
    )


@sensitive_post_parameters("code", "new_password1", "new_password2")
@never_cache
def enrol(request: HttpRequest) -> HttpResponse:
    """The first login: set up the authenticator app, then replace the given password."""
    if not request.user.is_authenticated:
        return _step(request, "office:login")
    if second_factor.authenticator(request.user) is not None:
        return _step(request, "office:verify")  # enrolled already: no second device by password
    # The secret belongs to this session (the same on every reload), never to the user: two
    # sessions that know the password are each shown their own.
    device = second_factor.pending_authenticator(request.user, request.session.get(ENROLMENT))
    if device is None:
        device = second_factor.start_enrolment(request.user)
        request.session[ENROLMENT] = device.pk
    if request.session.get(CODE_PROVEN) == device.pk:
        return _own_password(request, device)
    form = EnrolForm(request.POST or None)
    if form.is_valid():
        try:
            proven = second_factor.check_enrolment_code(device, form.cleaned_data["code"])
        except second_factor.Throttled as throttled:
            form.add_error("code", _wait(throttled))
        else:
            if proven:
                request.session[CODE_PROVEN] = device.pk
                return _step(request, "office:enrol")
            form.add_error("code", _("This code is not valid. Check the time on the app's device."))
    context = {
        "form": form,
        "next": _next(request),
        "qr": second_factor.qr_svg(device),
        "secret": second_factor.secret(device),
    }
    return render(request, "office/login_enrol.html", context, status=422 if form.errors else 200)


def _own_password(request: HttpRequest, device) -> HttpResponse:
    """The first login's last step: a password only the staff member knows, before any page."""
    form = NewPasswordForm(request.user, request.POST or None)
    if form.is_valid():
        codes = second_factor.complete_enrolment(
            device, request.user, form.cleaned_data["new_password1"]
        )
        auth.update_session_auth_hash(request, request.user)  # this session stays logged in
        django_otp.login(request, device)
        # Shown in this response only, never stored for a second look.
        context = {"codes": codes, "next": _next(request)}
        return render(request, "office/recovery_codes.html", context)
    if form.errors:  # never send a password back to the browser
        form.data = form.data.copy()
        form.data["new_password1"] = form.data["new_password2"] = ""
    context = {"form": form, "next": _next(request)}
    status = 422 if form.errors else 200
    return render(request, "office/login_password.html", context, status=status)


def _wait(throttled: second_factor.Throttled) -> str:
    return ngettext(
        "A wrong code was entered just now. Wait %(seconds)d second, then try again.",
        "A wrong code was entered just now. Wait %(seconds)d seconds, then try again.",
        throttled.seconds,
    ) % {"seconds": throttled.seconds}


def renew_idle_expiry(get_response):
    """Middleware: a session with an expiry of its own (staff) lasts that long from each request.

    Django counts a session's age from its last save, and saves only changed sessions. Only
    sessions the request read anyway are looked at, so no other request pays a query.
    """

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        session = request.session
        if session.accessed and "_session_expiry" in session:
            session.modified = True
        return response

    return middleware


@require_POST
def logout(request: HttpRequest) -> HttpResponse:
    auth.logout(request)
    messages.success(request, _("You have been logged out."))
    return redirect("office:login")
