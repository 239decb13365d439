"""The day-calendar, time and start pages under granian, against a baseline in the same run.

Creates a throwaway database (a SQLite file by default; with DATABASE_URL=postgres://… a
`<name>_httpbench` database next to it), migrates, seeds Musterstadt, collects static files,
starts granian with two workers on a free loopback port (with Redis as the shared cache when one
answers on 127.0.0.1:6379), walks the wizard once like a citizen (Personalausweis) to get a
session, then loads each page with Debian's wrk: 32 connections, 20 s in all, with that session's
cookie. Everything stays on 127.0.0.1; the database is dropped at the end.

The baseline is /healthz: the whole middleware stack, one trivial query and one cache read, a
few bytes of answer; what the server and Django cost before a page does any work. Requests/s
and p99 are the means over the rounds (see ROUNDS).
Targets (issue 13): each page at least 0.6 of the baseline's requests/s, the calendar's p99 at
most twice the baseline's, no 5xx. Requests/s count answers below 400 only: admission control
(amtstermin/admission.py) answers a shed request at once with 503, which is no page served but
is counted in errors_5xx. It is off here unless ADMISSION_IN_FLIGHT is set (see main()).
Last line: calendar_ratio=<x> times_ratio=<y> start_ratio=<z> calendar_p99_ratio=<p> errors_5xx=<n>
"""

import html.parser
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request

from _support import demo_server, server_urls  # noqa: E402

# Each page gets 20 s in all: four rounds of 5 s, the pages taking turns (each first, second,
# third and last once), so that other load on the machine, which comes and goes, and whatever
# one load leaves behind for the next fall on the baseline and the pages alike.
CONNECTIONS, SECONDS, ROUNDS = 32, 5, 4
SERVICE = "Personalausweis"

COUNT_5XX = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) server_errors = 0 end
function response(status, headers, body)
  if status >= 500 then server_errors = server_errors + 1 end
end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("server_errors") end
  io.write(string.format("errors_5xx=%d\\n", total))
end
"""


class Page(html.parser.HTMLParser):
    """Forms, inputs, labels and links of one HTML page: enough to walk the wizard."""

    def __init__(self, text: str):
        super().__init__()
        self.forms: list[dict] = []
        self.labels: dict[str, str] = {}
        self.links: list[str] = []
        self._label_for: str | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {
                    "action": attrs.get("action", ""),
                    "method": attrs.get("method", "get"),
                    "inputs": [],
                }
            )
        elif tag in {"input", "select", "button"} and self.forms:
            self.forms[-1]["inputs"].append((tag, attrs))
        elif tag == "label":
            self._label_for = attrs.get("for")
        elif tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])

    def handle_data(self, data):
        if self._label_for:
            self.labels[self._label_for] = self.labels.get(self._label_for, "") + data

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None


def start_session(base: str) -> tuple[str, str, str]:
    """Choose one Personalausweis on /termin/ as a citizen would: (cookie, day URL, time URL)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = Page(opener.open(base + "/termin/").read().decode())
    form = next(
        f
        for f in page.forms
        if f["method"].lower() == "post" and any(a.get("type") == "number" for _t, a in f["inputs"])
    )
    fields = [(tag, attrs) for tag, attrs in form["inputs"] if attrs.get("name")]
    quantities = [attrs for _tag, attrs in fields if attrs.get("type") == "number"]
    chosen = next(
        attrs["name"]
        for attrs in quantities
        if SERVICE.lower() in page.labels.get(attrs.get("id", ""), "").lower()
    )
    data = {
        attrs["name"]: attrs.get("value", "")
        for tag, attrs in fields
        if attrs.get("type") in {"hidden", "text", "search"} or tag == "select"
    }
    data |= {attrs["name"]: "0" for attrs in quantities} | {chosen: "1"}
    action = urllib.parse.urljoin(base + "/termin/", form["action"] or "/termin/")
    request = urllib.request.Request(
        action, urllib.parse.urlencode(data).encode(), headers={"Referer": base + "/termin/"}
    )
    response = opener.open(request)  # follows the redirect to the next step
    day_url = response.geturl()
    day_page = Page(response.read().decode())
    time_url = next(
        urllib.parse.urljoin(day_url, link) for link in day_page.links if "tag=" in link
    )
    cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    return cookie, day_url, time_url


def load(url: str, cookie: str, script: str) -> tuple[float, float, int]:
    """wrk against one URL: (pages served per second, p99 ms, 5xx responses)."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{SECONDS}s",
            "--latency",
            "-s",
            script,
            "-H",
            f"Cookie: {cookie}",
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=SECONDS + 60,
    ).stdout
    # Only pages served count: a shed request's quick 503 (amtstermin/admission.py) is no page.
    requests, seconds = re.search(r"(\d+) requests in ([\d.]+)s", out).groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    rps = (int(requests) - int(non_2xx.group(1) if non_2xx else 0)) / float(seconds)
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = int(re.search(r"errors_5xx=(\d+)", out).group(1))
    print(
        f"  {url}: rps={rps:.0f} p99_ms={p99:.1f} errors_5xx={errors}"
        + (f" non_2xx_3xx={non_2xx.group(1)}" if non_2xx else "")
    )
    return rps, p99, errors


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("Needs Debian's wrk: apt-get install wrk")
    admin_url, bench_url = server_urls("httpbench")
    # Admission control off unless asked for: /healthz passes its gate while pages queue at it,
    # so with it on the baseline and the pages would not meet the same stack (bench/rush.py
    # measures the shedding).
    env = {
        "ADMISSION_IN_FLIGHT": os.environ.get("ADMISSION_IN_FLIGHT", "0"),
        # As the README's production command: each thread keeps a database connection, and
        # granian's default grew a worker's threads with the load until PostgreSQL refused
        # more than its 100 clients (500s on every page, /healthz's 503s among them).
        "GRANIAN_BLOCKING_THREADS": "32",
    }
    with socket.socket() as redis:
        if redis.connect_ex(("127.0.0.1", 6379)) == 0:
            env["REDIS_URL"] = "redis://127.0.0.1:6379/7"  # the shared cache, as deployed
    cache = "redis" if "REDIS_URL" in env else "database"
    print(
        f"database: {bench_url.split(':', 1)[0]}, cache: {cache}, "
        f"admission in flight: {env['ADMISSION_IN_FLIGHT']} (0: off)"
    )
    with demo_server(admin_url, bench_url, env=env) as base:
        cookie, day_url, time_url = start_session(base)
        print(f"calendar: {day_url}\ntimes:    {time_url}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(COUNT_5XX)
        pages = {
            "baseline": base + "/healthz",
            "calendar": day_url,
            "times": time_url,
            "start": base + "/",
        }
        runs: dict[str, list[tuple[float, float, int]]] = {name: [] for name in pages}
        order = list(pages)
        for round_number in range(1, ROUNDS + 1):
            print(f"round {round_number}:")
            for name in order:
                runs[name].append(load(pages[name], cookie, script.name))
            order = order[1:] + order[:1]  # each page takes each place in the order once
    figures = {}
    for name, results in runs.items():
        rps = sum(run[0] for run in results) / len(results)
        p99 = sum(run[1] for run in results) / len(results)
        figures[name] = rps, p99
        print(f"{name}_rps={rps:.0f} {name}_p99_ms={p99:.1f}")
    base_rps, base_p99 = figures["baseline"]
    errors = sum(run[2] for results in runs.values() for run in results)
    print(
        f"calendar_ratio={figures['calendar'][0] / base_rps:.2f} "
        f"times_ratio={figures['times'][0] / base_rps:.2f} "
        f"start_ratio={figures['start'][0] / base_rps:.2f} "
        f"calendar_p99_ratio={figures['calendar'][1] / base_p99:.2f} errors_5xx={errors}"
    )


if __name__ == "__main__":
    main()
