"""Anti-scalping limits: active online appointments per mailbox, request rates per client."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from amtstermin.core import booking, limits
from amtstermin.core.errors import TooManyActive
from amtstermin.core.items import Item
from amtstermin.core.models import (
    AccessToken,
    Appointment,
    AppointmentEvent,
    Channel,
    Location,
    Status,
)
from tests import factories
from tests.conftest import berlin
from tests.fixtures.transactions import deferred_sqlite_transactions

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday
MONDAY_9 = berlin(2026, 12, 7, 9, 0)
ERIKA = booking.Contact(name="Erika Mustermann", email="erika@example.org")


def book(office, start, *, contact=ERIKA, channel=Channel.ONLINE, now=NOW, **kwargs):
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=contact,
        channel=channel,
        now=now,
        **kwargs,
    ).appointment


def at(hour, minute=0, day=0):
    """Monday's `hour`:`minute`, or a later weekday's with `day`."""
    return MONDAY_9.replace(hour=hour, minute=minute) + timedelta(days=day)


# Normalisation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, key",
    [
        ("erika@example.org", "erika@example.org"),
        ("  Erika@Example.ORG ", "erika@example.org"),
        ("erika+termine@example.org", "erika@example.org"),
        ("erika+a+b@example.org", "erika@example.org"),
        ("e.rika@example.org", "e.rika@example.org"),  # dots matter outside Gmail
        ("anna-maria@example.org", "anna-maria@example.org"),  # hyphens are no alias
        ("E.Ri.Ka+1@gmail.com", "erika@gmail.com"),
        ("e.rika@googlemail.com", "erika@gmail.com"),
        ("erika@mail.gmail.com", "erika@mail.gmail.com"),  # only the domain itself
        ("+erika@example.org", "+erika@example.org"),  # nothing before the plus: keep it
        ('"erika"@gmail.com', "erika@gmail.com"),  # quoted, it is the same mailbox
        ('"E.Rika+x"@Example.org', "e.rika@example.org"),
        ('"er\\"ika"@example.org', 'er"ika@example.org'),  # an escaped quote
        ('"a@b"@example.org', "a@b@example.org"),
        ('""@example.org', '""@example.org'),
        ("", ""),
        ("no-at-sign", "no-at-sign"),
    ],
)
def test_spellings_of_one_mailbox_share_one_key(typed, key):
    assert limits.normalise_email(typed) == key


# The per-mailbox limit --------------------------------------------------------------------------


def written():
    """Everything a booking writes, to show a refusal wrote nothing."""
    return (
        Appointment.objects.count(),
        AppointmentEvent.objects.count(),
        AccessToken.objects.count(),
        list(Location.objects.values_list("version", flat=True)),
    )


@pytest.mark.django_db
def test_third_online_booking_for_one_mailbox_is_refused_and_writes_nothing(office):
    first = book(office, at(9))
    book(office, at(10), contact=booking.Contact(name="Erika", email="Erika+2@Example.org"))
    assert first.email_key == "erika@example.org"
    before = written()
    with pytest.raises(TooManyActive) as refused:
        book(office, at(11), contact=booking.Contact(name="Erika", email="ERIKA@example.org"))
    assert written() == before
    with translation.override("en"):
        assert str(refused.value.message) == (
            "This email address cannot book more appointments online at the moment. "
            "Please cancel an appointment you no longer need, or call us."
        )


@pytest.mark.django_db
def test_a_reserved_hold_counts_until_it_expires(office):
    book(office, at(9), require_confirmation=True)  # held 30 minutes from NOW
    book(office, at(10))
    with pytest.raises(TooManyActive):
        book(office, at(11), now=NOW + timedelta(minutes=29))
    assert book(office, at(11), now=NOW + timedelta(minutes=31)).status == Status.BOOKED


@pytest.mark.django_db
def test_the_location_sets_how_many_count(office):
    office.location.max_online_per_email = 1
    office.location.save()
    book(office, at(9))
    with pytest.raises(TooManyActive):
        book(office, at(10))


def cancelled(office):
    booking.cancel(appointment=book(office, at(8)), now=NOW, channel=Channel.ONLINE)


def expired(office):
    book(office, at(8), require_confirmation=True)
    booking.expire_holds(now=NOW + timedelta(hours=1))


def stale_hold(office):
    book(office, at(8), require_confirmation=True)  # past its 30 minutes, not yet marked


def past(office):
    book(office, at(8), now=NOW)  # Monday 8:00, before the Monday 8:30 `now` below


def by_phone(office):
    book(office, at(8), channel=Channel.PHONE)


def other_location(office):
    moved = book(office, at(8))
    Appointment.objects.filter(pk=moved.pk).update(location=factories.location())


def other_mailbox(office):
    book(office, at(8), contact=booking.Contact(name="Max", email="max@example.org"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "make",
    [cancelled, expired, stale_hold, past, by_phone, other_location, other_mailbox],
    ids=lambda make: make.__name__,
)
def test_only_upcoming_active_online_appointments_here_count(office, make):
    make(office)
    later = at(8, 30)  # Monday 8:30: the 8:00 appointment is past, holds from Friday stale
    book(office, at(10), now=later)
    assert book(office, at(10, day=1), now=later).status == Status.BOOKED  # second of two
    with pytest.raises(TooManyActive):  # the limit itself still holds
        book(office, at(11, day=1), now=later)


@pytest.mark.django_db
def test_phone_and_desk_bookings_are_never_limited(office):
    for hour in (8, 9, 10):
        book(office, at(hour), channel=Channel.PHONE)
    assert Appointment.objects.filter(email_key="erika@example.org").count() == 3


@pytest.mark.django_db
def test_a_double_click_at_the_limit_returns_the_first_clicks_booking(office, monkeypatch):
    book(office, at(9))
    first = book(office, at(10), idempotency_key="click")
    # The second click looked before the first committed, so it runs into the limit itself.
    looked = []
    real = booking._repeated

    def first_look_misses(key, *, now):
        looked.append(key)
        return None if len(looked) == 1 else real(key, now=now)

    monkeypatch.setattr(booking, "_repeated", first_look_misses)
    assert book(office, at(10), idempotency_key="click") == first
    assert Appointment.objects.count() == 2


@pytest.mark.django_db
def test_staff_set_the_limit_in_the_location_admin(admin_client, office):
    url = reverse("admin:core_location_change", args=[office.location.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="max_online_per_email"' in page and 'name="reminder_hours"' in page


# The limit under concurrency: real threads released together (see test_concurrency.py) ---------

THREADS = 16
STARTS = [at(8) + timedelta(minutes=15 * n) for n in range(THREADS)]  # 8:00 … 11:45, no overlap


def race(office):
    barrier = threading.Barrier(THREADS)

    def attempt(number):
        try:
            barrier.wait()
            book(office, STARTS[number])
            return "booked"
        except TooManyActive:
            return "refused"
        except Exception as error:  # counted: the guarded test demands there are none
            return f"error: {type(error).__name__}: {error}"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(THREADS) as pool:
        return Counter(pool.map(attempt, range(THREADS)))


@contextmanager
def guard_off(monkeypatch):
    """PostgreSQL without the mailbox lock; SQLite without BEGIN IMMEDIATE."""
    monkeypatch.setattr(limits, "mailbox_lock", lambda location, email_key: None)
    if connection.vendor == "postgresql":
        yield
        return
    with deferred_sqlite_transactions():
        yield


@pytest.mark.django_db(transaction=True)
def test_a_script_firing_many_bookings_at_once_gets_only_the_limit(office):
    outcomes = race(office)
    assert outcomes == Counter({"booked": 2, "refused": THREADS - 2})
    assert Appointment.objects.filter(email_key="erika@example.org").count() == 2


@pytest.mark.django_db(transaction=True)
def test_without_the_guard_the_mailbox_race_is_real(office, monkeypatch):
    """Proves the test above can fail: unguarded, concurrent bookings all count the same rows."""
    with guard_off(monkeypatch):
        for _round in range(3):
            outcomes = race(office)
            over = Appointment.objects.filter(email_key="erika@example.org").count() > 2
            errors = sum(n for outcome, n in outcomes.items() if outcome.startswith("error"))
            if over or errors:
                break
            Appointment.objects.all().delete()
    # PostgreSQL books past the limit; SQLite without IMMEDIATE fails writers ("locked").
    assert over or errors, outcomes


# Rate limits ------------------------------------------------------------------------------------


def test_rate_limit_allows_the_limit_then_refuses_until_older_posts_slide_out():
    window_start = berlin(2026, 12, 7, 9, 0)  # a whole multiple of ten minutes since 1970
    allowed = [
        limits.hit("booking", "203.0.113.7", limit=3, window_seconds=600, now=window_start)
        for _ in range(4)
    ]
    assert allowed == [True, True, True, False]
    late = window_start + timedelta(seconds=599)
    assert not limits.hit("booking", "203.0.113.7", limit=3, window_seconds=600, now=late)
    # Right after the window the three posts still lie within the last ten minutes ...
    next_window = window_start + timedelta(seconds=600)
    assert not limits.hit("booking", "203.0.113.7", limit=3, window_seconds=600, now=next_window)
    # ... a third of the way on, one of them has slid out (the refused ones never counted).
    later = window_start + timedelta(seconds=800)
    assert limits.hit("booking", "203.0.113.7", limit=3, window_seconds=600, now=later)
    assert not limits.hit("booking", "203.0.113.7", limit=3, window_seconds=600, now=later)


def test_rate_limit_lets_no_burst_through_at_a_window_boundary():
    """A fixed window let the limit through at its end and again at the next one's start."""
    end = berlin(2026, 12, 7, 9, 9, 59)
    start = berlin(2026, 12, 7, 9, 10, 0)
    at_end = [limits.allow_post(limits.BOOKING, "198.51.100.4", now=end) for _ in range(10)]
    at_start = [limits.allow_post(limits.BOOKING, "198.51.100.4", now=start) for _ in range(10)]
    assert at_end == [True] * 10
    assert at_start == [False] * 10


def test_rate_limit_counts_each_client_and_scope_apart():
    now = berlin(2026, 12, 7, 9, 0)
    assert limits.hit("booking", "203.0.113.7", limit=1, window_seconds=60, now=now)
    assert not limits.hit("booking", "203.0.113.7", limit=1, window_seconds=60, now=now)
    assert limits.hit("booking", "203.0.113.8", limit=1, window_seconds=60, now=now)
    assert limits.hit("cancel", "203.0.113.7", limit=1, window_seconds=60, now=now)


def test_booking_posts_are_limited_to_ten_in_ten_minutes():
    now = berlin(2026, 12, 7, 9, 3)
    results = [limits.allow_post(limits.BOOKING, "198.51.100.4", now=now) for _ in range(11)]
    assert results == [True] * 10 + [False]


def test_the_cache_holds_no_address_and_forgets_after_the_next_window():
    now = berlin(2026, 12, 7, 9, 0, 30)  # 30 s into a one-minute window
    stored_at = time.time()  # the cache's own clock, whatever `now` says
    limits.hit("booking", "203.0.113.7", limit=5, window_seconds=60, now=now)
    stored = dict(cache._cache)  # LocMemCache's own store: every key and pickled value
    assert len(stored) == 1
    for key, value in stored.items():
        assert "203.0.113.7" not in key and b"203.0.113.7" not in value
        # The 30 s left of the window, the next window that weighs it in, one second of margin.
        assert 90 <= cache._expire_info[key] - stored_at <= 91.5


# Who the client is ------------------------------------------------------------------------------


def request(remote="192.0.2.10", forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().post("/", **extra)


def test_client_address_is_the_connection_and_ignores_forwarded_for_without_proxies(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert limits.client_address(request(forwarded="203.0.113.7")) == "192.0.2.10"


@pytest.mark.parametrize(
    "proxies, forwarded, client",
    [
        (1, "203.0.113.7", "203.0.113.7"),
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),  # the client forged the first entry
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (2, "203.0.113.7", "192.0.2.10"),  # shorter than promised: a proxy did not append
        (1, "", "192.0.2.10"),
        (1, "unknown", "192.0.2.10"),
    ],
)
def test_client_address_trusts_only_what_the_proxies_appended(settings, proxies, forwarded, client):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert limits.client_address(request(forwarded=forwarded)) == client


def test_an_ipv6_client_counts_as_its_whole_network(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = limits.client_address(request("2001:db8:1:2:aaaa::1"))
    other = limits.client_address(request("2001:db8:1:2:bbbb::9"))
    assert one == other == "2001:db8:1:2::/64"
    assert limits.client_address(request("::ffff:192.0.2.10")) == "192.0.2.10"


def test_the_caps_count_an_ipv4_client_by_its_24_network_and_only_as_an_hmac(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    one = limits.client_network(request("203.0.113.7"))
    assert one == limits.client_network(request("203.0.113.250"))
    assert one != limits.client_network(request("203.0.114.7"))
    assert len(one) == 64 and "203.0.113" not in one
    v6 = limits.client_network(request("2001:db8:1:2:aaaa::1"))
    assert v6 == limits.client_network(request("2001:db8:1:2:bbbb::9"))
    assert v6 != limits.client_network(request("2001:db8:1:3::1"))
