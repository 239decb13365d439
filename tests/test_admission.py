"""Admission control (amtstermin/admission.py): past capacity, the busy page at once, with
Retry-After, in the visitor's language; within capacity every request is served as before.

Requests are held in flight by real threads inside a view that waits for the test's signal;
admission control is switched on here only (tests/settings.py turns it off for the rest).
They wait for real timeouts, which libfaketime's timed waits never let expire: timed_waits keeps
them out of the +400 days run (they name no date).
"""

import threading
import time

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from django.utils import translation

from amtstermin import admission

RELEASE = threading.Event()
ENTERED = threading.Semaphore(0)


def held(request):
    """A view that stays in flight until the test releases it."""
    ENTERED.release()
    assert RELEASE.wait(timeout=10)
    return HttpResponse("served")


urlpatterns = [path("halten/", held), path("", include("amtstermin.urls"))]

BUSY_GERMAN = "Gerade buchen sehr viele Menschen"

pytestmark = pytest.mark.timed_waits


@pytest.fixture
def admission_on(settings):
    settings.ADMISSION_IN_FLIGHT = 2
    settings.ADMISSION_QUEUE = 1
    settings.ADMISSION_WAIT_MS = 200
    settings.ADMISSION_RETRY_AFTER_SECONDS = 7
    RELEASE.clear()
    # A request served in an earlier test (the waiter let in) left its entry behind; counted
    # here, it would let hold() return before its own requests are inside the view.
    while ENTERED.acquire(blocking=False):
        pass
    yield settings
    RELEASE.set()  # no thread outlives a failing test


def hold(call, count: int) -> list[threading.Thread]:
    """Start `count` requests that stay in flight; returns once all are inside the view."""
    threads = [threading.Thread(target=call) for _ in range(count)]
    for thread in threads:
        thread.start()
    for _ in range(count):
        assert ENTERED.acquire(timeout=10)
    return threads


def test_visitor_gets_busy_page_with_retry_after_when_process_is_full(admission_on):
    gate = admission.limit_in_flight(held)
    factory = RequestFactory()
    answers = []
    threads = hold(lambda: answers.append(gate(factory.get("/halten/"))), 2)
    waiting = threading.Thread(target=lambda: answers.append(gate(factory.get("/halten/"))))
    waiting.start()
    time.sleep(0.05)  # the third now waits for a place: the queue (one) is full

    started = time.perf_counter()
    response = gate(factory.get("/termin/?tag=2026-12-07"))
    elapsed = time.perf_counter() - started

    assert response.status_code == 503
    assert response["Retry-After"] == "7"
    assert response["Cache-Control"] == "no-store"
    page = response.content.decode()
    assert BUSY_GERMAN in page
    assert 'lang="de"' in page
    assert 'href=""' in page  # "Erneut versuchen" reloads the page
    assert elapsed < 0.1  # refused at once, without waiting for a place
    waiting.join(timeout=5)
    assert [r.status_code for r in answers] == [503]  # the waiter gave up after 200 ms
    RELEASE.set()
    for thread in threads:
        thread.join(timeout=5)
    assert [r.status_code for r in answers] == [503, 200, 200]


def test_waiting_visitor_is_served_when_a_place_frees_in_time(admission_on):
    factory = RequestFactory()
    answers = []
    admission_on.ADMISSION_WAIT_MS = 5_000
    gate = admission.limit_in_flight(held)
    threads = hold(lambda: answers.append(gate(factory.get("/halten/"))), 2)
    waiting = threading.Thread(target=lambda: answers.append(gate(factory.get("/halten/"))))
    waiting.start()
    time.sleep(0.05)
    RELEASE.set()  # the two finish; the third takes a freed place
    waiting.join(timeout=5)
    for thread in threads:
        thread.join(timeout=5)
    assert [r.status_code for r in answers] == [200, 200, 200]


def test_busy_page_speaks_english_to_an_english_visitor(admission_on):
    admission_on.ADMISSION_IN_FLIGHT = 1
    admission_on.ADMISSION_QUEUE = 0
    gate = admission.limit_in_flight(held)
    threads = hold(lambda: gate(RequestFactory().get("/halten/")), 1)
    with translation.override("en"):
        response = gate(RequestFactory().get("/termin/"))
    RELEASE.set()
    for thread in threads:
        thread.join(timeout=5)
    assert response.status_code == 503
    assert "Many people are booking right now" in response.content.decode()


@pytest.mark.urls(__name__)
@pytest.mark.django_db
def test_citizen_pages_pass_through_the_whole_stack_and_shed_past_capacity(admission_on):
    admission_on.ADMISSION_IN_FLIGHT = 1
    admission_on.ADMISSION_QUEUE = 0
    client = Client()  # its handler builds the middleware now, with admission control on
    assert client.get("/termin/").status_code == 200  # within capacity: served as ever

    threads = hold(lambda: client.get("/halten/"), 1)
    shed = client.get("/termin/", headers={"accept-language": "en"})
    office = client.get("/verwaltung/", follow=False)  # clerks pass the queue
    RELEASE.set()
    for thread in threads:
        thread.join(timeout=5)

    assert shed.status_code == 503
    assert shed["Retry-After"] == "7"
    assert "Many people are booking right now" in shed.content.decode()
    assert office.status_code in {200, 302}
    assert client.get("/termin/").status_code == 200  # the place is free again


def test_admission_control_switched_off_passes_everything(settings):
    settings.ADMISSION_IN_FLIGHT = 0
    assert admission.limit_in_flight(held) is held
