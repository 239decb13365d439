"""The waiting room's screens through their pages: the call display and the check-in kiosk."""

from datetime import timedelta
from html import escape

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import devices, visits
from amtstermin.core.models import Counter, DeviceLink, Status, Visit
from tests import factories
from tests.conftest import berlin
from tests.core.test_visits import MONDAY, book

pytestmark = pytest.mark.django_db

ISSUED = berlin(2026, 12, 7, 7, 0)
DISPLAY, KIOSK = DeviceLink.Kind.DISPLAY, DeviceLink.Kind.KIOSK
ON_TIME = MONDAY - timedelta(minutes=5)


@pytest.fixture
def display(office) -> str:
    return devices.issue(office.location, DISPLAY, "Wartebereich", now=ISSUED)


@pytest.fixture
def kiosk(office) -> str:
    return devices.issue(office.location, KIOSK, "Eingang", now=ISSUED)


@pytest.fixture
def at(clock):
    """at(instant): the kiosk's clock stands at `instant` (views read timezone.now())."""

    def stand_still(instant):
        clock.now = instant

    return stand_still


def called(
    office, *, counter="Schalter 3", start=MONDAY, email="erika@example.org", clerk=None
) -> Visit:
    """Book, check in and call one citizen to `counter`; returns the visit."""
    appointment = book(office, start, email=email)
    visits.check_in(appointment, now=start - timedelta(minutes=5))
    desk, _new = Counter.objects.get_or_create(location=office.location, name=counter)
    return visits.call_next(clerk or office.clerk, desk, now=start)


def board_url(token: str) -> str:
    return reverse("display:board", args=[token])


def calls_url(token: str) -> str:
    return reverse("display:calls", args=[token])


def kiosk_url(token: str) -> str:
    return reverse("display:kiosk", args=[token])


def check_in(client, token: str, reference: str):
    return client.post(kiosk_url(token), {"reference": reference})


# Device links


@pytest.mark.parametrize("url", [board_url, calls_url, kiosk_url])
def test_a_screen_without_a_valid_device_link_is_not_found(client, office, url):
    response = client.get(url("not-a-device-token"))

    assert response.status_code == 404
    assertContains(response, "Seite nicht gefunden", status_code=404)


def test_a_revoked_display_link_stops_working(client, office, display):
    assert client.get(board_url(display)).status_code == 200

    devices.revoke(devices.find(display, DISPLAY), now=ISSUED + timedelta(hours=1))

    assert client.get(board_url(display)).status_code == 404
    assert client.get(calls_url(display)).status_code == 404


def test_a_kiosk_link_does_not_open_the_display_nor_the_other_way_round(client, display, kiosk):
    assert client.get(board_url(kiosk)).status_code == 404
    assert client.get(kiosk_url(display)).status_code == 404


@pytest.mark.parametrize(
    "url", [board_url, calls_url, kiosk_url, lambda token: board_url("unknown")]
)
def test_screens_are_neither_stored_nor_indexed(client, display, kiosk, url):
    token = kiosk if url is kiosk_url else display

    response = client.get(url(token))

    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex, nofollow"


# Call display


def test_the_display_shows_the_latest_call_big_and_the_calls_before(client, office, display):
    first = called(office, counter="Schalter 2")
    second = called(
        office, counter="Schalter 3", start=MONDAY + timedelta(minutes=20), email="m@x.org"
    )

    response = client.get(board_url(display))

    assertContains(response, "Aufrufe – Bürgerbüro Mitte")
    latest = response.content.decode().split('id="latest-call"')[1].split("</section>")[0]
    assert second.waiting_number in latest and "Schalter 3" in latest
    assert first.waiting_number not in latest
    earlier = response.content.decode().split('id="previous-calls"')[1]
    assert first.waiting_number in earlier and "Schalter 2" in earlier
    assertContains(response, 'aria-live="polite"')


def test_the_display_before_the_first_call_asks_to_wait(client, display):
    response = client.get(board_url(display))

    assertContains(response, "Bitte warten Sie, bis Ihre Nummer hier erscheint.")
    assertContains(response, "Noch keine früheren Aufrufe.")


def test_a_recalled_number_moves_to_the_top_and_is_listed_once(client, office, display):
    first = called(office, counter="Schalter 2")
    colleague = factories.staff(skills=[office.id_card])
    start = MONDAY + timedelta(minutes=20)
    called(office, counter="Schalter 3", start=start, email="m@x.org", clerk=colleague)
    visits.recall(first, now=MONDAY + timedelta(minutes=21))

    content = client.get(calls_url(display)).content.decode()

    latest, earlier = content.split('id="previous-calls"')
    assert first.waiting_number in latest
    assert first.waiting_number not in earlier


def test_the_display_shows_no_personal_data(client, office, display):
    visit = called(office)
    appointment = visit.appointment

    for url in (board_url(display), calls_url(display)):
        response = client.get(url)
        assertContains(response, visit.waiting_number)
        for personal in ("Erika", "Mustermann", "erika@example.org", appointment.reference):
            assertNotContains(response, personal)


def test_the_board_answers_not_modified_until_someone_is_called(
    client, office, display, django_assert_num_queries
):
    first = client.get(calls_url(display))
    etag = first["ETag"]

    with django_assert_num_queries(1):
        unchanged = client.get(calls_url(display), headers={"If-None-Match": etag})

    assert unchanged.status_code == 304
    assert unchanged["ETag"] == etag
    assert unchanged.content == b""
    visit = called(office)
    changed = client.get(calls_url(display), headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assertContains(changed, visit.waiting_number)


def test_the_board_page_carries_the_etag_its_first_poll_sends(client, office, display):
    called(office)

    page = client.get(board_url(display))
    poll = client.get(calls_url(display))

    assertContains(page, f'data-etag="{escape(poll["ETag"])}"')


def test_a_recall_changes_the_etag(client, office, display):
    visit = called(office)
    etag = client.get(calls_url(display))["ETag"]

    visits.recall(visit, now=MONDAY + timedelta(minutes=2))

    assert client.get(calls_url(display), headers={"If-None-Match": etag}).status_code == 200


@pytest.mark.parametrize("calls", [1, 3])
def test_the_changed_board_costs_the_same_queries_for_few_or_many_calls(
    client, office, display, django_assert_num_queries, calls
):
    for number in range(calls):
        called(office, start=MONDAY + timedelta(minutes=20 * number), email=f"p{number}@x.org")

    with django_assert_num_queries(2):
        client.get(calls_url(display))


# Kiosk


def test_the_kiosk_opens_with_an_empty_field_that_has_the_focus(client, kiosk):
    response = client.get(kiosk_url(kiosk))

    assertContains(response, "Vorgangsnummer")
    assertContains(response, "autofocus")
    assertNotContains(response, "Ihre Wartenummer")


def test_checking_in_at_the_kiosk_shows_the_waiting_number_and_the_time_only(
    client, office, kiosk, at
):
    appointment = book(office)
    at(ON_TIME)

    # A keyboard-wedge scanner types the QR code's content exactly; people type more loosely.
    response = check_in(client, kiosk, appointment.reference.replace("-", "").lower())

    assertContains(response, "Ihre Wartenummer")
    assertContains(response, appointment.waiting_number)
    assertContains(response, "Termin um 09:30")
    assertContains(response, "Bitte nehmen Sie Platz, Sie werden aufgerufen.")
    for personal in ("Erika", "Mustermann", "erika@example.org", appointment.reference):
        assertNotContains(response, personal)
    appointment.refresh_from_db()
    assert appointment.status == Status.CHECKED_IN


def test_too_early_at_the_kiosk_says_when_to_come_back(client, office, kiosk, at):
    appointment = book(office)
    at(MONDAY - timedelta(minutes=40))

    response = check_in(client, kiosk, appointment.reference)

    assertContains(
        response, "Sie sind zu früh. Bitte kommen Sie um 09:25 Uhr wieder.", status_code=422
    )
    assertContains(response, "<title>Fehler:", status_code=422)
    assert not Visit.objects.exists()


def test_late_arrivals_rebook_where_the_location_says_so(client, office, kiosk, at):
    office.location.late_rule = "rebook"
    office.location.save()
    appointment = book(office)
    at(MONDAY + timedelta(minutes=25))

    response = check_in(client, kiosk, appointment.reference)

    assertContains(response, "Ihre Terminzeit ist vorbei", status_code=422)
    assert not Visit.objects.exists()


def test_late_arrivals_are_still_served_where_the_location_says_so(client, office, kiosk, at):
    appointment = book(office)
    at(MONDAY + timedelta(minutes=25))

    response = check_in(client, kiosk, appointment.reference)

    assertContains(response, appointment.waiting_number)
    assert Visit.objects.get().appointment == appointment


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "Bitte geben Sie Ihre Vorgangsnummer ein."),
        ("ABCD-EFGH-J", "Zu dieser Vorgangsnummer finden wir keinen Termin."),
        ("x" * 41, "höchstens 40 Zeichen"),
    ],
)
def test_the_kiosk_explains_a_reference_it_cannot_use(client, office, kiosk, at, typed, message):
    book(office)
    at(ON_TIME)

    response = check_in(client, kiosk, typed)

    assertContains(response, message, status_code=422)
    assertContains(response, 'aria-invalid="true"', status_code=422)
    assert not Visit.objects.exists()


def test_the_kiosk_slows_down_guessing_after_30_attempts_a_minute(client, office, kiosk, at):
    appointment = book(office)
    at(ON_TIME)
    for _attempt in range(30):
        assert check_in(client, kiosk, "ABCD-EFGH-J").status_code == 422

    refused = check_in(client, kiosk, appointment.reference)

    assertContains(refused, "Zu viele Versuche.", status_code=429)
    assert not Visit.objects.exists()
    # Once the attempts have slid out of the last minute (core/limits.py: a sliding window).
    at(ON_TIME + timedelta(minutes=1, seconds=5))
    assert check_in(client, kiosk, appointment.reference).status_code == 200


def test_the_kiosk_refuses_a_get_that_would_check_in(client, office, kiosk, at):
    appointment = book(office)
    at(ON_TIME)

    response = client.get(kiosk_url(kiosk), {"reference": appointment.reference})

    assert response.status_code == 200
    assert not Visit.objects.exists()


# Languages


def test_the_kiosk_offers_each_language_in_its_own_script_for_one_person(client, office, kiosk, at):
    appointment = book(office)
    at(ON_TIME)

    start = client.get(kiosk_url(kiosk))
    assertContains(
        start,
        f'<a href="{kiosk_url(kiosk)}?sprache=uk" hreflang="uk" lang="uk">Українська</a>',
        html=True,
    )
    ukrainian = client.get(kiosk_url(kiosk), {"sprache": "uk"})
    assertContains(ukrainian, '<html lang="uk" dir="ltr">', html=False)
    assertContains(ukrainian, f'action="{kiosk_url(kiosk)}?sprache=uk"')

    done = client.post(f"{kiosk_url(kiosk)}?sprache=ar", {"reference": appointment.reference})

    assertContains(done, '<html lang="ar" dir="rtl">', html=False)
    assertContains(done, appointment.waiting_number)
    # The next person finds the screen in its own language again.
    assertContains(done, f'data-reset-to="{kiosk_url(kiosk)}"')
    assertContains(client.get(kiosk_url(kiosk)), '<html lang="de"', html=False)


def test_the_call_display_keeps_its_language_in_every_poll(client, display):
    board = client.get(board_url(display), {"sprache": "tr"})

    assertContains(board, '<html lang="tr" dir="ltr">', html=False)
    assertContains(board, f'hx-get="{calls_url(display)}?sprache=tr"')
    assertNotContains(board, "Letzte Aufrufe")


def test_an_unknown_screen_language_is_ignored(client, display):
    board = client.get(board_url(display), {"sprache": "xx"})

    assertContains(board, '<html lang="de"', html=False)
