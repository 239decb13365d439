"""The shared cache as deployed with REDIS_URL: calendar cache and rate limit on real Redis."""

import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache
from django.test import override_settings

from amtstermin.core import limits
from amtstermin.core.items import Item
from amtstermin.core.scheduling import availability
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_cache():
    """Database 15 with a prefix of its own: parallel test workers never see each other's keys
    (and nothing calls clear(), which would empty the whole database)."""
    prefix = f"amtstermin-tests-{uuid.uuid4().hex}"
    redis = {
        "BACKEND": "amtstermin.redis_cache.RedisCache",  # as settings.py deploys it
        "LOCATION": "redis://127.0.0.1:6379/15",
        "KEY_PREFIX": prefix,
        "TIMEOUT": 60,
    }
    with override_settings(CACHES={"default": redis}):
        yield prefix


def test_calendar_is_served_from_redis_and_equals_a_fresh_computation(office, redis_cache):
    items = [Item(office.id_card, 2)]

    first = availability.compute(office.location, items, now=NOW, cached=True)
    again = availability.compute(office.location, items, now=NOW, cached=True)
    fresh = availability.compute(office.location, items, now=NOW)

    assert first.days() and again.masks == first.masks == fresh.masks
    assert any(":availability:" in key for key in _keys(redis_cache))


def test_rate_limit_counts_in_redis(redis_cache):
    allowed = [
        limits.allow_post(limits.BOOKING, "198.51.100.7", now=NOW)
        for _ in range(limits.BOOKING.posts + 1)
    ]

    assert allowed == [True] * limits.BOOKING.posts + [False]
    assert not any("198.51.100.7" in key for key in _keys(redis_cache))


def _keys(prefix: str) -> list[str]:
    client = cache._cache.get_client()
    return [key.decode() for key in client.keys(f"{prefix}:*")]


def test_one_client_serves_every_call_and_thread(redis_cache):
    def round_trip(number: int) -> int:
        cache.set(f"thread-{number}", number)
        return cache.get(f"thread-{number}")

    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(round_trip, range(200)))

    assert answers == list(range(200))
    assert cache._cache.get_client() is cache._cache.get_client(write=True)


def test_incr_moves_an_existing_counter_and_never_creates_one(redis_cache):
    cache.set("counter", 41, None)
    assert cache.incr("counter") == 42 and cache.get("counter") == 42
    with pytest.raises(ValueError):
        cache.incr("missing")
    assert cache.get("missing") is None
