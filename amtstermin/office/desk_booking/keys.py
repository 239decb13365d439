"""Idempotency keys for the booking form: issued with the form, sent back with it.

The key is the same for every click on one form, so a double click (or a resubmit after a
timeout) books once: core.booking.book returns the first booking for a key it has seen. A key is
signed for the login it was issued to, so one login can never hit another's booking, and it
lapses after a working day.

The keys are not kept in the session on purpose: the page's htmx request and a plain submit can
run at the same moment, and two requests saving one session lose one of the writes — the key on
the page the clerk sees would then be unknown.
"""

import secrets
import time

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

SALT = "amtstermin.office.desk_booking.keys"
LIFETIME_SECONDS = 12 * 60 * 60


def issue(request: HttpRequest, *, now: float | None = None) -> str:
    stamp = int_to_base36(int(time.time() if now is None else now))
    nonce = secrets.token_hex(8)  # no "-": the key splits on it
    return f"desk-{stamp}-{nonce}-{_mac(request.user, stamp, nonce)}"


def was_issued(request: HttpRequest, key: str, *, now: float | None = None) -> bool:
    try:
        prefix, stamp, nonce, mac = key.split("-", 3)
        issued = base36_to_int(stamp)
    except ValueError:
        return False
    age = (time.time() if now is None else now) - issued
    return (
        prefix == "desk"
        and 0 <= age <= LIFETIME_SECONDS
        and constant_time_compare(mac, _mac(request.user, stamp, nonce))
    )


def _mac(user: User | AnonymousUser, stamp: str, nonce: str) -> str:
    return salted_hmac(SALT, f"{user.pk}:{stamp}:{nonce}", algorithm="sha256").hexdigest()[:24]
