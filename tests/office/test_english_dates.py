"""Office dates in English read in English order; times end without a full stop of their own."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

NOW = berlin(2026, 12, 7, 7, 0)  # a Monday


@pytest.mark.parametrize(
    ("language", "day"),
    [("de", "Montag, 7. Dezember 2026"), ("en", "Monday, 7 December 2026")],
)
def test_clerk_reads_the_day_lists_date_in_their_language(client, office, colleague, language, day):
    log_in_verified(client, user_for(colleague))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    url = reverse("office:day_plan", kwargs={"location_id": office.location.pk})

    response = client.get(url + "?tag=2026-12-07&druck=1")

    assert f"<title>{'Tagesliste' if language == 'de' else 'Day list'}" in response.content.decode()
    assert day in response.content.decode()
