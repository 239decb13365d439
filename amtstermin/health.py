"""/healthz: whether this app server can answer, for a load balancer or an orchestrator's probe.

Ready means both things every citizen page needs answer: the database (one trivial query) and
the cache (one read; sessions and rate limits live there). The answer is a bare "ok" or
"unavailable" and never says what failed or why: the address is public. It passes the whole
middleware stack like any page, so it is also the benchmarks' baseline (bench/http_availability.py).
"""

import logging

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


@never_cache  # a proxy must not answer for a server that has gone away
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        cache.get("healthz")
    except Exception as failure:  # whatever broke (Redis raises its own), this server is not ready
        logger.warning("health check failed: %s", type(failure).__name__)
        return HttpResponse("unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")
