"""Every citizen page in every language: it opens, says which language and direction it is in,
and writes dates in that language (a format missing for one language was a 500)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from pytest_django.asserts import assertContains

from tests.citizen.conftest import MONDAY, MONDAY_9, book_directly, time_step, walk_to_review

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _name in settings.LANGUAGES]
RIGHT_TO_LEFT = {"ar", "fa"}


def speaking(client, code):
    client.get(reverse("language", args=[code]))
    return client


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_step_of_a_booking_opens_in_every_language(client, office, clock, code):
    speaking(client, code)
    walk_to_review(client, office)
    direction = "rtl" if code in RIGHT_TO_LEFT else "ltr"
    with translation.override(code):
        monday = formats.date_format(MONDAY, "l")

    for url in (
        reverse("citizen:start"),
        reverse("citizen:services"),
        reverse("citizen:day"),
        time_step(MONDAY),
        reverse("citizen:contact"),
        reverse("citizen:review"),
        reverse("citizen:portal"),
        reverse("citizen:recover"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assertContains(response, f'<html lang="{code}" dir="{direction}">', html=False)
    assertContains(client.get(time_step(MONDAY)), monday)


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_appointment_page_opens_in_every_language(client, office, clock, code):
    booked = book_directly(office, MONDAY_9)

    response = speaking(client, code).get(reverse("citizen:appointment", args=[booked.token]))

    assert response.status_code == 200
    assertContains(response, booked.appointment.waiting_number)
