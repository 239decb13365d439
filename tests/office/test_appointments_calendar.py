"""Phone and desk booking and the office's move page show the wizard's month calendar with the
first free day, instead of leaving the clerk to guess dates."""

import re

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from tests.office.logins import log_in_verified, user_for


@pytest.fixture(autouse=True)
def _monday_morning(clock):
    """The clock stands at Monday 7 December 2026, 07:00 (tests/office/conftest.py)."""


@pytest.fixture
def signed_in(client, colleague):
    log_in_verified(client, user_for(colleague))
    return client


def desk(client, office, day: str):
    url = reverse("office:desk_book", kwargs={"location_id": office.location.pk})
    return client.get(url, {f"service-{office.id_card.pk}": "1", "tag": day})


def day_links(response) -> list[str]:
    return re.findall(
        r'class="amt-day amt-day--free[^"]*" href="[^"]*tag=([\d-]+)"', response.content.decode()
    )


def test_desk_booking_on_a_saturday_points_to_the_first_free_day(signed_in, office):
    response = desk(signed_in, office, "2026-12-12")

    assertContains(response, "An diesem Tag ist keine Zeit frei.")
    assertContains(response, "Erster freier Tag: Montag, 7. Dezember 2026")
    assertContains(response, f"service-{office.id_card.pk}=1&amp;tag=2026-12-07")
    assertContains(response, "Dezember 2026")
    # Monday to Friday within the month, weekends without a roster greyed out.
    assert day_links(response)[:6] == [
        "2026-12-07",
        "2026-12-08",
        "2026-12-09",
        "2026-12-10",
        "2026-12-11",
        "2026-12-14",
    ]


def test_the_next_month_opens_on_its_first_free_day(signed_in, office):
    response = desk(signed_in, office, "2026-12-14")

    link = re.search(r'href="([^"]+)">Nächster Monat \(Januar\)', response.content.decode())
    assert link and "tag=2027-01-0" in link.group(1)
    january = signed_in.get(link.group(1).replace("&amp;", "&"))
    assertContains(january, "Januar 2027")
    assertContains(january, "Vorheriger Monat (Dezember)")


def test_the_first_free_day_is_not_offered_when_it_is_shown(signed_in, office):
    response = desk(signed_in, office, "2026-12-07")
    assertNotContains(response, "Erster freier Tag")
    assertContains(response, 'aria-current="date"')


def test_move_page_browses_months(signed_in, citizen):
    url = reverse("office:appointment_move", kwargs={"reference": citizen.reference})

    response = signed_in.get(url, {"monat": "2027-01"})

    assertContains(response, "Januar 2027")
    assertContains(response, f'href="{url}?monat=2026-12"')
    assertNotContains(response, "Nächster Monat")  # the horizon ends in January
    assertContains(response, "noch nicht buchbar")  # days past it say why
