"""Anti-scalping limits: active online appointments per mailbox, request rates per client, and
the share of a day that holds without the proof of work may take.

Resellers book free times with scripts and sell them on. The brakes work together: the ALTCHA
proof of work (core/captcha.py) makes each booking cost about a second of computing, the rate
limit here caps the bookings one network can attempt, and the per-mailbox limit caps what one
email address can hold at a location. A booking sent without the proof (JavaScript off, or a
script that skips it) is only held until the emailed link is followed; such holds may take only
a small share of a day, and one client network only a part of that share. None stops a
determined reseller alone; together they make hoarding slow and expensive while a citizen
notices none of them.
"""

import contextlib
import ipaddress
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest
from django.utils.crypto import salted_hmac

from . import sql
from .errors import TooManyActive, TooManyUnconfirmedRequests, TooManyUnproven
from .models import Appointment, Location, OnlineRequest, Status
from .sql import Statement


@dataclass(frozen=True)
class Rate:
    """A limit on form POSTs: at most `posts` per client in any `window_seconds` (see hit()).

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
# "Send me my link again" POSTs (booking.send_manage_link). A citizen needs one, or two after a
# typo; five in ten minutes leave room for that, while a script trying references against an
# address learns nothing from the answer anyway and gets through a mere five a window.
MANAGE_LINK = Rate("manage_link", posts=5, window_seconds=10 * 60)

# Holds without the proof of work may together take at most this share of a location-day: of
# the time still free for online booking there plus what such holds already hold. Each hold
# counts twice its length, since it also blocks the starts just before it (a 15-minute hold at
# 9:00 blocks the 15-minute starts 8:50 to 9:10): so they cannot remove more than this share of
# the day's free starts for a service as long as the hold. The first such hold of a day always
# passes: a citizen without JavaScript can book even where the share is smaller than one hold.
UNPROVEN_SHARE = Fraction(1, 10)
# One client network (IPv4 /24, IPv6 /64) may take at most this part of that share, beyond its
# first hold of the day: a script behind one network leaves room for citizens behind others.
UNPROVEN_NETWORK_SHARE = Fraction(1, 3)
# "Please confirm" mails of online requests sent without the proof of work: at most this many
# per mailbox and day, so a script cannot use the form to flood someone else's inbox.
UNCONFIRMED_REQUESTS_PER_MAILBOX = 3
UNCONFIRMED_REQUEST_WINDOW = timedelta(days=1)

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
    local = _unquoted(local)
    # Plus addressing ("sub-addressing", RFC 5233) is offered by nearly every large provider.
    local = local.split("+", 1)[0] or local
    if domain in _DOTLESS_DOMAINS:
        domain = _DOTLESS_DOMAINS[domain]
        local = local.replace(".", "") or local
    return f"{local}@{domain}"


def _unquoted(local: str) -> str:
    """A quoted local part is the same mailbox unquoted (RFC 5321 4.1.2): "erika"@… is erika@…"""
    if len(local) > 2 and local.startswith('"') and local.endswith('"'):
        return re.sub(r"\\(.)", r"\1", local[1:-1])
    return local


def check_active_count(location: Location, rows: list[tuple]) -> None:
    """Refuse one more online booking for a mailbox at its limit. Raises TooManyActive.

    `rows`: of booking_sql.active_online, which counts upcoming online appointments at
    `location` that hold their time, read in the booking transaction after mailbox_lock():
    without that lock, two concurrent requests would each count the same appointments and both
    book (a reseller's script sends many at once).
    """
    if rows[0][0] >= location.max_online_per_email:
        raise TooManyActive()


def mailbox_lock(location: Location, email_key: str) -> Statement | None:
    """Serialise bookings for one mailbox at one location until the transaction ends.

    PostgreSQL: a transaction-level advisory lock on a 64-bit hash of the pair, so only
    bookings for the same mailbox wait for each other (a hash collision merely makes two
    unrelated mailboxes wait, never lets one through). SQLite needs nothing: BEGIN IMMEDIATE
    already runs one writer at a time (settings.py). A statement, for a batch (core/sql.py).
    """
    return _advisory_lock(f"{location.pk}:{email_key}")


def lock_unproven_day(location: Location, day: date) -> None:
    """Take unproven_day_lock at once."""
    sql.execute(unproven_day_lock(location, day))


def unproven_day_lock(location: Location, day: date) -> Statement | None:
    """Holds without the proof of work of one location's day wait for each other here (bookings
    hold the location's lock only shared). Take it before reading free time, so a hold that
    waited sees the time the one before it took."""
    return _advisory_lock(f"unproven:{location.pk}:{day.isoformat()}")


def _advisory_lock(name: str) -> Statement | None:
    """A PostgreSQL transaction-level lock on `name` (see mailbox_lock); None on SQLite."""
    if not sql.postgres():
        return None
    digest = salted_hmac("amtstermin.core.limits.mailbox", name, algorithm="sha256")
    lock_id = int.from_bytes(digest.digest()[:8], "big", signed=True)
    return "SELECT pg_advisory_xact_lock(%s)", [lock_id]


def hit(scope: str, client: str, *, limit: int, window_seconds: int, now: datetime) -> bool:
    """Count one request of `client` in `scope`; False (and not counted) past `limit`.

    A sliding window, estimated from two fixed ones: this window's count plus the previous
    window's, weighted by how much of it still lies within the last `window_seconds`. A plain
    fixed window let twice the limit through around its boundary. A refused request does not
    count, so whoever waits as the 429 page asks gets through again.
    """
    estimate, key = _count(scope, client, window_seconds=window_seconds, now=now)
    if estimate <= limit:
        return True
    with contextlib.suppress(ValueError):  # expired meanwhile: nothing left to take back
        cache.decr(key)
    return False


def recent(scope: str, client: str, *, window_seconds: int, now: datetime) -> float:
    """Count one request of `client` in `scope`; how many it made in the last `window_seconds`."""
    return _count(scope, client, window_seconds=window_seconds, now=now)[0]


def _count(scope: str, client: str, *, window_seconds: int, now: datetime) -> tuple[float, str]:
    """The two-window estimate after counting this request, and the key it was counted under.

    The client appears in the cache only as an HMAC under SECRET_KEY: an IP address is
    personal data, and the cache is no place to keep it in clear. The cache is shared by every
    app server (Redis, or the database without it: settings.py); its increments may race
    without Redis, which lets a request or two more through: harmless for a brake.
    """
    timestamp = now.timestamp()
    window = int(timestamp // window_seconds)
    who = _pseudonym(client)
    key = f"rate:{scope}:{window}:{who}"
    # Kept through the next window too, which weighs it in; one second of margin.
    timeout = int((window + 2) * window_seconds - timestamp) + 1
    cache.add(key, 0, timeout=timeout)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr: this request opens a new count
        cache.add(key, 1, timeout=timeout)
        count = 1
    previous = cache.get(f"rate:{scope}:{window - 1}:{who}", 0)
    unseen = 1 - (timestamp - window * window_seconds) / window_seconds
    return previous * unseen + count, key


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


def client_network(request: HttpRequest) -> str:
    """The client's network as the caps on unproven holds count it: IPv4 /24, IPv6 /64.

    Only an HMAC of it is returned (and stored with a hold): never the address. A /24 because
    one machine easily gets many addresses of its provider's or host's network.
    """
    address = client_address(request)
    if (ip := _ip(address)) and ip.version == 4:
        address = str(ipaddress.IPv4Network(f"{ip}/24", strict=False))
    return salted_hmac("amtstermin.core.limits.network", address, algorithm="sha256").hexdigest()


def check_unproven_hold(
    location: Location,
    *,
    day: date,
    network: str,
    units: int,
    staff_free: dict[int, int],
    now: datetime,
    exclude: int | None = None,
) -> None:
    """Refuse a hold without the proof of work past the caps (UNPROVEN_SHARE). Raises
    TooManyUnproven.

    `units` is the new hold's length, `staff_free` the free units on `day` of each clerk who
    could serve it (before it is written); `exclude` a hold being moved. Runs inside the
    booking transaction, which it first locks against other unproven holds of the location's
    day, so two holds racing for the last of the share cannot both miss each other.
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "check_unproven_hold() runs inside the booking transaction."
        )
    lock_unproven_day(location, day)
    holds = Appointment.objects.filter(
        location=location, waiting_day=day, status=Status.RESERVED, hold_expires_at__gt=now
    ).exclude(unproven_network="")
    if exclude is not None:
        holds = holds.exclude(pk=exclude)
    unit = timedelta(minutes=location.slot_minutes)
    held = [
        (staff_id, holder, (end - start) // unit)
        for staff_id, holder, start, end in holds.values_list(
            "staff_id", "unproven_network", "start", "end"
        )
    ]
    # The time online citizens could book at all for this service, had no such hold been made.
    bookable = sum(staff_free.values()) + sum(n for staff, _, n in held if staff in staff_free)
    allowance = UNPROVEN_SHARE * bookable
    taken = sum(2 * n for _, _, n in held)
    if held and taken + 2 * units > allowance:
        raise TooManyUnproven(phone=location.phone)
    by_network = sum(2 * n for _, holder, n in held if holder == network)
    if by_network and by_network + 2 * units > allowance * UNPROVEN_NETWORK_SHARE:
        raise TooManyUnproven(phone=location.phone)


def check_unconfirmed_requests(email_key: str, *, now: datetime) -> None:
    """Refuse one more "please confirm" mail to a mailbox at its daily limit. Raises
    TooManyUnconfirmedRequests.

    Runs inside the transaction that stores the request, which it first locks against others
    for the same mailbox (as a booking does, mailbox_lock).
    """
    if not transaction.get_connection().in_atomic_block:
        raise transaction.TransactionManagementError(
            "check_unconfirmed_requests() runs inside the request's transaction."
        )
    sql.execute(_advisory_lock(f"request:{email_key}"))
    waiting = OnlineRequest.objects.unconfirmed().filter(
        email_key=email_key, created_at__gt=now - UNCONFIRMED_REQUEST_WINDOW
    )
    if waiting.count() >= UNCONFIRMED_REQUESTS_PER_MAILBOX:
        raise TooManyUnconfirmedRequests()
