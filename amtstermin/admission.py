"""Admission control: past what this process can serve at once, a quick friendly 503 with
Retry-After instead of every visitor waiting longer.

When a day's times are released at 08:00, thousands of citizens arrive in the same second. A
worker process serves one request at a time on its interpreter (the GIL); letting hundreds in
at once only makes each of them slower, until every page takes seconds, browsers time out and
people reload, which makes it worse. So each process admits ADMISSION_IN_FLIGHT requests at
once; up to ADMISSION_QUEUE more wait at most ADMISSION_WAIT_MS for a free place; any beyond
that, or still waiting then, get the busy page at once. Whoever is admitted is served at
normal speed, and whoever is not learns so within half a second, not after a timeout.

The counter lives in this process's memory on purpose: it guards this process's own CPU and
database connections, nothing else, and nothing anyone else relies on is decided by it (never
booking, limits or sessions: those live in the database and the shared cache). Two workers
admit twice as many requests, which is right, since they have twice the capacity.

Office and admin pages and the call displays pass without waiting (ADMISSION_EXEMPT_PATHS): the
counters must keep calling people in while citizens crowd the booking pages, and clerks and
screens are a few dozen clients, not thousands; nor do health probes wait. Static files never
get here (WhiteNoise).
"""

import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation

from amtstermin.api import problems


class Gate:
    """At most `in_flight` holders at once; up to `queue` more wait at most `wait_seconds`."""

    def __init__(self, *, in_flight: int, queue: int, wait_seconds: float) -> None:
        self._places = threading.BoundedSemaphore(in_flight)
        self._queue, self._wait_seconds = queue, wait_seconds
        self._lock = threading.Lock()
        self._waiting = 0

    def enter(self) -> bool:
        """True with a place taken (leave() gives it back); False when it is full."""
        # While others wait, a newcomer queues behind them rather than taking a freed place.
        if not self._waiting and self._places.acquire(blocking=False):
            return True
        with self._lock:
            if self._waiting >= self._queue:
                return False
            self._waiting += 1
        try:
            return self._places.acquire(timeout=self._wait_seconds)
        finally:
            with self._lock:
                self._waiting -= 1

    def leave(self) -> None:
        self._places.release()


def limit_in_flight(get_response: Callable[[HttpRequest], HttpResponse]) -> Callable:
    """Admits a request within this process's capacity, or answers with the busy page (503).

    Placed after LocaleMiddleware, so the page speaks the visitor's language, and before
    anything that reads the session or the database, so a refusal costs neither.
    """
    if settings.ADMISSION_IN_FLIGHT <= 0:  # switched off
        return get_response
    gate = Gate(
        in_flight=settings.ADMISSION_IN_FLIGHT,
        queue=settings.ADMISSION_QUEUE,
        wait_seconds=settings.ADMISSION_WAIT_MS / 1000,
    )
    exempt = tuple(settings.ADMISSION_EXEMPT_PATHS)

    def middleware(request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(exempt):
            return get_response(request)
        if not gate.enter():
            return busy(request)
        try:
            return get_response(request)
        finally:
            gate.leave()

    return middleware


def busy(request: HttpRequest) -> HttpResponse:
    """The busy page: 503 with Retry-After. It must cost next to nothing, since it is what an
    overloaded process sends most: no session, no database (like 500.html), and rendered once
    per language in each process (the same for every page; its button reloads the page)."""
    if request.path.startswith("/api/"):
        with problems.override(request):
            response = problems.response("busy", 503, problems.BUSY)
    else:
        response = HttpResponse(_page(), status=503)
    response["Retry-After"] = str(settings.ADMISSION_RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _page() -> bytes:
    language = translation.get_language()
    page = _pages.get(language)
    if page is None:
        page = _pages[language] = render_to_string("503.html").encode()
    return page


_pages: dict[str, bytes] = {}
