"""Rush hour: 2,000 citizens arrive in the same second for one day's times, as at an 08:00
release. Admission control must turn away what exceeds capacity quickly, with the busy page and
Retry-After, while whoever is served is served at normal speed, and no time is ever given twice.

Serves the demo town (Musterstadt) with granian (2 workers by default) on a throwaway
PostgreSQL database `<name>_rush` next to DATABASE_URL's and Redis on 127.0.0.1:6379 (db 8,
emptied first) as the shared cache. Each simulated citizen (aiohttp on one event loop, its own
cookies, its own address in X-Forwarded-For behind one trusted proxy, as deployed) walks the
real wizard pages with CSRF and session: the start page, Personalausweis × 1, the day calendar,
the time page of the released day, a random free time, the contact form, the review page, book.
A time someone else was faster to (409) sends the citizen back to the time page for another;
a busy page (503/429) makes them wait as its Retry-After says (times 1–2, as people do) and
send the same request again. The rush ends after --seconds.

The ALTCHA proof of work (core/captcha.py) costs a browser about a second of its own CPU;
2,000 of them would need some 1,000 s of this machine's two cores, which would then serve
nobody. So before the release, while citizens would type their names, the benchmark fetches
challenges from the real endpoint and solves them with the `altcha` library in a process pool:
twice as many as the released day has free starts (each booking takes one or more; a citizen
who loses a time to someone faster needs a new one for the next). A citizen at the contact form
takes one (its browser's solution); once they are gone, the rest post without one, as a
browser without JavaScript does (the documented unproven path: a hold confirmed by email,
capped at a tenth of the day, core/limits.py), and a refusal there (422) ends their attempt.

Afterwards the database is checked: overbooked counts pairs of appointments of one clerk that
overlap, plus appointments outside their clerk's roster that day. served_p99_ms is over every
answer that was not a busy page. Last line:
clients=<n> served_p99_ms=<x> bookings=<b> overbooked=<o> errors_5xx=<e> shed=<s>
"""

import argparse
import asyncio
import base64
import json
import os
import random
import re
import resource
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, datetime
from urllib.parse import urlsplit

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amtstermin")

from _support import demo_server, percentile, postgres_urls  # noqa: E402

REDIS_URL = "redis://127.0.0.1:6379/8"
SERVICE = "Personalausweis"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
START = re.compile(r'name="start" value="([^"]+)"')
KEY = re.compile(r'name="key" value="([^"]+)"')
DAY_LINK = re.compile(r'href="([^"]*[?&]tag=(\d{4}-\d{2}-\d{2})[^"]*)"')


class Stats:
    def __init__(self) -> None:
        self.served_ms: list[float] = []
        self.shed_ms: list[float] = []
        self.shed = self.errors_5xx = self.timeouts = 0
        self.bookings = self.taken = self.refused = self.no_proof = self.day_full = 0
        self.proofs_used = 0


class Citizen:
    """One browser: its own cookies and address; every answer timed, busy pages waited out."""

    def __init__(self, http, base: str, number: int, stats: Stats, deadline: float) -> None:
        import aiohttp

        self.base, self.stats, self.deadline = base, stats, deadline
        self.address = f"10.{number >> 8}.{number & 255}.7"  # a /24 of its own
        self.session = aiohttp.ClientSession(
            connector=http,
            connector_owner=False,
            cookie_jar=aiohttp.CookieJar(unsafe=True),  # cookies for 127.0.0.1
            timeout=aiohttp.ClientTimeout(total=30),
        )
        self.csrf = ""

    async def send(self, method: str, path: str, data: dict | None = None):
        """(status, body, location); (None, "", "") once the rush is over."""
        import aiohttp

        while time.monotonic() < self.deadline:
            if data is not None:
                data = {**data, "csrfmiddlewaretoken": self.csrf}
            started = time.perf_counter()
            try:
                async with self.session.request(
                    method,
                    self.base + path,
                    data=data,
                    allow_redirects=False,
                    headers={"X-Forwarded-For": self.address, "Referer": self.base + path},
                ) as response:
                    body = await response.text()
                    status = response.status
                    location = response.headers.get("Location", "")
                    retry_after = response.headers.get("Retry-After")
            except (TimeoutError, aiohttp.ClientError):
                self.stats.timeouts += 1
                return None, "", ""
            elapsed = (time.perf_counter() - started) * 1000
            if status in (429, 503):
                self.stats.shed += 1
                self.stats.shed_ms.append(elapsed)
                assert retry_after, f"{status} without Retry-After on {path}"
                await asyncio.sleep(float(retry_after) * random.uniform(1, 2))
                continue
            self.stats.served_ms.append(elapsed)
            if status >= 500:
                self.stats.errors_5xx += 1
                print(f"{status} on {method} {path}: {body[:300]!r}")
            if token := CSRF.search(body):
                self.csrf = token.group(1)
            return (
                status,
                body,
                urlsplit(location).path
                + ("?" + urlsplit(location).query if urlsplit(location).query else ""),
            )
        return None, "", ""

    async def book(self, *, services: dict, day: str, proofs: list[str]) -> None:
        try:
            await self._book(services=services, day=day, proofs=proofs)
        finally:
            await self.session.close()

    async def _book(self, *, services: dict, day: str, proofs: list[str]) -> None:
        status, _page, _ = await self.send("GET", "/termin/")
        if status != 200:
            return
        status, _page, location = await self.send("POST", "/termin/", services)
        if status != 302:
            return
        status, calendar, _ = await self.send("GET", location)  # the day calendar
        if status != 200:
            return
        time_page = f"/termin/zeit/?tag={day}"
        for _attempt in range(6):
            status, page, _ = await self.send("GET", time_page)
            starts = START.findall(page) if status == 200 else []
            if not starts:
                self.stats.day_full += status == 200
                return
            status, _page, location = await self.send(
                "POST", time_page, {"start": random.choice(starts)}
            )
            if status == 409:
                self.stats.taken += 1
                continue
            if status != 302:
                return
            status, _page, _ = await self.send("GET", "/termin/kontakt/")
            if status != 200:
                return
            proof = proofs.pop() if proofs else ""
            if proof:
                self.stats.proofs_used += 1
            number = self.address.replace(".", "-")
            contact = {
                "name": "Erika Mustermann",
                "email": f"erika-{number}@example.org",
                "phone": "",
                "language": "de",
                "consent": "on",
                "altcha": proof,
            }
            status, page, location = await self.send("POST", "/termin/kontakt/", contact)
            if status != 302:
                return
            if "kontakt" in location:  # solved once, so asked again for this time
                self.stats.no_proof += 1
                return
            status, page, _ = await self.send("GET", "/termin/pruefen/")
            key = KEY.search(page) if status == 200 else None
            if key is None:
                return
            status, _page, location = await self.send(
                "POST", "/termin/pruefen/", {"key": key.group(1)}
            )
            if status == 302 and "neu=1" in location:
                self.stats.bookings += 1
                return
            if status == 409:
                self.stats.taken += 1
                continue
            self.stats.refused += 1  # 422: the unproven share is used up, or another limit
            return


def solve(challenge: dict) -> str:
    """What the ALTCHA widget posts after solving `challenge`."""
    import altcha

    solution = altcha.solve_challenge(altcha.Challenge.from_dict(challenge), timeout=120)
    return base64.b64encode(
        json.dumps({"challenge": challenge, "solution": solution.to_dict()}).encode()
    ).decode()


async def prepare(base: str, proofs_wanted: int) -> tuple[dict, str, list[str]]:
    """The services form's fields for one Personalausweis, the released day, solved proofs."""
    import aiohttp

    async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as session:
        page = await (await session.get(base + "/termin/")).text()
        fields = re.findall(r"<input[^>]*>", page)
        services = {}
        for field in fields:
            name = re.search(r'name="([^"]+)"', field)
            if name and 'type="number"' in field:
                services[name.group(1)] = "0"
        label = re.search(
            r'<label[^>]*for="([^"]+)"[^>]*>\s*(?:<[^>]+>\s*)*' + SERVICE, page
        ) or re.search(r'for="([^"]+)"[^>]*>[^<]*' + SERVICE, page)
        chosen_id = label.group(1)
        chosen = re.search(
            rf'id="{chosen_id}"[^>]*name="([^"]+)"|name="([^"]+)"[^>]*id="{chosen_id}"', page
        )
        services[chosen.group(1) or chosen.group(2)] = "1"
        csrf = CSRF.search(page).group(1)
        async with session.post(
            base + "/termin/",
            data={**services, "csrfmiddlewaretoken": csrf},
            headers={"Referer": base + "/termin/"},
        ) as response:
            calendar = await response.text()
            assert "/termin/tag/" in str(response.url), (response.url, calendar[:500])
        # The released day: of the days the calendar offers, the one with the most free times.
        offered = {}
        for day in dict.fromkeys(day for _link, day in DAY_LINK.findall(calendar)):
            async with session.get(base + f"/termin/zeit/?tag={day}") as response:
                offered[day] = len(START.findall(await response.text()))
        day = max(offered, key=offered.get)
        print(f"free starts on the calendar's days: {offered}")
        proofs_wanted = proofs_wanted or 2 * offered[day]
        challenges = []
        for number in range(proofs_wanted):
            async with session.get(
                base + "/termin/kontakt/pruefung/",
                headers={"X-Forwarded-For": f"10.{200 + number // 256}.{number % 256}.9"},
            ) as response:
                challenges.append(await response.json())
    started = time.perf_counter()
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        proofs = list(pool.map(solve, challenges))
    print(f"solved {len(proofs)} proofs in {time.perf_counter() - started:.0f} s")
    return services, day, proofs


async def rush(base: str, clients: int, seconds: float, proofs_wanted: int) -> tuple[Stats, str]:
    import aiohttp

    services, day, proofs = await prepare(base, proofs_wanted)
    print(f"released day: {day}")
    stats = Stats()
    http = aiohttp.TCPConnector(limit=0, force_close=False)
    deadline = time.monotonic() + seconds
    citizens = [Citizen(http, base, number, stats, deadline) for number in range(clients)]
    started = time.perf_counter()
    lags: list[float] = []
    watch = asyncio.create_task(loop_lag(lags))
    await asyncio.gather(*(c.book(services=services, day=day, proofs=proofs) for c in citizens))
    watch.cancel()
    print(f"rush over after {time.perf_counter() - started:.1f} s")
    # Every latency above includes how late this event loop noticed the answer.
    print(
        f"client loop lag: p50 {percentile(lags, 0.5):.0f} ms, p99 {percentile(lags, 0.99):.0f} ms"
    )
    await http.close()
    return stats, day


async def loop_lag(lags: list[float]) -> None:
    """How late this event loop wakes from a 50 ms sleep, in ms: the client's own delay."""
    while True:
        started = time.perf_counter()
        await asyncio.sleep(0.05)
        lags.append((time.perf_counter() - started) * 1000 - 50)


def overbooked(day: str) -> tuple[int, int]:
    """(overbooked, appointments holding time on `day`) counted in the database."""
    from django.db import connection

    from amtstermin.core.models import HOLDING, Appointment, RosterBlock

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM core_appointment a JOIN core_appointment b
              ON a.staff_id = b.staff_id AND a.id < b.id
             AND a.start < b."end" AND b.start < a."end"
            WHERE a.status = ANY(%s) AND b.status = ANY(%s)
            """,
            [list(HOLDING), list(HOLDING)],
        )
        overlaps = cursor.fetchone()[0]
    released = date.fromisoformat(day)
    appointments = list(Appointment.objects.filter(status__in=HOLDING, waiting_day=released))
    blocks = [
        block
        for block in RosterBlock.objects.filter(weekday=released.weekday())
        if block.valid_from <= released and (block.valid_until or released) >= released
    ]
    outside = 0
    for appointment in appointments:
        zone = appointment.location.zone
        start, end = appointment.start.astimezone(zone), appointment.end.astimezone(zone)
        if not any(
            block.staff_id == appointment.staff_id
            and block.location_id == appointment.location_id
            and datetime.combine(released, block.start_time, tzinfo=zone) <= start
            and end <= datetime.combine(released, block.end_time, tzinfo=zone)
            for block in blocks
        ):
            outside += 1
    return overlaps + outside, len(appointments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2, choices=[2, 3, 4])
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--proofs", type=int, default=0, help="default: 2 × the day's starts")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 4 * args.clients)), hard))

    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()  # no page cached by an earlier run
    admin_url, rush_url = postgres_urls("rush")
    # Threads per worker: enough to answer "busy" at once past in-flight plus queue, and few
    # enough that their database connections stay under PostgreSQL's 100.
    env = {
        "REDIS_URL": REDIS_URL,
        "TRUSTED_PROXY_COUNT": "1",
        "GRANIAN_BLOCKING_THREADS": str(64 // args.workers),
        # Every citizen keeps a connection open; granian admits backlog ÷ workers per worker
        # and leaves the rest unaccepted (1,024 by default: 976 of 2,000 never got an answer).
        "GRANIAN_BACKLOG": "4096",
    }
    with demo_server(admin_url, rush_url, workers=args.workers, env=env) as base:
        from amtstermin.core.models import HOLDING, Appointment

        before = Appointment.objects.filter(status__in=HOLDING).count()
        proofs = args.proofs
        stats, day = asyncio.run(rush(base, args.clients, args.seconds, proofs))
        bad, on_day = overbooked(day)
        made = Appointment.objects.filter(status__in=HOLDING).count() - before
        print(
            f"workers={args.workers} proofs_used={stats.proofs_used} taken_409={stats.taken} "
            f"refused_422={stats.refused} day_full={stats.day_full} no_proof={stats.no_proof} "
            f"timeouts={stats.timeouts} served={len(stats.served_ms)} "
            f"served_p50_ms={percentile(stats.served_ms, 0.5):.0f} "
            f"shed_p50_ms={percentile(stats.shed_ms or [0], 0.5):.0f} "
            f"shed_p99_ms={percentile(stats.shed_ms or [0], 0.99):.0f} "
            f"new_appointments_in_db={made} holding_on_day={on_day}"
        )
        print(
            f"clients={args.clients} served_p99_ms={percentile(stats.served_ms, 0.99):.0f} "
            f"bookings={stats.bookings} overbooked={bad} errors_5xx={stats.errors_5xx} "
            f"shed={stats.shed}"
        )


if __name__ == "__main__":
    main()
