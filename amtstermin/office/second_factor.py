"""The second factor: an authenticator app (TOTP) plus ten single-use recovery codes.

A staff member without a confirmed authenticator enrols at their first login: the office shows
a fresh secret, and only a correct code from the app confirms it. Recovery codes are made in
the same step and shown once; each works once instead of an app code (a lost phone).
django-otp slows down guessing: after each wrong code a device refuses the next try for 1, 2,
4 … seconds.
"""

import math
from base64 import b32encode

import segno
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice


class Throttled(Exception):
    """A wrong code was entered a moment ago: the device takes the next one only later."""

    def __init__(self, seconds: int):
        super().__init__(seconds)
        self.seconds = seconds


RECOVERY_CODES = 10
AUTHENTICATOR = "Authenticator"
RECOVERY = "Recovery codes"


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed authenticator, or None if they still have to enrol."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).first()


def start_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """A new unconfirmed authenticator with a fresh secret, for one login session.

    Any other unconfirmed one goes: a secret shown in one session (perhaps to someone who knows
    only the password) must never be the one another session confirms."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def pending_authenticator(user: AbstractBaseUser, device_id: int | None) -> TOTPDevice | None:
    """The unconfirmed authenticator this session was shown, while it is still pending."""
    if device_id is None:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=False, pk=device_id).first()


def secret(device: TOTPDevice) -> str:
    """The secret as authenticator apps take it typed in: base32, in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[start : start + 4] for start in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> SafeString:
    """The otpauth:// link as an inline SVG QR code (no script, no image request)."""
    svg = segno.make_qr(device.config_url, error="m").svg_inline(scale=4, border=4)
    # segno writes only the modules into the SVG (no text); the page gives the secret in words.
    return mark_safe(svg.replace("<svg ", '<svg aria-hidden="true" ', 1))


def verify(user: AbstractBaseUser, code: str) -> Device | None:
    """The device that accepts `code` (an app code or an unused recovery code), or None.

    Raises Throttled while a device waits after a wrong code."""
    code = "".join(code.split()).replace("-", "").lower()
    if len(code) == 6 and code.isdigit():  # recovery codes have 8 characters
        devices = TOTPDevice.objects.devices_for_user(user, confirmed=True)
    else:
        devices = StaticDevice.objects.devices_for_user(user, confirmed=True)
    for device in devices:
        with transaction.atomic():
            device = _locked(device)
            _check_throttle(device)
            if device.verify_token(code):
                return device
    return None


def _locked(device: Device) -> Device:
    """`device` read again and locked until the transaction ends.

    django-otp reads the throttle, checks the code, then writes the new failure count: 25 wrong
    codes sent at once would all read "no failure yet" and all be checked. Locked, each waits
    for the one before and finds its throttle."""
    return type(device).objects.select_for_update().get(pk=device.pk)


@transaction.atomic
def check_enrolment_code(device: TOTPDevice, code: str) -> bool:
    """True if `code` is what the app set up with `device` shows now.

    Raises Throttled while the device waits after a wrong code."""
    device = _locked(device)
    _check_throttle(device)
    return device.verify_token("".join(code.split()))


@transaction.atomic
def complete_enrolment(device: TOTPDevice, user: AbstractBaseUser, password: str) -> list[str]:
    """The first login's end: `user`'s own password, `device` confirmed, new recovery codes.

    The password someone else set (IT, the admin) stops working before any office page opens;
    left half-way, nothing is confirmed and the next login starts the enrolment again."""
    user.set_password(password)
    user.save(update_fields=["password"])
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return replace_recovery_codes(user)


def _check_throttle(device: Device) -> None:
    """Raise Throttled if `device` refuses codes for now (its verify would fail silently)."""
    allowed, details = device.verify_is_allowed()
    if not allowed:
        wait = (details["locked_until"] - timezone.now()).total_seconds()
        raise Throttled(max(1, math.ceil(wait)))


def replace_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Make `RECOVERY_CODES` fresh recovery codes; any earlier ones stop working."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes
