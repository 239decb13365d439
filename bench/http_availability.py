"""The day-calendar and time pages under granian with PostgreSQL and the demo town.

Creates a throwaway database `<name>_httpbench` next to DATABASE_URL's (default: the local
PostgreSQL), migrates, seeds Musterstadt, collects static files, starts granian with two workers
on a free loopback port, walks the wizard once like a citizen (Personalausweis) to get a session,
then loads the day calendar and the first free day's time page with Debian's wrk: 32 connections
for 20 s each. Everything stays on 127.0.0.1; the database is dropped at the end.
The start page is loaded the same way as the comparison figure.
Last line: calendar_rps=<x> calendar_p99_ms=<y> times_rps=<z> times_p99_ms=<w> errors_5xx=<n>
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

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/amtstermin")

from _support import demo_server, postgres_urls  # noqa: E402

CONNECTIONS, SECONDS = 32, 20
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
    """wrk against one URL: (requests/s, p99 ms, 5xx responses)."""
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
    print(out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    errors = int(re.search(r"errors_5xx=(\d+)", out).group(1))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non_2xx:
        print(f"non-2xx/3xx responses: {non_2xx.group(1)}")
    return rps, p99, errors


def main() -> None:
    if not shutil.which("wrk"):
        sys.exit("Needs Debian's wrk: apt-get install wrk")
    admin_url, bench_url = postgres_urls("httpbench")
    env = {}
    with socket.socket() as redis:
        if redis.connect_ex(("127.0.0.1", 6379)) == 0:
            env["REDIS_URL"] = "redis://127.0.0.1:6379/7"  # the shared cache, as deployed
    with demo_server(admin_url, bench_url, env=env) as base:
        cookie, day_url, time_url = start_session(base)
        print(f"calendar: {day_url}\ntimes:    {time_url}")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write(COUNT_5XX)
        calendar_rps, calendar_p99, calendar_errors = load(day_url, cookie, script.name)
        times_rps, times_p99, times_errors = load(time_url, cookie, script.name)
        # The comparison: the start page (no session, no calendar) on the same stack shows what
        # the server, Django and the base template cost before any availability work.
        base_rps, base_p99, base_errors = load(base + "/", "", script.name)
        print(f"start page (comparison): rps={base_rps:.0f} p99_ms={base_p99:.1f}")
        print(
            f"calendar_rps={calendar_rps:.0f} calendar_p99_ms={calendar_p99:.1f} "
            f"times_rps={times_rps:.0f} times_p99_ms={times_p99:.1f} "
            f"errors_5xx={calendar_errors + times_errors + base_errors}"
        )


if __name__ == "__main__":
    main()
