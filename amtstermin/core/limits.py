"""Anti-scalping limits: active online appointments per mailbox, and request rates per client.

Resellers book free times with scripts and sell them on. Three brakes work together: the
ALTCHA proof of work (core/captcha.py) makes each booking cost about a second of computing, the
rate limit here caps the bookings one network can attempt, and the per-mailbox limit caps what
one email address can hold at a location. None stops a determined reseller alone; together they
make hoarding slow and expensive while a citizen notices none of them.
"""

import ipaddress
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from .errors import TooManyActive
from .models import Appointment, Channel, Location, Status


@dataclass(frozen=True)
class Rate:
    """A limit on form POSTs: at most `posts` per client in a fixed window of `window_seconds`.

    Booking and online requests count in scopes of their own, so a household that books and
    applies online in the same ten minutes is not refused for the sum of both.
    """

    scope: str
    posts: int
    window_seconds: int


# Booking form POSTs per client and window. One booking takes one POST, a few more after a
# typo or a time someone else was faster to; ten in ten minutes leave room for that and for a
# household booking twice, while a script gets no more than one booking a minute per network.
BOOKING = Rate("booking", posts=10, window_seconds=10 * 60)
# Online request form POSTs (Melderegisterauskunft, Steuer-ID). Each POST that passes the form
# stores a request a clerk must handle and sends a mail to the address typed in; the same ten
# in ten minutes leave room for corrections after a 422, while a script cannot fill the
# office's queue or use the receipt mail to flood someone else's mailbox.
ONLINE_REQUEST = Rate("online_request", posts=10, window_seconds=10 * 60)

# Providers whose mailboxes ignore dots in the local part; googlemail.com is the same mailbox
# as gmail.com (Germany used googlemail.com for years).
_DOTLESS_DOMAINS = {"gmail.com": "gmail.com", "googlemail.com": "gmail.com"}


def normalise_email(address: str) -> str:
    """The mailbox an address reaches, as the key the per-address limit counts by.

    A reseller registers one mailbox and books under many spellings of it: ERIKA@…,
    erika+1@…, e.rika@gmail.com and erika@googlemail.com all land in the same inbox. Mail still
    goes to the address as typed; only the count uses this key. Hyphens stay: "anna-maria"
    and "anna" are different people far more often than aliases of one.
    """
    address = address.strip().lower()
    local, at, domain = address.rpartition("@")
    if not at or not local:
        return address
    # Plus addressing ("sub-addressing", RFC 5233) is offered by nearly every large provider.
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def check_active_limit(location: Location, email_key: str, *, now: datetime) -> None:
    """Refuse one more online booking for a mailbox at its limit. Raises TooManyActive.

    Counts upcoming online appointments at `location` that hold their time: booked, or
    reserved and not yet expired. Runs inside the booking transaction, which it first locks
    against other bookings for the same mailbox: without that, two concurrent requests would
    each count the same appointments and both book (a reseller's script sends many at once).
    """
    if not email_key:
        return
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "check_active_limit() runs inside the booking transaction."
        )
    _lock_mailbox(location, email_key)
    active = (
        Appointment.objects.filter(
            location=location, email_key=email_key, channel=Channel.ONLINE, start__gt=now
        )
        .filter(
            Q(status=Status.BOOKED)
            | Q(status=Status.RESERVED, hold_expires_at__gt=now)
            | Q(status=Status.RESERVED, hold_expires_at__isnull=True)
        )
        .count()
    )
    if active >= location.max_online_per_email:
        raise TooManyActive()


def _lock_mailbox(location: Location, email_key: str) -> None:
    """Serialise bookings for one mailbox at one location until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on a 64-bit hash of the pair, so only
    bookings for the same mailbox wait for each other (a hash collision merely makes two
    unrelated mailboxes wait, never lets one through). SQLite needs nothing: BEGIN IMMEDIATE
    already runs one writer at a time (settings.py).
    """
    if connection.vendor != "postgresql":
        return
    digest = salted_hmac(
        "amtstermin.core.limits.mailbox", f"{location.pk}:{email_key}", algorithm="sha256"
    )
    lock_id = int.from_bytes(digest.digest()[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])


def hit(scope: str, client: str, *, limit: int, window_seconds: int, now: datetime) -> bool:
    """Count one request of `client` in `scope`; False once it exceeds `limit` in this window.

    A fixed window: the counter is keyed by the window's number and expires with the window.
    The client appears in the cache only as an HMAC under SECRET_KEY: an IP address is
    personal data, and the cache is no place to keep it in clear. The cache is Redis when
    REDIS_URL is set (settings.py), so every app server counts together; without it each
    process counts alone, which is right for the one-server installation that needs no Redis.
    """
    timestamp = int(now.timestamp())
    window = timestamp // window_seconds
    key = f"rate:{scope}:{window}:{_pseudonym(client)}"
    # Seconds left in the window, plus one so a counter never expires before its window ends.
    timeout = (window + 1) * window_seconds - timestamp + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new count
        cache.add(key, 1, timeout=timeout)
        count = 1
    return count <= limit


def allow_post(rate: Rate, client: str, *, now: datetime) -> bool:
    """Count one POST of `client` against `rate`; False when it has sent too many."""
    return hit(rate.scope, client, limit=rate.posts, window_seconds=rate.window_seconds, now=now)


def _pseudonym(client: str) -> str:
    return salted_hmac("amtstermin.core.limits.client", client, algorithm="sha256").hexdigest()


def client_address(request: HttpRequest) -> str:
    """Who is asking, as rate limits count: the client's IP address, for IPv6 its /64 network.

    X-Forwarded-For is read only behind TRUSTED_PROXY_COUNT proxies, and then only the entry the
    outermost trusted proxy appended (anything to its left the client can forge). A header
    shorter than promised means a proxy did not append, so REMOTE_ADDR counts, as in werkzeug's
    ProxyFix. An IPv6 customer gets a whole /64 and can change addresses within it at will.
    """
    address = _ip(request.META.get("REMOTE_ADDR", ""))
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies:
            address = _ip(forwarded[-proxies]) or address
    if address is None:
        return request.META.get("REMOTE_ADDR", "")
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network(f"{address}/64", strict=False))
    return str(address)


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None
