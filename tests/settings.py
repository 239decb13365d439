"""Test settings: the real settings module, fed the environment a test run needs."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-not-secret")
os.environ.setdefault("SECURE_COOKIES", "0")
os.environ.setdefault("TASKS_BACKEND", "django_tasks.backends.immediate.ImmediateBackend")
os.environ.setdefault("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")

from amtstermin.settings import *  # noqa: E402, F403
from amtstermin.settings import DATABASES, STORAGES  # noqa: E402

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so threads in concurrency tests share one database; one per test
    # process, so two test runs on one machine never share (and break) each other's file.
    default_name = os.path.join(tempfile.gettempdir(), f"amtstermin-test-{os.getpid()}.sqlite3")
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_SQLITE_NAME", default_name)}
elif "TEST_DATABASE_NAME" in os.environ:
    # Two test runs against one PostgreSQL server must not share (and drop) each other's
    # test database; xdist still appends _gw0, _gw1 per worker.
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
# Live-server request threads each open a connection; kept alive they outlast their threads
# and a concurrency test next to another runs PostgreSQL out of its 100 connections.
DATABASES["default"]["CONN_MAX_AGE"] = 0
# Concurrency tests send bursts of requests on purpose; the busy page would make them flaky.
# tests/test_admission.py switches admission control on for itself.
ADMISSION_IN_FLIGHT = 0
# One process runs the tests: its own memory cache is fast, needs no database (many tests clear
# it without one) and keeps query counts to the application's own. The production fallback,
# sessions and cache in the database, is proved in tests/test_production_settings.py.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# Tests never run collectstatic: {% static %} must not ask for a manifest entry, and WhiteNoise
# must not warn (an error under filterwarnings) that STATIC_ROOT is missing; live_server serves
# static files through the finders.
WHITENOISE_AUTOREFRESH = True
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
