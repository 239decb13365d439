"""A citizen opens their appointment from the mail link in Chromium: readable, accessible,
cancellable with the keyboard alone, and confirmable.

The forms are posted by a real browser here, which sends an Origin header that Django's CSRF
check compares (the test client sends none): a Referrer-Policy of "no-referrer" would turn it
into "null" and refuse every cancellation and confirmation.
"""

import pytest

from amtstermin.core.models import Appointment, Status
from tests.citizen.test_appointment import book, page_of

pytestmark = pytest.mark.browser

# Enough presses to pass the header, the navigation and the page's other links.
MAX_TABS = 40


def tab_to(page, role: str, name: str) -> None:
    """Press Tab until the element with `role` and accessible `name` has the keyboard focus."""
    target = page.get_by_role(role, name=name, exact=True)
    for _press in range(MAX_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{role} {name!r} not reached with {MAX_TABS} presses of Tab")


@pytest.mark.parametrize("confirmation", [False, True], ids=["booked", "reserved"])
def test_appointment_page_has_no_accessibility_violations(
    live_server, office, page, axe, confirmation
):
    booked = book(office, require_confirmation=confirmation)

    page.goto(live_server.url + page_of(booked.token) + "?neu=1")

    heading = "Ihr Termin ist vorgemerkt" if confirmation else "Ihr Termin ist gebucht"
    assert page.locator("h1").inner_text() == heading
    assert booked.appointment.reference in page.locator("main").inner_text()
    axe(page)


def test_citizen_cancels_with_the_keyboard_alone(live_server, office, page, axe):
    booked = book(office)
    page.goto(live_server.url + page_of(booked.token))

    tab_to(page, "link", "Termin absagen")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + page_of(booked.token, "citizen:cancel"))

    assert page.locator("h1").inner_text() == "Termin absagen?"
    assert Appointment.objects.get(pk=booked.appointment.pk).status == Status.BOOKED
    axe(page)
    tab_to(page, "button", "Ja, Termin absagen")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server.url + page_of(booked.token))

    assert "Dieser Termin wurde abgesagt." in page.locator("main").inner_text()
    assert Appointment.objects.get(pk=booked.appointment.pk).status == Status.CANCELLED
    axe(page)


def test_citizen_confirms_a_reserved_appointment_from_the_mail_link(live_server, office, page):
    held = book(office, require_confirmation=True)
    page.goto(live_server.url + page_of(held.token, "citizen:confirm"))

    page.get_by_role("button", name="Termin bestätigen").click()
    page.wait_for_url(live_server.url + page_of(held.token))

    assert "Ihr Termin ist bestätigt." in page.get_by_role("status").inner_text()
    assert Appointment.objects.get(pk=held.appointment.pk).status == Status.BOOKED
