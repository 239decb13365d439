"""Moving a booked appointment through its link key: calendar, times, confirmation, the move.

The appointment is Monday 7 December 2026, 09:00, one Personalausweis at the `office`; the clock
stands on Friday 4 December, 15:00 (tests/citizen/conftest.py).
"""

import re
from datetime import time, timedelta
from urllib.parse import quote, unquote

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin.core import booking
from amtstermin.core.models import Appointment, AppointmentEvent, Channel, Status
from tests.citizen.conftest import MONDAY, MONDAY_9, TUESDAY, book_directly
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

TUESDAY_10 = berlin(2026, 12, 8, 10, 0)
STILL = "Dieser Termin kann nicht mehr geändert werden."


@pytest.fixture
def booked(office, mailoutbox):
    made = book_directly(office, MONDAY_9, name="Erika Mustermann", email="erika@example.org")
    mailoutbox.clear()  # the booking mail: the tests count what moving sends
    return made


def calendar_of(token: str) -> str:
    return reverse("citizen:reschedule", kwargs={"token": token})


def times_of(token: str, day) -> str:
    return f"{reverse('citizen:reschedule_time', kwargs={'token': token})}?tag={day.isoformat()}"


def confirm_of(token: str, start) -> str:
    beginn = quote(start.isoformat() if hasattr(start, "isoformat") else start)
    return f"{reverse('citizen:reschedule_confirm', kwargs={'token': token})}?beginn={beginn}"


def offered(response) -> list[str]:
    """The start instants the time page links to for confirmation."""
    found = re.findall(r'verschieben/pruefen/\?beginn=([^"]+)"', response.content.decode())
    return [unquote(start) for start in found]


def fresh(booked) -> Appointment:
    return Appointment.objects.get(pk=booked.appointment.pk)


def private(response) -> None:
    """The headers every page opened by a link key sends (appointment/views.py token_page)."""
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "same-origin"
    assert {"private", "no-store"} <= set(response["Cache-Control"].replace(" ", "").split(","))


def test_the_calendar_for_moving_shows_the_appointment_and_free_days(client, booked):
    response = client.get(calendar_of(booked.token))

    assert response.status_code == 200
    private(response)
    assertContains(response, '<meta name="robots" content="noindex, nofollow">')
    assertContains(response, "<title>Tag wählen")
    assertContains(response, "Neuen Tag wählen</h1>")
    assertContains(response, "Ihr bisheriger Termin: Montag, 7. Dezember 2026, 09:00 Uhr")
    back = f'<a class="kern-link amt-back" href="/termin/verwalten/{booked.token}/">'
    assertContains(response, back)
    assertContains(response, "Zurück zu Ihrem Termin")
    assertNotContains(response, "Schritt ")  # not part of the booking wizard's steps
    assertContains(response, f'href="{times_of(booked.token, TUESDAY)}"')
    assertContains(response, "Dienstag, 8. Dezember, 46 freie Zeiten")


def test_the_appointments_own_time_counts_as_free_when_moving_it(client, office, booked):
    # One clerk: for anyone else, 09:00–09:15 blocks the starts 08:50 to 09:10 on Monday.
    choose = client.post(reverse("citizen:services"), {f"service-{office.id_card.pk}": 1})
    assert choose.status_code == 302
    booking_anew = client.get(reverse("citizen:day"))
    moving = client.get(calendar_of(booked.token))

    assertContains(booking_anew, "Montag, 7. Dezember, 41 freie Zeiten")
    # All 46 starts but its own 09:00, which is no move at all.
    assertContains(moving, "Montag, 7. Dezember, 45 freie Zeiten")
    starts = offered(client.get(times_of(booked.token, MONDAY)))
    assert len(starts) == 45
    assert {"2026-12-07T08:50:00+01:00", "2026-12-07T09:05:00+01:00"} <= set(starts)
    assert "2026-12-07T09:00:00+01:00" not in starts


def test_the_first_free_day_for_moving_is_not_the_appointments_day_with_no_other_time(
    client, office, booked
):
    # Monday's only quarter hour is the appointment itself.
    office.clerk.roster.filter(weekday=0).update(start_time=time(9), end_time=time(9, 15))

    moving = client.get(calendar_of(booked.token))

    assertContains(moving, "Erster freier Tag: Dienstag, 8. Dezember 2026")
    assertContains(moving, "Montag, 7. Dezember, keine freien Zeiten")
    assertNotContains(moving, f'href="{times_of(booked.token, MONDAY)}"')


def test_the_current_time_is_refused_as_a_new_one_and_nothing_is_sent(client, booked, mailoutbox):
    asked = client.get(confirm_of(booked.token, MONDAY_9))

    assert asked.status_code == 422
    assertContains(asked, "Das ist Ihr bisheriger Termin</h1>", status_code=422)
    assertContains(
        asked,
        "Das ist bereits Ihr Termin. Bitte wählen Sie eine andere Zeit.",
        status_code=422,
    )
    assertNotContains(asked, "Termin verschieben</span>", status_code=422)
    # Posted anyway (or the second click of a double click): nothing moves, nothing is mailed.
    posted = client.post(confirm_of(booked.token, MONDAY_9))
    assertRedirects(posted, f"/termin/verwalten/{booked.token}/", fetch_redirect_response=False)
    assert fresh(booked).sequence == booked.appointment.sequence
    assert not AppointmentEvent.objects.filter(kind=AppointmentEvent.Kind.RESCHEDULED).exists()
    assert mailoutbox == []


def test_the_times_for_moving_link_to_a_confirmation(client, booked):
    response = client.get(times_of(booked.token, TUESDAY))

    assert response.status_code == 200
    private(response)
    assertContains(response, "Uhrzeiten am Dienstag, 8. Dezember 2026</h1>")
    back = f'href="{calendar_of(booked.token)}?monat=2026-12"'
    assertContains(response, back)
    assertContains(response, "Anderen Tag wählen")
    assertNotContains(response, 'name="start"')  # links, not the wizard's form
    starts = offered(response)
    assert starts[0] == "2026-12-08T08:00:00+01:00" and len(starts) == 46
    assertContains(response, confirm_of(booked.token, "2026-12-08T08:00:00+01:00"))


@pytest.mark.parametrize("day", [None, "morgen", "2026-12-03"])
def test_a_missing_or_unbookable_day_shows_the_calendar_with_an_error(client, booked, day):
    url = reverse("citizen:reschedule_time", kwargs={"token": booked.token})
    response = client.get(url if day is None else f"{url}?tag={day}")

    assert response.status_code == 422
    private(response)
    assertContains(
        response,
        "Dieser Tag kann nicht gebucht werden. Bitte wählen Sie einen Tag im Kalender.",
        status_code=422,
    )
    assertContains(response, "Neuen Tag wählen</h1>", status_code=422)


def test_the_confirmation_page_only_asks(client, booked, mailoutbox):
    before = fresh(booked)

    response = client.get(confirm_of(booked.token, TUESDAY_10))

    assert response.status_code == 200
    private(response)
    assertContains(response, "<title>Termin verschieben")
    assertContains(response, "Termin verschieben?</h1>")
    assertContains(response, "<s>Montag, 7. Dezember 2026, 09:00 Uhr</s>")
    assertContains(response, "<strong>Dienstag, 8. Dezember 2026, 10:00 Uhr</strong>")
    assertContains(response, "Ihre Vorgangsnummer bleibt gleich.")
    assertContains(response, '<form method="post"')
    assertContains(response, "Bisherigen Termin behalten")
    back = f'href="{times_of(booked.token, TUESDAY)}"'
    assertContains(response, back)
    after = fresh(booked)
    assert (after.start, after.sequence, after.staff_id) == (
        before.start,
        before.sequence,
        before.staff_id,
    )
    assert not AppointmentEvent.objects.filter(kind=AppointmentEvent.Kind.RESCHEDULED).exists()
    assert mailoutbox == []


def test_citizen_moves_the_appointment_and_keeps_its_reference(client, booked, mailoutbox):
    before = fresh(booked)

    response = client.post(confirm_of(booked.token, TUESDAY_10))

    assertRedirects(response, f"/termin/verwalten/{booked.token}/", fetch_redirect_response=False)
    after = fresh(booked)
    assert after.start == TUESDAY_10
    assert after.end == TUESDAY_10 + timedelta(minutes=15)
    assert after.reference == before.reference
    assert after.sequence == before.sequence + 1
    assert after.status == Status.BOOKED
    [moved] = AppointmentEvent.objects.filter(kind=AppointmentEvent.Kind.RESCHEDULED)
    assert moved.appointment_id == after.pk
    [mail] = mailoutbox
    assert mail.subject.startswith("Ihr Termin wurde verschoben: ")
    assert mail.to == ["erika@example.org"]

    page = client.get(response.url)

    assertContains(page, "Ihr Termin wurde verschoben. Wir haben Ihnen eine E-Mail geschickt.")
    assertContains(page, "Dienstag, 8. Dezember 2026, 10:00 Uhr")


def test_a_time_taken_before_the_confirmation_leaves_the_appointment_as_it_was(
    client, office, booked, mailoutbox
):
    client.get(confirm_of(booked.token, TUESDAY_10))
    book_directly(office, TUESDAY_10)  # someone else was faster
    mailoutbox.clear()

    response = client.post(confirm_of(booked.token, TUESDAY_10))

    assert response.status_code == 409
    private(response)
    assertContains(response, "<title>Fehler: Zeit nicht mehr frei", status_code=409)
    assertContains(response, "Diese Zeit ist nicht mehr frei</h1>", status_code=409)
    assertContains(
        response,
        "Diese Zeit wurde leider inzwischen von jemand anderem gebucht.",
        status_code=409,
    )
    assertContains(
        response,
        "Ihr Termin bleibt unverändert: Montag, 7. Dezember 2026, 09:00 Uhr.",
        status_code=409,
    )
    assertContains(response, f'href="{calendar_of(booked.token)}"', status_code=409)
    assertContains(response, "Alle freien Tage anzeigen", status_code=409)
    assert fresh(booked).start == MONDAY_9
    assert fresh(booked).sequence == booked.appointment.sequence
    assert mailoutbox == []


@pytest.mark.parametrize(
    "start",
    [
        "2026-12-08T07:00:00+01:00",  # before opening
        "2026-12-08T10:02:00+01:00",  # off the grid
        "2026-12-08T10:00:00",  # no offset
        "zehn Uhr",
        "",
    ],
)
def test_a_time_never_offered_is_refused_and_nothing_moves(client, booked, start):
    for method in (client.get, client.post):
        response = method(confirm_of(booked.token, start))

        assert response.status_code == 409
        assertContains(response, "Diese Zeit ist nicht mehr frei</h1>", status_code=409)
    assert fresh(booked).start == MONDAY_9


def test_a_confirmation_without_a_time_is_refused(client, booked):
    url = reverse("citizen:reschedule_confirm", kwargs={"token": booked.token})

    assert client.post(url).status_code == 409
    assert fresh(booked).start == MONDAY_9


# Appointments that can no longer be moved


def cancelled(office, booked, clock):
    booking.cancel(appointment=booked.appointment, now=timezone.now(), channel=Channel.ONLINE)


def past(office, booked, clock):
    clock.now = berlin(2026, 12, 7, 9, 5)  # it has begun


def hold_run_out(office, booked, clock):
    """An unconfirmed hold whose half hour has passed, not yet swept by expire_holds."""
    Appointment.objects.filter(pk=booked.appointment.pk).update(
        status=Status.RESERVED, hold_expires_at=clock.now - timedelta(minutes=1)
    )


def expired(office, booked, clock):
    hold_run_out(office, booked, clock)
    booking.expire_holds(now=timezone.now())


@pytest.mark.parametrize(
    ("state", "status", "says"),
    [
        (cancelled, 409, "Dieser Termin wurde abgesagt. Die Zeit ist wieder für andere frei."),
        (past, 409, "Der Termin hat bereits begonnen oder liegt in der Vergangenheit."),
        (hold_run_out, 410, "Die Frist zur Bestätigung ist abgelaufen"),
        (expired, 410, "Die Frist zur Bestätigung ist abgelaufen"),
    ],
)
def test_an_appointment_that_cannot_change_gets_the_refusal_on_every_page(
    client, office, booked, clock, mailoutbox, state, status, says
):
    state(office, booked, clock)
    before = fresh(booked)
    mailoutbox.clear()
    pages = [
        client.get(calendar_of(booked.token)),
        client.get(times_of(booked.token, TUESDAY)),
        client.get(confirm_of(booked.token, TUESDAY_10)),
        client.post(confirm_of(booked.token, TUESDAY_10)),
    ]

    for response in pages:
        assert response.status_code == status, response.request["PATH_INFO"]
        private(response)
        assertContains(response, says, status_code=status)
        assertNotContains(response, "Termin verschieben?", status_code=status)
    after = fresh(booked)
    assert (after.start, after.status, after.sequence) == (
        before.start,
        before.status,
        before.sequence,
    )
    assert mailoutbox == []


def test_a_double_click_on_move_moves_once_and_mails_once(client, booked, mailoutbox):
    first = client.post(confirm_of(booked.token, TUESDAY_10))

    again = client.post(confirm_of(booked.token, TUESDAY_10))

    assert first.status_code == again.status_code == 302
    assert fresh(booked).start == TUESDAY_10
    assert fresh(booked).sequence == booked.appointment.sequence + 1, (
        "BUG: moving to the time the appointment already has counts as another move"
    )
    assert len(mailoutbox) == 1, "BUG: a double click mails “Ihr Termin wurde verschoben” twice"


@pytest.mark.parametrize("token", ["wrong-key-that-never-existed", "x" * 101])
def test_an_unknown_key_opens_nothing_and_stays_private(client, token):
    for url in (
        calendar_of(token),
        times_of(token, TUESDAY),
        confirm_of(token, TUESDAY_10),
    ):
        for method in (client.get, client.post):
            response = method(url)
            if method == client.post and "pruefen" not in url:
                assert response.status_code == 405  # only the confirmation takes a POST
                continue

            assert response.status_code == 404, url
            private(response)
            assertContains(response, "Dieser Link funktioniert nicht", status_code=404)


def test_moving_counts_against_the_booking_rate_limit(client, booked):
    for hour in (8, 9, 10, 11, 8, 9, 10, 11, 8, 9):  # ten moves, each to another time
        assert (
            client.post(confirm_of(booked.token, berlin(2026, 12, 9, hour, 0))).status_code == 302
        )

    response = client.post(confirm_of(booked.token, berlin(2026, 12, 10, 9, 0)))

    assert response.status_code == 429
    assert response["Retry-After"] == "600"
    assertContains(response, "Zu viele Versuche", status_code=429)
    assert fresh(booked).start == berlin(2026, 12, 9, 9, 0)


def test_a_held_appointment_moves_and_stays_held_until_confirmed(client, office, mailoutbox):
    held = book_directly(office, MONDAY_9, email="erika@example.org", require_confirmation=True)
    deadline = fresh(held).hold_expires_at
    mailoutbox.clear()

    response = client.post(confirm_of(held.token, TUESDAY_10))

    assert response.status_code == 302
    after = fresh(held)
    assert (after.start, after.status, after.hold_expires_at) == (
        TUESDAY_10,
        Status.RESERVED,
        deadline,
    )
    [mail] = mailoutbox
    assert mail.subject.startswith("Ihr Termin wurde verschoben: ")
    page = client.get(response.url)
    assertContains(page, "Noch nicht bestätigt")
    assertContains(
        page, "Bitte bestätigen Sie Ihren Termin über den Link in der E-Mail bis 15:30 Uhr."
    )
    assert "Bitte bestätigen Sie den Termin bis dahin über den folgenden Link" in mail.body
