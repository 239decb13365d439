"""The ALTCHA proof of work for API clients: a challenge to solve; its solution sent with a
reservation or request, or verified first for a proof token that a later call spends.

A system with a write API key vouches for its users itself (a state portal with its own login)
and needs neither.
"""

import secrets

from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from amtstermin.core import api_keys, captcha, limits

from . import fields
from .problems import Problem
from .refusals import CheckFailed

router = Router(tags=["captcha"])

SALT = "amtstermin.api.captcha-proof"
Payload = fields.text(captcha.MAX_PAYLOAD_LENGTH, shortest=1)


class VerifyIn(Schema):
    altcha: Payload  # type: ignore[valid-type]


class Verified(Schema):
    proof: str  # send as `proof` with one reservation or request, within five minutes
    expires_at: str


@router.get(
    "/captcha/challenge",
    response=dict,
    summary="A new ALTCHA challenge (solve it, send the payload as `altcha`)",
)
def challenge(request):
    """The same challenge the booking page's widget gets: solving it takes about a second of
    computing; the solution counts once and for five minutes."""
    client = limits.client_network(request)
    return captcha.challenge(now=timezone.now(), client=client)


@router.post(
    "/captcha/verify",
    response={200: Verified, 422: Problem},
    summary="Verify a solved challenge; the answer's proof counts for one later call",
)
def verify(request, body: VerifyIn):
    now = timezone.now()
    if not captcha.verify(body.altcha, now=now):
        raise CheckFailed()
    proof = signing.dumps({"once": secrets.token_urlsafe(16)}, salt=SALT)
    return {"proof": proof, "expires_at": (now + captcha.LIFETIME).isoformat()}


def proven(request: HttpRequest, *, altcha: str | None, proof: str | None) -> bool:
    """Whether this call is vouched for: a write API key, a solved challenge, or an unspent
    proof. False without any of them; CheckFailed (422) for one that does not hold."""
    now = timezone.now()
    if (key := _key(request, now)) is not None and key.may_write:
        return True
    if altcha is not None:
        if not captcha.verify(altcha, now=now):
            raise CheckFailed()
        return True
    if proof is not None:
        try:
            data = signing.loads(proof, salt=SALT, max_age=captcha.LIFETIME.total_seconds())
        except signing.BadSignature:
            raise CheckFailed() from None
        once = data.get("once") if isinstance(data, dict) else None
        lifetime = int(captcha.LIFETIME.total_seconds()) + 1
        if not isinstance(once, str) or not cache.add(f"altcha:proof:{once}", True, lifetime):
            raise CheckFailed()
        return True
    return False


def _key(request: HttpRequest, now):
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return api_keys.find(secret.strip(), now=now) if scheme.lower() == "bearer" else None
