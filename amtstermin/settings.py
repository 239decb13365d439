"""Settings from environment variables only (12-factor); every default is the safe one."""

import hmac
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG")
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured("Set SECRET_KEY (make run creates one in .secret_key).")
# Signs citizens' ALTCHA challenges (core/captcha.py). Optional, in production too: unset, it is
# derived from SECRET_KEY, which is as secret and shared by every app server already; the
# derivation keeps the two uses apart. Set it to rotate it on its own.
ALTCHA_HMAC_KEY = (
    os.environ.get("ALTCHA_HMAC_KEY")
    or hmac.new(SECRET_KEY.encode(), b"amtstermin ALTCHA challenges", "sha256").hexdigest()
)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Reverse proxies in front of the app that append the client to X-Forwarded-For. 0: the header
# is ignored (anyone can send it), so rate limits count REMOTE_ADDR (core/limits.py).
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT counts proxies: 0 or more.")
# Days personal data is kept after an appointment's day, or after a request was answered or
# rejected; then core/retention.py blanks it. 30 covers the three to four weeks until an ID card
# or passport applied for at the appointment is ready (DOMAIN.md), the time in which questions
# about the visit come up; after that nothing needs the person (GDPR Art. 5(1)(e)).
PERSONAL_DATA_RETENTION_DAYS = int(os.environ.get("PERSONAL_DATA_RETENTION_DAYS", "30"))
if PERSONAL_DATA_RETENTION_DAYS < 0:
    raise ImproperlyConfigured("PERSONAL_DATA_RETENTION_DAYS counts days: 0 or more.")
# Absolute base of links in emails (manage, confirm): mails have no request to ask.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The town's name in every page's header and title; the demo town is Musterstadt.
TOWN_NAME = os.environ.get("TOWN_NAME", "Musterstadt").strip() or "Musterstadt"

INSTALLED_APPS = [
    "modeltranslation",  # must precede admin so translated fields show there
    "amtstermin.office.apps.SecondFactorAdminConfig",  # django.contrib.admin behind OTP
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "amtstermin.core",
    "amtstermin.citizen",
    "amtstermin.office",
    "amtstermin.display",
    "amtstermin.api",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",  # CONTENT_SECURITY_POLICY below
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "amtstermin.languages.staff_only",  # office pages in German or English
    "amtstermin.admission.limit_in_flight",  # past capacity: the busy page (503), quickly
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "amtstermin.bad_requests.refuse_nul_bytes",  # 400 before the session or a view reads one
    "amtstermin.api.idempotency.middleware",  # API POSTs with an Idempotency-Key answer once
    "amtstermin.api.keys.audit",  # every staff API call in its key's call log
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): second factor given
    "amtstermin.office.login.renew_idle_expiry",  # staff sessions end after 30 idle minutes
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

# Staff log in at /verwaltung/ with password and a second factor (amtstermin/office/). Axes
# counts failed passwords per username and address: the fifth locks that pair out for 15
# minutes, so a guesser cannot lock a clerk out from elsewhere. Attempts live in the database,
# shared by every app server. The address is counted as the rate limits count it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "office:login"
# A staff session ends after this many minutes without a request (office/login.py): counter PCs
# are shared and left unlocked. Citizens' sessions keep Django's default age.
STAFF_IDLE_MINUTES = int(os.environ.get("STAFF_IDLE_MINUTES", "30"))
if STAFF_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("STAFF_IDLE_MINUTES counts minutes: 1 or more.")
# Admission control (amtstermin/admission.py), per worker process: requests served at once, how
# many more may wait for a place and how long, and what the busy page's Retry-After says. Four
# keep one interpreter busy while others wait for the database; more only make each slower
# (with more workers than cores, lower it: about 4 per core in all).
# Granian's --blocking-threads must exceed in-flight plus queue, so that threads are left to
# answer "busy" at once (README: deployment). ADMISSION_IN_FLIGHT=0 switches it off.
ADMISSION_IN_FLIGHT = int(os.environ.get("ADMISSION_IN_FLIGHT", "4"))
ADMISSION_QUEUE = int(os.environ.get("ADMISSION_QUEUE", "16"))
ADMISSION_WAIT_MS = int(os.environ.get("ADMISSION_WAIT_MS", "500"))
ADMISSION_RETRY_AFTER_SECONDS = int(os.environ.get("ADMISSION_RETRY_AFTER_SECONDS", "10"))
# Clerks, the admin, the call displays and health probes pass without waiting: admission.py.
ADMISSION_EXEMPT_PATHS = env_list(
    "ADMISSION_EXEMPT_PATHS", "/verwaltung/,/admin/,/anzeige/,/healthz"
)
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "amtstermin.office.lockout.client_ip"
AXES_LOCKOUT_CALLABLE = "amtstermin.office.lockout.locked_out"
AXES_VERBOSE = False  # no banner on every manage.py command; failures are still logged
# The name authenticator apps show above the code.
OTP_TOTP_ISSUER = "Amtstermin"
# The admin shows no authenticator's secret or QR code: whoever sees one can make a clerk's
# codes. (django-otp's QR code page also answered an unknown device with a 500.)
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

ROOT_URLCONF = "amtstermin.urls"
WSGI_APPLICATION = "amtstermin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "amtstermin" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "amtstermin.context_processors.site",
                "amtstermin.citizen.content.context.legal_pages",
            ],
        },
    },
]

# SQLite (embedded default) or PostgreSQL via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'amtstermin.sqlite3'}"),
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE: a writer takes the lock at BEGIN, so concurrent bookings queue up instead of
    # failing with "database is locked" when a read transaction later tries to write.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
else:
    # PostgreSQL binds parameters itself and keeps a statement prepared per connection once it
    # ran twice: the hand-written reads of every booking and calendar are then planned once, not
    # per request (issue 13: about 1 ms of a booking's 8). DB_PREPARE_THRESHOLD="" turns the
    # preparing off, for a pooler in transaction mode that cannot carry prepared statements.
    threshold = os.environ.get("DB_PREPARE_THRESHOLD", "2")
    DATABASES["default"].setdefault("OPTIONS", {}).update(  # keeps e.g. ?sslmode= of the URL
        server_side_binding=True, prepare_threshold=int(threshold) if threshold else None
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The cache holds state every process must share: used ALTCHA solutions, rate-limit counters,
# sessions. Redis when REDIS_URL is set; otherwise a table in the database, which every worker
# and app server already shares (migration 0014 creates it). Never per-process memory: with
# `granian --workers 2` a logout would not reach the other worker, a proof would count once per
# worker and every limit would double (core/checks.py refuses such a cache in production).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES: dict[str, dict[str, Any]] = {
        # Django's, keeping one client per pool (redis_cache.py).
        "default": {"BACKEND": "amtstermin.redis_cache.RedisCache", "LOCATION": REDIS_URL}
    }
    # The wizard reads its draft on every step: from Redis, written through to the database so
    # a Redis restart loses no half-finished booking.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "amtstermin_cache",
            # Past MAX_ENTRIES Django first drops expired rows, then a third of the rest (used
            # ALTCHA solutions and rate-limit counters too): far above what a town's few
            # minutes of traffic leave, yet small enough to count on every write.
            "OPTIONS": {"MAX_ENTRIES": 20_000},
        }
    }
    # A session in a database cache would be read from the same database twice over.
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "amtstermin.core.outbox_backend.OutboxBackend"),
        "QUEUES": ["default"],
    }
}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
# The citizen side speaks the languages of the people who come to a Bürgerbüro (issue 12), each
# named in its own script for the language switcher; staff pages only STAFF_LANGUAGES. Leichte
# Sprache is a variant of German: what it lacks falls back to German. A new language is one
# entry here plus its .po file (and `makemigrations` for the translated catalogue fields).
EASY_GERMAN = "de-x-ls"
LANGUAGES = [
    ("de", "Deutsch"),
    (EASY_GERMAN, "Leichte Sprache"),
    ("en", "English"),
    ("tr", "Türkçe"),
    ("ar", "العربية"),
    ("uk", "Українська"),
    ("ru", "Русский"),
    ("pl", "Polski"),
    ("ro", "Română"),
    ("fa", "فارسی"),
]
STAFF_LANGUAGES = ("de", "en")
LANG_INFO[EASY_GERMAN] = {
    "bidi": False,
    "code": EASY_GERMAN,
    "name": "Easy German",
    "name_local": "Leichte Sprache",
}
LOCALE_PATHS = [BASE_DIR / "amtstermin" / "locale"]
# English dates in European order, and day names with the date (amtstermin/formats).
FORMAT_MODULE_PATH = ["amtstermin.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "de"
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in LANGUAGES)
# An untranslated catalogue text shows in English where a town translated only that far, else
# in German; Leichte Sprache and English fall back to German.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "de"), "en": ("de",), EASY_GERMAN: ("de",)}
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# Uploads (the sign language video): served by a view (citizen/content), not from MEDIA_URL.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "amtstermin" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "127.0.0.1")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
# Seconds one SMTP step may take. A busy relay or a content scanner can take tens of seconds to
# answer DATA; giving up sooner only sends the same mail again (core/notifications/links.py).
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "60"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bürgerbüro <termine@localhost>")
# Webhooks go to https addresses only; plain http only to this machine (localhost, 127.0.0.1,
# ::1), and only when this is on: for development and the tests' local receiver.
WEBHOOKS_ALLOW_LOOPBACK_HTTP = env_bool("WEBHOOKS_ALLOW_LOOPBACK_HTTP", DEBUG)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "amtstermin.csrf_failure.csrf_failure"  # explains, leads back to the form
SECURE_CONTENT_TYPE_NOSNIFF = True
# Behind a TLS-terminating proxy Django sees plain HTTP. TRUSTED_PROXY_SSL_HEADER=1 believes the
# proxy's X-Forwarded-Proto: set it only if the proxy overwrites that header on every request,
# or a client could claim HTTPS itself.
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("TRUSTED_PROXY_SSL_HEADER") else None
)
# Plain HTTP is redirected to HTTPS by default once the proxy tells the scheme; without the
# header every request would look like HTTP and be redirected in a loop.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", SECURE_PROXY_SSL_HEADER is not None)
# HSTS: browsers then use only HTTPS for this host for that many seconds (31536000: a year).
# 0 sends no header; set it once HTTPS works, as it cannot be taken back before it lapses.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
if SECURE_HSTS_SECONDS < 0:
    raise ImproperlyConfigured("SECURE_HSTS_SECONDS counts seconds: 0 or more.")
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# check --deploy asks for HSTS preloading: that binds the town's whole domain in every browser
# for good, a decision for its IT department, not a default of this app.
SILENCED_SYSTEM_CHECKS = ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy on every response (django-csp): scripts, styles, fonts and workers only
# from this site's own files, so an injected <script> or style="" does nothing. Templates hold no
# inline script or style; htmx is told not to add its indicator style nor to eval (base.html);
# ALTCHA runs as its external build with its stylesheet and worker file (citizen/_altcha.html).
# data: images are KERN's icons (SVG in its CSS) and the empty favicon.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # psycopg warns "error ignored terminating Pipeline" whenever a booking loses a race inside
    # a batch (core/sql.py): the IntegrityError that book() retries is already on its way, the
    # warning only repeats it. Every psycopg error reaches the code as an exception anyway.
    "loggers": {"psycopg": {"level": "ERROR"}},
}
