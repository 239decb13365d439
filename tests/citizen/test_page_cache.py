"""The calendar and time pages come from the cache, and the cache never serves them stale."""

import re
from datetime import timedelta

import pytest
from django.middleware import csrf
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains

from amtstermin.citizen.wizard import page_cache
from amtstermin.core import rosters
from amtstermin.core.models import Absence
from tests.citizen.conftest import (
    MONDAY,
    MONDAY_9,
    TUESDAY,
    book_directly,
    choose_services,
    offered,
    time_step,
)
from tests.fixtures.transactions import as_committed

pytestmark = pytest.mark.django_db

DAY = reverse("citizen:day")
TUESDAY_LABEL = "Dienstag, 8. Dezember, {} freie Zeiten"


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_second_visitor_gets_the_stored_page_with_a_token_of_their_own(
    client, office, clock, django_assert_max_num_queries
):
    other = Client()
    choose_services(client, office)
    choose_services(other, office)
    first = client.get(time_step(TUESDAY))

    with django_assert_max_num_queries(1):  # the session: not even the location
        second = other.get(time_step(TUESDAY))

    assert offered(second) == offered(first) != []
    assert csrf_token_of(first) != csrf_token_of(second)
    # The token in the stored page is the visitor's own: their choice of a time is accepted.
    other.handler.enforce_csrf_checks = True
    chosen = other.post(
        time_step(TUESDAY),
        {"start": offered(second)[0], "csrfmiddlewaretoken": csrf_token_of(second)},
    )
    assert chosen.status_code == 302


def test_a_booking_meanwhile_shows_at_once(client, office, clock):
    choose_services(client, office)
    before = client.get(time_step(TUESDAY))
    assertContains(before, 'value="2026-12-08T09:00:00+01:00"')

    book_directly(office, MONDAY_9.replace(day=8))

    # 08:50 to 09:10 now overlap the booked 09:00.
    assertContains(client.get(DAY), TUESDAY_LABEL.format(41))
    after = client.get(time_step(TUESDAY))
    assert 'value="2026-12-08T09:00:00+01:00"' not in after.content.decode()


def test_a_longer_service_shows_at_once(client, office, clock):
    choose_services(client, office)
    client.get(DAY)

    office.id_card.duration_minutes = 60
    with as_committed():  # the pages' counter moves once the change is committed
        office.id_card.save()

    assertContains(client.get(DAY), TUESDAY_LABEL.format(37))


def test_an_absence_entered_meanwhile_shows_at_once(client, office, clock):
    choose_services(client, office)
    assertContains(client.get(time_step(TUESDAY)), 'value="2026-12-08T09:00:00+01:00"')

    with as_committed():
        rosters.add_absence(
            staff=office.clerk,
            start=MONDAY_9.replace(day=8),
            end=MONDAY_9.replace(day=8, hour=10),
            reason=Absence.Reason.values[0],
            now=clock.now,
        )

    assert "2026-12-08T09:00:00+01:00" not in offered(client.get(time_step(TUESDAY)))


def test_a_page_made_at_a_minute_s_first_instant_is_not_served_after_it(client, office, clock):
    # Made at 08:30:00 sharp, with the notice ending exactly at a start, the page offers that
    # start; a second later the start is too soon. The key rounds the minute up, so that
    # second is another minute's page.
    start = MONDAY_9.replace(hour=8, minute=30)
    clock.now = start - timedelta(minutes=office.location.min_notice_minutes)
    choose_services(client, office)
    assert start.isoformat() in offered(client.get(time_step(MONDAY)))

    clock.now += timedelta(seconds=1)

    assert start.isoformat() not in offered(client.get(time_step(MONDAY)))


def test_a_visitor_holding_the_csrf_cookie_is_not_sent_it_again_with_each_stored_page(
    client, office, clock
):
    choose_services(client, office)
    first = client.get(time_step(TUESDAY))  # sets the cookie unless choosing already did
    assert "csrftoken" in client.cookies

    second = client.get(time_step(TUESDAY))

    assert "csrftoken" not in second.cookies
    assert csrf_token_of(second) != csrf_token_of(first)  # masked afresh for each page
    client.handler.enforce_csrf_checks = True
    chosen = client.post(
        time_step(TUESDAY),
        {"start": offered(second)[0], "csrfmiddlewaretoken": csrf_token_of(second)},
    )
    assert chosen.status_code == 302


def test_a_token_masked_here_is_django_s_own_for_the_secret_with_a_mask_drawn_afresh():
    secret = csrf._get_new_csrf_string()
    tokens = [page_cache.masked(secret) for _ in range(2_000)]

    assert {csrf._unmask_cipher_token(token) for token in tokens} == {secret}
    assert all(len(token) == csrf.CSRF_TOKEN_LENGTH for token in tokens)
    assert len(set(tokens)) == len(tokens)
    # Every character turns up in every place of the mask (each misses 2,000 draws by a
    # chance of e^-32): no place is fixed or narrowed by how the draw is written out.
    masks = [token[: csrf.CSRF_SECRET_LENGTH] for token in tokens]
    for place in range(csrf.CSRF_SECRET_LENGTH):
        assert {mask[place] for mask in masks} == set(csrf.CSRF_ALLOWED_CHARS)
