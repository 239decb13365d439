"""ALTCHA proof of work, server side: a citizen's browser spends about a second of computing
per booking, a reseller's script the same for each of thousands. No tracking, no cookies, no
third party: the challenge is signed here and checked here.

The widget (npm `altcha` 3.x, static/vendor/altcha/) fetches `challenge()` as JSON, solves it
and posts the base64 payload in the form field "altcha"; `verify()` checks it. PoW v2 of the
Python `altcha` 2.x package in its deterministic mode: the server picks the counter the browser
must reach, so every citizen waits about equally long (the probabilistic mode makes some wait
many times longer), and checking a solution costs one HMAC instead of a key derivation.
"""

import hmac
import math
import secrets
from datetime import datetime, timedelta

import altcha
from django.conf import settings
from django.core.cache import cache

from . import limits

# PBKDF2 is native WebCrypto in every browser the widget supports (no WebAssembly, no large
# memory on old phones). The browser tries counters from 0 upwards, one PBKDF2 of COST
# iterations each, spread over its cores, until it reaches the counter drawn here: on average
# 2,250 × 1,000 = 2.25 million HMAC-SHA256 iterations. Measured: the widget package's own solver
# under Node 20 on one server core took 0.49 s for counter 1,768. A phone core is assumed three
# to four times slower and the widget runs up to 4 workers on small phones, so about half a
# second there, an old phone about a second; fast machines still wait the widget's minimum
# 0.5 s. A script pays about 0.4 s of CPU per attempt (hashlib: ~5 million iterations a
# second). Making a challenge costs one PBKDF2 of COST iterations (~0.2 ms).
ALGORITHM = "PBKDF2/SHA-256"
COST = 1_000
COUNTER_MIN = 1_500
COUNTER_MAX = 3_000
# Long enough to solve and submit a form; short, so a script cannot solve a stock of
# challenges in advance and spend it the moment cancelled times come back.
LIFETIME = timedelta(minutes=5)
# A genuine payload is under 1,000 characters; anything far longer is refused unread.
MAX_PAYLOAD_LENGTH = 4_000
# Repeat visitors pay more, so the public counter range above is only the first price: every
# FREE_CHALLENGES challenges one client network fetched in the last REPEAT_WINDOW_SECONDS
# double the work of its next ones, up to 2 ** MAX_DOUBLINGS times. A household that mistypes,
# or whose proof expired, stays within the first five; a script solving hundreds pays 16 times
# as much for each (about 6 s of CPU). An old phone then needs about 16 s, within the widget's
# 90 s timeout. Counted by network (IPv4 /24), since a machine easily gets many addresses.
REPEAT_SCOPE = "altcha"
REPEAT_WINDOW_SECONDS = 10 * 60
FREE_CHALLENGES = 5
MAX_DOUBLINGS = 4


def challenge(now: datetime, *, client: str | None = None) -> dict:
    """A new signed challenge for the widget, as JSON-ready data; it expires after LIFETIME.

    `client` (limits.client_network) is counted: the more challenges it fetched lately, the
    more work its next one takes (FREE_CHALLENGES).
    """
    challenge_key, derived_key_key = _keys()
    factor = 1
    if client is not None:
        fetched = limits.recent(REPEAT_SCOPE, client, window_seconds=REPEAT_WINDOW_SECONDS, now=now)
        factor = 2 ** min(MAX_DOUBLINGS, (math.ceil(fetched) - 1) // FREE_CHALLENGES)
    made = altcha.create_challenge(
        ALGORITHM,
        COST,
        counter=factor * (COUNTER_MIN + secrets.randbelow(COUNTER_MAX - COUNTER_MIN)),
        expires_at=now + LIFETIME,
        hmac_secret=challenge_key,
        hmac_key_secret=derived_key_key,
    )
    return made.to_dict()


def verify(payload: str, now: datetime) -> bool:
    """True once for a payload solving a challenge of ours that has not expired at `now`.

    False for an empty, malformed, tampered, unsolved or expired payload, and for a second use
    of the same solution: each challenge's signature is remembered in the cache until it
    expires (Redis when several app servers share the work, settings.py).
    """
    if not payload or len(payload) > MAX_PAYLOAD_LENGTH:
        return False
    try:
        parsed = altcha.Payload.from_base64(payload)
    except (ValueError, KeyError, TypeError, RecursionError):
        return False
    challenge_key, derived_key_key = _keys()
    # The library also checks the expiry, against the wall clock; the check below uses `now`.
    result = altcha.verify_solution(parsed, challenge_key, hmac_key_secret=derived_key_key)
    if not result.verified:
        return False
    # Signed by us, so these are the values challenge() wrote.
    expires_at = parsed.challenge.parameters.expires_at
    remaining = (expires_at or 0) - int(now.timestamp())
    if remaining <= 0:
        return False
    # cache.add is atomic (locmem and Redis): of two requests racing with one payload, one wins.
    return cache.add(f"altcha:used:{parsed.challenge.signature}", True, timeout=remaining + 1)


def still_counts(verified_at: datetime | None, now: datetime) -> bool:
    """Whether a solution verified at `verified_at` still vouches for a booking at `now`.

    As long as a challenge lives: a proof solved once must not serve a script for the rest of
    the session (another time, many attempts) nor be solved ahead and spent much later.
    """
    return verified_at is not None and verified_at <= now < verified_at + LIFETIME


def _keys() -> tuple[str, str]:
    """Two keys from ALTCHA_HMAC_KEY: one signs challenges, one the expected derived keys."""
    secret = settings.ALTCHA_HMAC_KEY.encode()
    return (
        hmac.new(secret, b"challenge", "sha256").hexdigest(),
        hmac.new(secret, b"derived key", "sha256").hexdigest(),
    )
