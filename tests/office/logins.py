"""Logging test users in to the office and the admin with their second factor.

The Django admin asks for the office's second factor too, so `admin_client` here replaces
pytest-django's: a superuser logged in with a verified authenticator.
"""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from amtstermin.core.models import StaffMember

PASSWORD = "Rathaus-Test-2026"


def user_for(staff: StaffMember | None = None, username: str = "") -> object:
    """A login with PASSWORD, attached to `staff` if given."""
    username = username or (f"staff{staff.pk}" if staff else "citizen-user")
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    if staff is not None:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


def authenticator(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=True)


def app_code(device: TOTPDevice) -> str:
    """The code an authenticator app with `device`'s key shows right now."""
    return f"{totp(device.bin_key, step=device.step, digits=device.digits):0{device.digits}d}"


def log_in_verified(client: Client, user) -> None:
    """Log `user` in with a verified second factor, skipping the login pages."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


@pytest.fixture
def admin_client(client, admin_user) -> Client:
    log_in_verified(client, admin_user)
    return client
