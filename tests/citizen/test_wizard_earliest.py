"""The location step shows each location's earliest free time and the earliest of all.

The clock stands on Friday 4 December 2026, 15:00 (conftest): the first free times are on
Monday 7 December.
"""

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Channel
from tests.conftest import berlin
from tests.fixtures.transactions import as_committed

from .conftest import MONDAY, book_directly, draft_of, quantities, time_step

pytestmark = pytest.mark.django_db

LOCATION = reverse("citizen:location")


def soonest_box(response) -> str:
    page = response.content.decode()
    return page.split('<section class="amt-soonest"', 1)[1].split("</section>", 1)[0]


def test_each_location_shows_its_earliest_time_and_the_earliest_of_all_stands_out(
    client, office, north
):
    for minute in (0, 15, 30):  # Mitte's clerk is busy until 08:45 on Monday
        book_directly(office, berlin(2026, 12, 7, 8, minute), email=f"p{minute}@example.org")
    client.post(reverse("citizen:services"), quantities((office.id_card, 1)))

    page = client.get(LOCATION)

    assertContains(page, "Frühester freier Termin: Montag, 7. Dezember 2026, 08:45 Uhr")
    assertContains(page, "Frühester freier Termin: Montag, 7. Dezember 2026, 08:00 Uhr", count=1)
    assertContains(page, "(der früheste an allen Standorten)", count=1)
    box = soonest_box(page)
    assert "Frühester Termin an allen Standorten</h2>" in box
    assert "Montag, 7. Dezember 2026, 08:00 Uhr" in box
    assert "Bürgerbüro Nord, Nordring 5, 12345 Musterstadt" in box
    # A plain form: no JavaScript needed to go there.
    assert f'<input type="hidden" name="location" value="{north.pk}">' in box
    assert '<input type="hidden" name="tag" value="2026-12-07">' in box
    assertContains(page, "<h1", count=1)
    assertContains(page, 'aria-describedby="id_location_0-earliest"')

    chosen = client.post(LOCATION, {"location": north.pk, "tag": "2026-12-07"})

    assertRedirects(chosen, time_step(MONDAY), fetch_redirect_response=False)
    assert draft_of(client)["location"] == north.pk
    times = client.get(time_step(MONDAY))
    assertContains(times, "· Bürgerbüro Nord")
    assertContains(times, 'value="2026-12-07T08:00:00+01:00"')


def test_a_location_with_nothing_free_says_so_and_the_other_is_the_earliest(client, office, north):
    north.roster.all().delete()
    client.post(reverse("citizen:services"), quantities((office.id_card, 1)))

    page = client.get(LOCATION)

    assertContains(page, "Kein freier Termin in den nächsten 6 Wochen", count=1)
    assert "Bürgerbüro Mitte, Markt 1" in soonest_box(page)
    assertContains(page, "(der früheste an allen Standorten)", count=1)


def test_without_any_free_time_there_is_no_earliest_box_and_the_choice_stays(client, office, north):
    office.clerk.roster.all().delete()
    north.roster.all().delete()
    north.horizon_days = 30
    north.save()
    client.post(reverse("citizen:services"), quantities((office.id_card, 1)))

    page = client.get(LOCATION)

    assertNotContains(page, "amt-soonest")
    assertContains(page, "Kein freier Termin in den nächsten 6 Wochen", count=1)
    assertContains(page, "Kein freier Termin bis 3. Januar 2027", count=1)
    assertContains(page, 'type="radio" name="location"', count=2)


def test_the_earliest_times_follow_bookings_made_meanwhile(client, office, north):
    client.post(reverse("citizen:services"), quantities((office.id_card, 1)))
    assertContains(client.get(LOCATION), "7. Dezember 2026, 08:00 Uhr", count=3)  # now cached

    book_directly(office, berlin(2026, 12, 7, 8, 0))
    with as_committed():
        booking.book(
            location=north,
            items=[Item(office.id_card)],
            start=berlin(2026, 12, 7, 8, 0),
            contact=booking.Contact(name="Max Muster", email="max@example.org"),
            channel=Channel.PHONE,
            now=timezone.now(),
        )

    page = client.get(LOCATION)
    assertContains(page, "Frühester freier Termin: Montag, 7. Dezember 2026, 08:15 Uhr", count=2)
