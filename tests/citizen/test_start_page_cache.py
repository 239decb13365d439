"""The start page comes from the cache, and the cache never shows it stale.

It is stored whole (citizen/views.py, wizard/page_cache.py); the one per-visitor part, a CSRF
token, is put in on the way out.
"""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core.models import ContentPage, Notice
from tests import factories

pytestmark = pytest.mark.django_db

START = reverse("citizen:start")
# The start page has no form of its own; one added to it (as below) must get each visitor's own
# token out of the stored page. The template extends the real one (Django skips the origin it
# came from), so everything else on the page is as served.
WITH_A_FORM = (
    '{% extends "citizen/start.html" %}{% block content %}{{ block.super }}'
    '<form method="post" action="/">{% csrf_token %}<button>Send</button></form>{% endblock %}'
)


@pytest.fixture
def start_page_with_a_form(settings):
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [
        {
            **engine,
            "APP_DIRS": False,
            "OPTIONS": {
                **engine["OPTIONS"],
                "loaders": [
                    ("django.template.loaders.locmem.Loader", {"citizen/start.html": WITH_A_FORM}),
                    "django.template.loaders.filesystem.Loader",
                    "django.template.loaders.app_directories.Loader",
                ],
            },
        }
    ]


@pytest.fixture
def town(db):
    where = factories.location(name="Bürgerbüro Mitte")
    return where, factories.service(locations=[where])


def csrf_token_of(response) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.content.decode())[1]


def test_a_second_visitor_gets_the_stored_start_page_with_a_token_of_their_own(
    client, town, start_page_with_a_form, django_assert_max_num_queries
):
    other = Client(enforce_csrf_checks=True)
    first = client.get(START)

    with django_assert_max_num_queries(1):  # which locations, at which versions: no rendering
        second = other.get(START)

    assertContains(second, "Bürgerbüro Mitte</h1>")
    assert csrf_token_of(first) != csrf_token_of(second)
    assert second.content.decode().replace(csrf_token_of(second), "") == (
        first.content.decode().replace(csrf_token_of(first), "")
    )
    # The token is the visitor's own: their form is accepted, another visitor's token is not.
    assert other.post(START, {"csrfmiddlewaretoken": csrf_token_of(second)}).status_code == 200
    assert other.post(START, {"csrfmiddlewaretoken": csrf_token_of(first)}).status_code == 403


def test_a_start_page_without_a_form_sets_no_cookie(client, town):
    client.get(START)  # stores it

    response = Client().get(START)

    assert response.cookies == {}
    assertNotContains(response, "csrf-token-placeholder")


def test_the_stored_start_page_is_one_per_language(client, town):
    english = Client(headers={"accept-language": "en"})

    german = client.get(START)
    assertContains(english.get(START), '<html lang="en" dir="ltr">', html=False)
    assertContains(english.get(START), "Online appointment booking")
    again = client.get(START)

    assertContains(german, '<html lang="de" dir="ltr">', html=False)
    assertContains(again, '<html lang="de" dir="ltr">', html=False)
    assertContains(again, "Online-Terminvergabe")
    assertNotContains(again, "Online appointment booking")


def test_a_catalogue_change_shows_on_the_stored_start_page_at_once(client, town):
    where, service = town
    elsewhere = factories.location(name="Bürgerbüro Nord")
    assertNotContains(client.get(START), "Bürgerbüro Nord")

    service.locations.add(elsewhere)
    assertContains(client.get(START), "Bürgerbüro Nord")

    where.name = "Rathaus"
    where.save()
    assertContains(client.get(START), "Rathaus")

    service.locations.remove(where)
    assertNotContains(client.get(START), "Rathaus")

    service.active = False
    service.save()
    assertNotContains(client.get(START), "Bürgerbüro Nord")


def test_a_deleted_service_takes_its_locations_off_the_stored_start_page_at_once(client, town):
    where, service = town
    assertContains(client.get(START), "Bürgerbüro Mitte")

    service.delete()

    assertNotContains(client.get(START), "Bürgerbüro Mitte")


def test_texts_staff_write_show_on_the_stored_start_page_at_once(client, town):
    client.get(START)

    notice = Notice.objects.create(title="Closed on 24 December")
    assertContains(client.get(START), "Closed on 24 December")
    notice.title = "Closed on 24 and 31 December"
    notice.save()
    assertContains(client.get(START), "Closed on 24 and 31 December")
    notice.delete()
    assertNotContains(client.get(START), "Closed on 24")

    welcome = ContentPage.objects.create(
        kind=ContentPage.Kind.START, title="Welcome to Musterstadt", body="Hello"
    )
    assertContains(client.get(START), "Welcome to Musterstadt</h1>")
    ContentPage.objects.create(kind=ContentPage.Kind.PRIVACY, title="Privacy", body="…")
    assertContains(client.get(START), f'href="{reverse("citizen:privacy")}"')  # the footer
    welcome.delete()
    assertNotContains(client.get(START), "Welcome to Musterstadt")


def test_a_notice_appears_and_goes_on_the_stored_start_page_when_planned(client, town, clock):
    clock.now = clock.now  # standing still: the page is stored until the notice's start
    begin = clock.now + timedelta(seconds=20)
    Notice.objects.create(
        title="Power cut", shown_from=begin, shown_until=begin + timedelta(hours=1)
    )
    assertNotContains(client.get(START), "Power cut")

    clock.now = begin
    assertContains(client.get(START), "Power cut")

    clock.now = begin + timedelta(minutes=59, seconds=59)
    assertContains(client.get(START), "Power cut")
    clock.now = begin + timedelta(hours=1)
    assertNotContains(client.get(START), "Power cut")


def test_a_start_page_address_with_a_query_is_answered_but_not_stored(client, town):
    response = client.get(START, {"utm_source": "<script>"})

    assertContains(response, "Bürgerbüro Mitte</h1>")
    # The language links lead back to the very address, safely quoted.
    assertContains(response, "?next=/%3Futm_source%3D%253Cscript%253E")
    assertNotContains(client.get(START), "utm_source")
