"""The overview leads each staff member to the pages of their locations, by role."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import StaffMember
from tests.office.logins import log_in_verified, user_for

pytestmark = pytest.mark.django_db


def test_a_clerk_finds_counter_day_plan_and_phone_booking_of_their_location(
    client, office, colleague, stranger
):
    log_in_verified(client, user_for(colleague))

    response = client.get(reverse("office:overview"))

    where = office.location.pk
    for name in ("counter", "day_plan", "desk_book"):
        assertContains(response, f'href="{reverse(f"office:{name}", args=[where])}"')
    assertContains(response, "Schalter: aufrufen, einchecken, ohne Termin")
    assertNotContains(response, reverse("office:roster_week", args=[where]))
    assertNotContains(response, reverse("office:statistics_location", args=[where]))
    # The Standesamt's location is not theirs: no link leads there.
    assertNotContains(response, "Standesamt Nord")


def test_a_team_lead_also_finds_rosters_and_statistics(client, office, colleague):
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.save(update_fields=["role"])
    log_in_verified(client, user_for(colleague))

    response = client.get(reverse("office:overview"))

    assertContains(response, reverse("office:roster_week", args=[office.location.pk]))
    assertContains(response, reverse("office:statistics_location", args=[office.location.pk]))
