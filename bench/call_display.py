"""Call display under load: 50 screens poll while clerks call numbers, on PostgreSQL.

Serves the demo town with granian on a throwaway database next to DATABASE_URL's (default: the
local PostgreSQL), opens one display link, and starts 50 pollers that behave like the board's
htmx: one request a second (random phase), keep-alive, sending the last ETag, so an unchanged
board is a 304. Meanwhile four clerks call walk-ins through core.visits.call_next in this
process, each every 2–4 s. A number's update time is from the call's commit to the moment a
poller first finds it on the board (as latest call or in the list), for every poller and call.
A called number a poller never saw counts as an error, as does any answer but 200 or 304.
Walk-ins are drawn a year ahead of the demo's bookings so the gap rule lets every one be called.
Comparison line: median time of a 304 poll against a 200 poll, measured in the same run.
Last line: display_update_p95_ms=<x> polls_per_s=<y> errors=<n>
"""

import http.client
import os
import random
import re
import threading
import time
import urllib.parse
from datetime import timedelta

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amtstermin")

from _support import demo_server, median, percentile, postgres_urls  # noqa: E402

SCREENS, CLERKS = 50, 4
SECONDS = 30
POLL_INTERVAL = 1.0  # the board's hx-trigger="every 1s"
GRACE = 3.0  # after the last call, pollers go on this long so every screen can catch up
NUMBER = re.compile(r'class="amt-call__number">([^<]+)<')


class Results:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.called: dict[str, float] = {}  # number -> commit time
        self.seen: list[dict[str, float]] = [{} for _ in range(SCREENS)]
        self.durations = {200: [], 304: []}
        self.errors = 0
        self.polls = 0


def poll(screen: int, base: str, path: str, results: Results, stop: threading.Event) -> None:
    host = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(host.hostname, host.port, timeout=5)
    etag = None
    seen = results.seen[screen]
    next_poll = time.monotonic() + random.random() * POLL_INTERVAL
    while not stop.is_set():
        time.sleep(max(0.0, next_poll - time.monotonic()))
        next_poll += POLL_INTERVAL
        started = time.monotonic()
        try:
            connection.request("GET", path, headers={"If-None-Match": etag} if etag else {})
            response = connection.getresponse()
            body = response.read().decode()
        except (OSError, http.client.HTTPException):
            connection.close()
            with results.lock:
                results.errors += 1
            continue
        arrived = time.monotonic()
        with results.lock:
            results.polls += 1
            if response.status in results.durations:
                results.durations[response.status].append((arrived - started) * 1000)
            else:
                results.errors += 1
        if response.status == 200:
            etag = response.getheader("ETag")
            for number in NUMBER.findall(body):
                seen.setdefault(number, arrived)
    connection.close()


def clerk(staff, counter, offset: timedelta, results: Results, stop: threading.Event) -> None:
    from django.db import connection
    from django.utils import timezone

    from amtstermin.core import visits

    rng = random.Random(staff.pk)
    while not stop.wait(rng.uniform(2.0, 4.0)):
        visit = visits.call_next(staff, counter, now=timezone.now() + offset)
        committed = time.monotonic()  # call_next commits before it returns (durable atomic)
        if visit is not None:
            with results.lock:
                results.called[visit.waiting_number] = committed
    connection.close()


def main() -> None:
    from django.utils import timezone

    from amtstermin.core import devices, visits
    from amtstermin.core.items import Item
    from amtstermin.core.models import Counter, DeviceLink, Location, StaffMember

    admin_url, bench_url = postgres_urls("displaybench")
    with demo_server(admin_url, bench_url) as base:
        location = Location.objects.filter(counters__isnull=False).distinct().first()
        offset = timedelta(days=365)
        now = timezone.now() + offset
        token = devices.issue(location, DeviceLink.Kind.DISPLAY, "Benchmark", now=now)
        counters = list(Counter.objects.filter(location=location)[:CLERKS])
        staff = list(StaffMember.objects.filter(locations=location, active=True)[: len(counters)])
        service = staff[0].skills.all()[0]
        for member in staff:
            member.skills.add(service)  # every clerk can serve the walk-ins
        for _ in range(SECONDS * CLERKS):  # more than the clerks can call
            visits.walk_in(location, [Item(service)], now=now)
        path = f"/anzeige/{token}/aufrufe/"
        print(f"{location.name}: {len(staff)} clerks at {base}{path.replace(token, '<token>')}")

        results = Results()
        stop_calls, stop_polls = threading.Event(), threading.Event()
        pollers = [
            threading.Thread(target=poll, args=(n, base, path, results, stop_polls))
            for n in range(SCREENS)
        ]
        clerks = [
            threading.Thread(target=clerk, args=(m, c, offset, results, stop_calls))
            for m, c in zip(staff, counters, strict=False)
        ]
        started = time.monotonic()
        for thread in pollers + clerks:
            thread.start()
        time.sleep(SECONDS)
        stop_calls.set()
        for thread in clerks:
            thread.join()
        time.sleep(GRACE)
        stop_polls.set()
        for thread in pollers:
            thread.join()
        elapsed = time.monotonic() - started

    updates, missed = [], 0
    for seen in results.seen:
        for number, committed in results.called.items():
            if number in seen:
                updates.append(max(0.0, seen[number] - committed) * 1000)
            else:
                missed += 1
    fresh, unchanged = results.durations[200], results.durations[304]
    print(
        f"calls={len(results.called)} screens={SCREENS} poll_interval_ms={POLL_INTERVAL * 1000:.0f}"
        f" update_median_ms={median(updates):.0f} missed={missed}"
    )
    print(
        f"comparison: poll_304_median_ms={median(unchanged):.1f} ({len(unchanged)} polls)"
        f" poll_200_median_ms={median(fresh):.1f} ({len(fresh)} polls)"
    )
    print(
        f"display_update_p95_ms={percentile(updates, 0.95):.0f} "
        f"polls_per_s={results.polls / elapsed:.1f} errors={results.errors + missed}"
    )


if __name__ == "__main__":
    main()
