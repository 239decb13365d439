"""The wish-list's citizen pages: leave a wish from the wizard's calendar, prove the mailbox by a
POST from the mailed link, see and cancel it, answer an offer.

The clock stands on Friday 4 December 2026, 15:00 in Berlin (tests/citizen/conftest.py). The
wishes ask for Monday 7 December between 09:00 and 09:30, where one Personalausweis (15 minutes)
fits at 09:00 and 09:15; tests that need a full window book both first.
"""

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking, limits
from amtstermin.core.models import Channel, Status, Wish, WishOffer
from amtstermin.core.wishes import rounds
from tests.citizen.conftest import CONTACT, MONDAY_9, book_directly, choose_services
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

QUARTER_PAST = berlin(2026, 12, 7, 9, 15)


def wish_form(office, **changes) -> dict:
    return {
        "locations": [str(office.location.pk)],
        "weekdays": ["0"],  # Monday
        "earliest_time": "09:00",
        "latest_time": "09:30",
        "latest_date": "2026-12-07",
        **CONTACT,
        **changes,
    }


def mailed_key(kind: str) -> str:
    """The key in the last mail's link to /termin/wunsch/<key>/<kind>/."""
    return re.search(rf"/termin/wunsch/([^/\s]+)/{kind}/", mail.outbox[-1].body).group(1)


def leave(client, office, **changes):
    response = client.post(reverse("citizen:wish"), wish_form(office, **changes))
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("citizen:wish_sent")
    return Wish.objects.latest("pk")


def leave_and_verify(client, office, **changes) -> tuple[Wish, str]:
    choose_services(client, office)
    wish = leave(client, office, **changes)
    key = mailed_key("bestaetigen")
    response = client.post(reverse("citizen:wish_verify", args=[key]))
    assert response.status_code == 302
    wish.refresh_from_db()
    return wish, key


def full_window(office):
    """09:00 and 09:15 on Monday booked by others: nothing fits the wish."""
    return [
        book_directly(office, start, email=f"{start:%H%M}@example.org")
        for start in (MONDAY_9, QUARTER_PAST)
    ]


def free_the_nine(booked) -> None:
    """The 09:00 booking is cancelled; the minute job offers it to the queue."""
    with booking.without_mail():
        booking.cancel(appointment=booked.appointment, now=timezone.now(), channel=Channel.PHONE)
    rounds.tend(now=timezone.now())


def test_the_calendar_links_to_the_wish_list(client, office):
    choose_services(client, office)
    response = client.get(reverse("citizen:day"))
    assertContains(response, reverse("citizen:wish"))
    assertContains(response, "Keine passende Zeit? Auf die Wunschliste")
    times = client.get(f"{reverse('citizen:time')}?tag=2026-12-07")
    assertContains(times, "Keine passende Zeit? Auf die Wunschliste")


def test_a_wish_carries_the_drafts_services_and_quantities(client, office):
    choose_services(client, office, services=[(office.id_card, 2), (office.registration, 1)])
    page = client.get(reverse("citizen:wish"))
    assertContains(page, "2 × Personalausweis")
    assertContains(page, "1 × Anmeldung")
    assertContains(page, 'value="2027-01-15"')  # the latest day defaults to the calendar's end
    wish = leave(client, office, latest_time="", earliest_time="")
    assert {(row.service, row.quantity) for row in wish.items.all()} == {
        (office.id_card, 2),
        (office.registration, 1),
    }
    assert wish.status == Wish.Status.UNVERIFIED and wish.weekdays == 0b1
    assert list(wish.locations.all()) == [office.location]
    sent = client.get(reverse("citizen:wish_sent"))
    assertContains(sent, "erika@example.org")
    assert "/termin/wunsch/" in mail.outbox[-1].body


def test_a_wish_from_a_services_page_takes_that_one_service(client, office):
    url = f"{reverse('citizen:wish')}?dienst={office.registration.pk}"
    assertContains(client.get(url), "1 × Anmeldung")
    response = client.post(url, wish_form(office, urgent_reason="Reise am 12.12."))
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert [row.service for row in wish.items.all()] == [office.registration]
    assert wish.urgent and wish.urgent_reason == "Reise am 12.12."


def test_without_services_the_wish_page_sends_to_the_first_step(client, office):
    assert client.get(reverse("citizen:wish")).url == reverse("citizen:services")
    assert client.get(f"{reverse('citizen:wish')}?dienst=99999999999999999999").status_code == 302


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"weekdays": []}, "Bitte wählen Sie mindestens einen Wochentag."),
        ({"locations": []}, "Wählen Sie mindestens einen Standort."),
        ({"locations": ["999999"]}, "Wählen Sie einen der angezeigten Standorte aus."),
        ({"earliest_time": "9 Uhr"}, "Geben Sie eine Uhrzeit wie 09:30 ein."),
        ({"latest_time": "24:00"}, "Geben Sie eine Uhrzeit wie 09:30 ein."),
        ({"latest_date": "2026-13-01"}, "Geben Sie ein Datum wie 2027-01-15 ein."),
        ({"consent": ""}, "Datenschutzhinweisen zu"),
        # The core's rules: a past latest day, a time range that ends before it starts.
        ({"latest_date": "2026-12-03"}, "Bitte wählen Sie einen spätesten Tag"),
        (
            {"earliest_time": "10:00", "latest_time": "09:00"},
            "Bitte wählen Sie einen spätesten Tag",
        ),
    ],
)
def test_a_wish_that_cannot_be_taken_is_refused_with_the_reason(client, office, changes, message):
    choose_services(client, office)
    response = client.post(reverse("citizen:wish"), wish_form(office, **changes))
    assert response.status_code == 422
    assertContains(response, message, status_code=422)
    assert not Wish.objects.exists()


def test_one_open_wish_per_mailbox_and_services(client, office):
    full_window(office)
    wish, _key = leave_and_verify(client, office)
    assert wish.status == Wish.Status.WAITING
    response = client.post(reverse("citizen:wish"), wish_form(office, email="Erika@Example.org"))
    assertContains(response, "bereits auf der Wunschliste", status_code=422)


def test_a_failed_bot_check_is_refused(client, office):
    choose_services(client, office)
    response = client.post(reverse("citizen:wish"), wish_form(office, altcha="bm90aGluZw=="))
    assert response.status_code == 422
    assert not Wish.objects.exists()


def test_only_a_post_with_the_mailed_key_verifies(client, office):
    full_window(office)
    choose_services(client, office)
    wish = leave(client, office)
    browser_key = client.session["wish_left"]["token"]
    key = mailed_key("bestaetigen")
    # The browser's key opens the wish page but proves no mailbox.
    assert client.get(reverse("citizen:wish_verify", args=[browser_key])).status_code == 404
    assert client.post(reverse("citizen:wish_verify", args=[browser_key])).status_code == 404
    assertContains(client.get(reverse("citizen:wish_status", args=[browser_key])), wish.reference)
    page = client.get(reverse("citizen:wish_verify", args=[key]))  # a mail scanner's GET
    assertContains(page, "Wunsch bestätigen")
    assert page["X-Robots-Tag"] == "noindex, nofollow"
    wish.refresh_from_db()
    assert wish.status == Wish.Status.UNVERIFIED
    response = client.post(reverse("citizen:wish_verify", args=[key]))
    assert response.url == reverse("citizen:wish_status", args=[key])
    wish.refresh_from_db()
    assert wish.status == Wish.Status.WAITING and wish.verified_at == timezone.now()
    assertContains(client.get(response.url), "Ihr Wunsch steht auf der Wunschliste.")
    assert client.get(reverse("citizen:wish_status", args=["nichts"])).status_code == 404


def test_the_wish_page_shows_the_wish_and_cancels_it(client, office):
    full_window(office)
    wish, key = leave_and_verify(client, office)
    page = client.get(reverse("citizen:wish_status", args=[key]))
    for text in (wish.reference, "1 × Personalausweis", "Bürgerbüro Mitte", "Montag", "09:00"):
        assertContains(page, text)
    assert client.get(reverse("citizen:wish_cancel", args=[key])).status_code == 405
    response = client.post(reverse("citizen:wish_cancel", args=[key]))
    assert response.url == reverse("citizen:wish_status", args=[key])
    wish.refresh_from_db()
    assert wish.status == Wish.Status.CANCELLED
    page = client.get(response.url)
    assertContains(page, "Ihr Wunsch ist zurückgenommen.")
    assertNotContains(page, "Wunsch von der Wunschliste nehmen")


def test_accepting_an_offer_opens_the_booked_appointment(client, office):
    booked, _other = full_window(office)
    wish, key = leave_and_verify(client, office)
    offer_page = client.get(reverse("citizen:wish_offer", args=[key]))
    assertContains(offer_page, "Zurzeit ist kein Angebot offen")
    free_the_nine(booked)
    offer = WishOffer.objects.get(wish=wish)
    key = mailed_key("angebot")
    page = client.get(reverse("citizen:wish_offer", args=[key]))
    for text in (
        "Montag, 7. Dezember 2026",
        "09:00",
        "Bürgerbüro Mitte",
        "bisheriger Personalausweis",
    ):
        assertContains(page, text)
    response = client.post(reverse("citizen:wish_offer", args=[key]), {"angebot": offer.pk})
    assert response.status_code == 302 and response.url.endswith("?neu=1")
    appointment = client.get(response.url)
    offer.refresh_from_db()
    assert offer.appointment.status == Status.BOOKED
    assertContains(appointment, offer.appointment.reference)
    assertContains(appointment, offer.appointment.waiting_number)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED
    # Its mail's button pressed again: the offer is taken, and the page says so.
    again = client.post(
        reverse("citizen:wish_offer", args=[key]), {"angebot": offer.pk, "ablehnen": "1"}
    )
    assertContains(again, "nicht mehr offen", status_code=410)
    assertContains(again, reverse("citizen:wish_status", args=[key]), status_code=410)


def test_declining_passes_the_time_to_the_next_wish(client, office, django_user_model):
    booked, _other = full_window(office)
    first, key = leave_and_verify(client, office)
    second_client = type(client)()
    second, _second_key = leave_and_verify(second_client, office, email="zweite@example.org")
    free_the_nine(booked)
    offer = WishOffer.objects.get(state=WishOffer.State.OPEN)
    assert offer.wish == first
    response = client.post(
        reverse("citizen:wish_offer", args=[key]), {"angebot": offer.pk, "ablehnen": "1"}
    )
    assert response.url == reverse("citizen:wish_status", args=[key])
    assertContains(client.get(response.url), "Sie haben die Zeit abgelehnt.")
    passed = WishOffer.objects.get(state=WishOffer.State.OPEN)
    assert passed.wish == second and passed.appointment.start == MONDAY_9
    first.refresh_from_db()
    assert first.status == Wish.Status.WAITING


def test_an_offer_not_of_this_wish_or_not_a_number_is_gone(client, office):
    full_window(office)
    _wish, key = leave_and_verify(client, office)
    for posted in ({}, {"angebot": "x"}, {"angebot": "99999999999999999999999"}):
        response = client.post(reverse("citizen:wish_offer", args=[key]), posted)
        assert response.status_code == 410


@pytest.mark.parametrize(
    "field", ["locations", "weekdays", "earliest_time", "latest_time", "latest_date"]
)
@pytest.mark.parametrize(
    "value", ["²", "7", "-1", "1e400", "9" * 30, "0001-01-01", "99:99", "09:30:00", "x" * 5000]
)
def test_hostile_values_are_refused_with_422(client, office, field, value):
    choose_services(client, office)
    response = client.post(reverse("citizen:wish"), wish_form(office, **{field: value}))
    assert response.status_code == 422
    assert not Wish.objects.exists()


def test_a_full_calendar_offers_the_wish_list_prominently(client, office):
    office.clerk.roster.all().delete()
    choose_services(client, office)
    response = client.get(reverse("citizen:day"))
    assertContains(response, "Derzeit keine freien Zeiten")
    assertContains(response, f'class="kern-btn kern-btn--primary" href="{reverse("citizen:wish")}"')
    assertNotContains(response, "Keine passende Zeit? Auf die Wunschliste")


def test_moving_an_appointment_offers_no_wish_list(client, office):
    booked = book_directly(office, MONDAY_9)
    response = client.get(reverse("citizen:reschedule", args=[booked.token]))
    assert response.status_code == 200
    assertNotContains(response, reverse("citizen:wish"))


def test_the_sent_page_links_to_the_wish_with_the_browsers_key(client, office):
    choose_services(client, office)
    wish = leave(client, office)
    page = client.get(reverse("citizen:wish_sent"))
    key = client.session["wish_left"]["token"]
    assertContains(page, reverse("citizen:wish_status", args=[key]))
    assertContains(client.get(reverse("citizen:wish_status", args=[key])), "zählt noch nicht")
    assert wish.status == Wish.Status.UNVERIFIED


def test_a_second_wish_of_the_mailbox_is_refused_when_confirmed(client, office):
    """Two unconfirmed wishes for the same services: the second confirmation is refused."""
    full_window(office)
    choose_services(client, office)
    leave(client, office)
    first = mailed_key("bestaetigen")
    leave(client, office, latest_date="2026-12-14")
    second = mailed_key("bestaetigen")
    assert client.post(reverse("citizen:wish_verify", args=[first])).status_code == 302
    response = client.post(reverse("citizen:wish_verify", args=[second]))
    assertContains(response, "bereits auf der Wunschliste", status_code=409)


def test_past_the_booking_limit_a_wish_gets_the_too_many_attempts_page(client, office, monkeypatch):
    monkeypatch.setattr(limits, "BOOKING", limits.Rate("booking", posts=0, window_seconds=600))
    choose_services(client, office)
    response = client.post(reverse("citizen:wish"), wish_form(office))
    assertContains(response, "Zu viele Versuche", status_code=429)
    assert not Wish.objects.exists()
