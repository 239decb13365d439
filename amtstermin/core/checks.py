"""System checks for production, run by `manage.py check --deploy`.

settings.py never picks per-process memory for the cache outside the tests; this check catches
an edit or a settings module that does.
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register

# Each worker process would keep its own: a used ALTCHA solution would pass again in the next
# worker, a rate limit would count once per worker, a session in the cache would outlive logout.
PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}


@register(Tags.caches, deploy=True)
def shared_cache(app_configs, **kwargs) -> list[CheckMessage]:
    """An error if the default cache is not shared by every process of the installation."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Error(
            f"The cache {backend} is private to each process.",
            hint=(
                "Used ALTCHA solutions, rate limits and sessions must be shared by every app "
                "server process: unset CACHES overrides (settings.py then uses the database) "
                "or set REDIS_URL."
            ),
            id="amtstermin.E001",
        )
    ]
