"""/healthz: "ok" while the database and the cache answer, a bare 503 when one does not."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEALTH = reverse("healthz")


def test_a_probe_reads_ok_and_nothing_else(client):
    response = client.get(HEALTH)

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-store" in response["Cache-Control"]  # a proxy never answers for a dead server
    assert response.cookies == {}


def test_a_probe_is_told_unavailable_without_why_when_the_cache_is_down(client, settings):
    # A real Redis client at a port where nothing listens: the cache the app cannot reach.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }

    response = client.get(HEALTH)

    assert response.status_code == 503
    assert response.content == b"unavailable\n"


def test_a_probe_cannot_post(client):
    assert client.post(HEALTH).status_code == 405
