"""The wish-list in the office: a clerk takes a wish by phone, sees it offered in the list and
books it for the caller; a team lead places an urgent wish directly.

The `office` fixture opens Monday to Friday 08–12; the clock stands on Friday 4 December 2026,
15:00 in Berlin.
"""

from datetime import date, time

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, StaffMember, Status, Wish, WishOffer
from amtstermin.core.wishes import desk, store
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NOW = berlin(2026, 12, 4, 15, 0)


@pytest.fixture
def clerk(client, office) -> StaffMember:
    staff = factories.sabine(office)
    log_in_verified(client, user_for(staff))
    return staff


@pytest.fixture
def lead(client, office) -> StaffMember:
    staff = factories.sabine(office, StaffMember.Role.TEAM_LEAD)
    log_in_verified(client, user_for(staff))
    return staff


def phone_wish(office, staff, phone="0171 222333", *, urgent_reason="", **wanted) -> Wish:
    return store.leave_for_caller(
        items=[Item(office.id_card)],
        wanted=store.Wanted(
            **{"locations": [office.location], "latest_date": date(2026, 12, 7), **wanted}
        ),
        wisher=store.Wisher(f"Anrufer {phone[-3:]}", "", phone),
        staff=staff,
        now=NOW,
        urgent_reason=urgent_reason,
    )


def test_a_clerk_takes_a_wish_by_phone_and_books_the_offer_for_the_caller(client, office, clerk):
    url = reverse("office:wish_leave", kwargs={"location_id": office.location.pk})
    page = client.get(url)
    assertContains(page, "Wunsch telefonisch aufnehmen")
    form = {
        f"service-{office.id_card.pk}": "1",
        "weekdays": ["0"],
        "earliest_time": "09:00",
        "latest_time": "09:30",
        "latest_date": "2026-12-07",
        "name": "Karl Anrufer",
        "phone": "02381 123456",
        "email": "",
        "language": "de",
        "urgent_reason": "",
    }
    saved = client.post(url, form, follow=True)
    wish = Wish.objects.get()
    assert wish.left_by == clerk and wish.status == Wish.Status.OFFERED
    assertContains(saved, wish.reference)
    assertContains(saved, "Platz 1 in der Warteschlange")
    assertContains(saved, "Angeboten: Montag, 7.12.2026 09:00")
    assertContains(saved, "Keine E-Mail")
    booked = client.post(
        reverse("office:wish_answer", kwargs={"reference": wish.reference}),
        {"action": "accept"},
        follow=True,
    )
    appointment = Appointment.objects.get(status=Status.BOOKED)
    assertContains(booked, appointment.reference)
    assertContains(booked, appointment.waiting_number)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED


def test_a_wish_without_phone_or_email_is_refused_with_a_message(client, office, clerk):
    url = reverse("office:wish_leave", kwargs={"location_id": office.location.pk})
    answer = client.post(
        url,
        {
            f"service-{office.id_card.pk}": "1",
            "weekdays": ["0", "1"],
            "latest_date": "2026-12-07",
            "name": "Karl Anrufer",
            "language": "de",
        },
    )
    assert answer.status_code == 422
    assertContains(answer, "Fehler:", status_code=422)
    assertContains(
        answer, "Geben Sie eine Telefonnummer oder eine E-Mail-Adresse an.", status_code=422
    )
    assert not Wish.objects.exists()


def test_declining_for_the_caller_keeps_the_place(client, office, clerk):
    wish = phone_wish(office, clerk)
    first = wish.offers.get()
    answer = client.post(
        reverse("office:wish_answer", kwargs={"reference": wish.reference}),
        {"action": "decline"},
        follow=True,
    )
    assertContains(answer, "behält seinen Platz")
    first.refresh_from_db()
    assert first.state == WishOffer.State.DECLINED


def test_urgent_wishes_are_marked_and_filtered(client, office, clerk):
    urgent = phone_wish(office, clerk, "0171 111", urgent_reason="Reise am 10.12.")
    plain = phone_wish(office, clerk, "0171 222")
    everything = client.get(reverse("office:wishes"))
    assertContains(everything, urgent.reference)
    assertContains(everything, plain.reference)
    assertContains(everything, "Dringend")
    assertContains(everything, "Reise am 10.12.")
    only_urgent = client.get(reverse("office:wishes"), {"urgent": "on"})
    assertContains(only_urgent, urgent.reference)
    assertNotContains(only_urgent, plain.reference)
    # A clerk triages, a team lead places.
    assertNotContains(everything, "direkt einbuchen")
    place = reverse("office:wish_place", kwargs={"reference": urgent.reference})
    assert client.get(place).status_code == 403


def test_a_team_lead_places_an_urgent_wish_at_a_free_time(client, office, lead):
    wish = phone_wish(office, lead, urgent_reason="Reise am 10.12.", weekdays=0b1000000)
    assert wish.status == Wish.Status.WAITING  # Sundays: closed
    listed = client.get(reverse("office:wishes"))
    place = reverse("office:wish_place", kwargs={"reference": wish.reference})
    assertContains(listed, place)
    page = client.get(place)
    assertContains(page, "Mo, 7. Dezember, 08:00")
    value = f"{office.location.pk}|{berlin(2026, 12, 7, 8, 0).isoformat()}"
    assertContains(page, value)
    booked = client.post(place, {"start": value}, follow=True)
    appointment = Appointment.objects.get(status=Status.BOOKED)
    assertContains(booked, appointment.reference)
    assert appointment.channel == "phone" and appointment.name == wish.name
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED and wish.placed_by == lead
    assert client.get(place).status_code == 404  # placed: nothing left to place


def test_placing_a_taken_time_says_so_and_lists_the_free_ones(client, office, lead):
    wish = phone_wish(office, lead, urgent_reason="Reise", weekdays=0b1000000)
    other = phone_wish(office, lead, "0171 999", earliest_time=time(8, 0))  # takes 08:00
    assert other.offers.get().appointment.start == berlin(2026, 12, 7, 8, 0)
    place = reverse("office:wish_place", kwargs={"reference": wish.reference})
    value = f"{office.location.pk}|{berlin(2026, 12, 7, 8, 0).isoformat()}"
    answer = client.post(place, {"start": value})
    assert answer.status_code == 409
    assertContains(answer, "Fehler:", status_code=409)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.WAITING


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_costs_the_same_queries_for_one_wish_or_three(
    client, office, clerk, count, django_assert_num_queries
):
    for number in range(count):
        phone_wish(office, clerk, f"0171 {number}00", urgent_reason="Reise" if number else "")
    with django_assert_num_queries(14):
        answer = client.get(reverse("office:wishes"))
    assert answer.content.decode().count('class="amt-wish') >= count


def test_the_statistics_page_shows_the_wish_list_per_service(client, office, lead):
    served = phone_wish(office, lead, "0171 111")
    desk.accept_for_caller(offer=served.offers.get(), staff=lead, now=NOW)
    phone_wish(office, lead, "0171 222")
    url = reverse("office:statistics_location", kwargs={"location_id": office.location.pk})
    page = client.get(url, {"period": "week", "day": "2026-12-04"})
    assertContains(page, "Wunschliste")
    assertContains(page, "Median bis Zusage")
    # Personalausweis: 2 wishes, 50 % booked, accepted at once (0,0 h), nothing declined.
    assertContains(page, '<td class="kern-table__cell kern-table__cell--numeric">50 %</td>')
    assertContains(page, "0,0 Std.")
    empty = client.get(url, {"period": "week", "day": "2026-11-20"})
    assertContains(empty, "Keine Wünsche in diesem Zeitraum.")
