"""A production server cannot silently break: shared state across processes, check --deploy.

`granian --workers 2` runs two processes. Whatever one of them remembers in its own memory the
other does not know: a logout, a used ALTCHA solution. Without REDIS_URL, settings.py therefore
keeps sessions and the cache in the database. Two workers are simulated by two cache instances,
switched per request; the per-process variant shows what went wrong before.
"""

import base64
import json
import os
import runpy
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import altcha
import pytest
from django.core.checks import run_checks
from django.utils import timezone

from amtstermin.core import captcha
from tests import factories
from tests.office.logins import log_in_verified, user_for

ROOT = Path(__file__).resolve().parents[1]
OVERVIEW = "/verwaltung/"
LOGOUT = "/verwaltung/abmelden/"
PER_PROCESS = "django.core.cache.backends.locmem.LocMemCache"


def production(monkeypatch, **env: str) -> dict:
    """amtstermin.settings as a server reads it whose environment sets only SECRET_KEY and `env`."""
    for name in ("REDIS_URL", "DEBUG", "TRUSTED_PROXY_SSL_HEADER", "SECURE_HSTS_SECONDS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "amtstermin" / "settings.py"))


def test_without_redis_sessions_and_cache_live_in_the_database(monkeypatch):
    configured = production(monkeypatch)
    assert configured["CACHES"]["default"]["BACKEND"] == (
        "django.core.cache.backends.db.DatabaseCache"
    )
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.db"


def test_with_redis_sessions_are_cached_there_and_kept_in_the_database(monkeypatch):
    configured = production(monkeypatch, REDIS_URL="redis://127.0.0.1:6379/0")
    assert configured["CACHES"]["default"] == {
        "BACKEND": "amtstermin.redis_cache.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",
    }
    assert configured["SESSION_ENGINE"] == "django.contrib.sessions.backends.cached_db"


class Workers:
    """Two app server processes as far as the cache goes: each request goes to one of them."""

    def __init__(self, settings, *, per_process: bool, caches: dict) -> None:
        self.settings = settings
        self.per_process = per_process
        self.caches = caches

    @contextmanager
    def __call__(self, number: int):
        # Assigning CACHES, even the same value, makes Django build new cache instances.
        if self.per_process:  # memory of its own, as LocMemCache was in each granian worker
            self.settings.CACHES = {"default": {"BACKEND": PER_PROCESS, "LOCATION": str(number)}}
        else:
            self.settings.CACHES = self.caches
        yield


@pytest.fixture(params=["shared", "per-process"])
def workers(request, settings, monkeypatch) -> Workers:
    """The production configuration, or (to show the test can fail) memory per process."""
    configured = production(monkeypatch)
    per_process = request.param == "per-process"
    settings.SESSION_ENGINE = (
        "django.contrib.sessions.backends.cached_db"
        if per_process
        else configured["SESSION_ENGINE"]
    )
    return Workers(settings, per_process=per_process, caches=configured["CACHES"])


def test_logout_in_one_worker_ends_the_session_in_the_other(client, workers, db):
    user = user_for(factories.staff(name="Sabine Kowalski"), username="skowalski")
    with workers(1):
        log_in_verified(client, user)
    stolen = client.cookies["sessionid"].value
    for number in (1, 2):
        with workers(number):
            assert client.get(OVERVIEW).status_code == 200

    with workers(1):
        client.post(LOGOUT)
    client.cookies["sessionid"] = stolen  # someone kept the cookie
    with workers(2):
        response = client.get(OVERVIEW)

    if workers.per_process:  # the other worker's memory still knew the session
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response.url.startswith("/verwaltung/anmelden/")


def solved(now) -> str:
    made = json.loads(json.dumps(captcha.challenge(now)))
    solution = altcha.solve_challenge(altcha.Challenge.from_dict(made), timeout=10)
    return base64.b64encode(
        json.dumps({"challenge": made, "solution": solution.to_dict()}).encode()
    )


def test_an_altcha_solution_passes_once_across_workers(workers, db, monkeypatch):
    monkeypatch.setattr(captcha, "COST", 2)  # little work, same code
    monkeypatch.setattr(captcha, "COUNTER_MIN", 5)
    monkeypatch.setattr(captcha, "COUNTER_MAX", 50)
    now = timezone.now()
    payload = solved(now).decode()

    with workers(1):
        assert captcha.verify(payload, now)
    with workers(2):
        replayed = captcha.verify(payload, now)

    assert replayed is workers.per_process


def test_deploy_check_refuses_a_cache_private_to_each_process(settings):
    settings.CACHES = {"default": {"BACKEND": PER_PROCESS}}
    assert "amtstermin.E001" in {
        message.id for message in run_checks(include_deployment_checks=True)
    }
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "amtstermin_cache",
        }
    }
    assert "amtstermin.E001" not in {
        message.id for message in run_checks(include_deployment_checks=True)
    }


def example_environment() -> dict[str, str]:
    """The variables .env.example sets, with a real secret key in place of the blank."""
    env = {}
    for line in (ROOT / ".env.example").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            env[name] = value
    env["SECRET_KEY"] = secrets.token_urlsafe(50)
    return env


def test_check_deploy_is_clean_with_the_example_production_environment():
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={**env, **example_environment()},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_https_settings_come_from_the_environment(monkeypatch):
    configured = production(monkeypatch, TRUSTED_PROXY_SSL_HEADER="1", SECURE_HSTS_SECONDS="600")
    assert configured["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    assert configured["SECURE_SSL_REDIRECT"] is True
    assert configured["SECURE_HSTS_SECONDS"] == 600

    plain = production(monkeypatch)
    # Without the proxy's word every request looks like HTTP: redirecting would loop.
    assert plain["SECURE_PROXY_SSL_HEADER"] is None
    assert plain["SECURE_SSL_REDIRECT"] is False
    assert plain["SECURE_HSTS_SECONDS"] == 0


@pytest.mark.parametrize(
    "path",
    [
        "/",  # start page
        "/termin/",  # booking wizard
        "/verwaltung/anmelden/",  # staff login
        "/admin/login/",
        "/gibt-es-nicht/",  # 404 page
    ],
)
def test_pages_forbid_inline_script_and_style_and_foreign_sources(client, db, path):
    response = client.get(path)
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
