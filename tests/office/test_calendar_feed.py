"""The calendar subscription page (office:calendar_feed) and the address calendar programs poll
(calendar_feed:feed): made and shown once, revocable, one clerk's address never opens another's
appointments, and the body is strict RFC 5545 that icalendar reads back."""

import re

import pytest
from django.conf import settings
from django.urls import reverse
from icalendar import Calendar

from amtstermin.core import calendar_feed
from amtstermin.core.models import CalendarFeed
from amtstermin.core.notifications import ics
from tests import factories
from tests.office.conftest import NOW, book
from tests.office.logins import log_in_verified, user_for

PAGE = "/verwaltung/kalender-abo/"
ADDRESS = re.compile(r"https?://[^\"<\s]+/verwaltung/kalender/([A-Za-z0-9_-]+)\.ics")


@pytest.fixture
def clerk(client, colleague):
    """Sabine Kowalski, logged in, clerk of the Bürgerbüro's department working there."""
    log_in_verified(client, user_for(colleague))
    return colleague


@pytest.fixture
def served(office, citizen, colleague):
    """Erika's appointment handed to Sabine: the clerk who serves it."""
    factories.roster(colleague, office.location)
    citizen.staff = colleague
    citizen.phone = "02381 123456"
    citizen.save()
    return citizen


def strictly_valid(body: bytes) -> Calendar:
    """`body` read back by icalendar after checking what RFC 5545 asks of the text itself."""
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines), "bare LF or CR"
    assert all(len(line) <= 75 for line in lines), "a line longer than 75 octets"
    body.decode("utf-8")  # raises on anything but UTF-8
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert lines.count(b"BEGIN:VCALENDAR") == 1
    [calendar] = Calendar.from_ical(body, multiple=True)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"] == ics.PRODID
    for event in calendar.events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event), event
    return calendar


def _create(client, *, names: bool = False) -> str:
    """Make a new address on the page; returns its token, read from the page."""
    data = {"action": "create", **({"names": "on"} if names else {})}
    response = client.post(PAGE, data)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    [token] = set(ADDRESS.findall(response.content.decode()))
    return token


def test_clerk_without_an_address_is_offered_one(client, clerk):
    response = client.get(PAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Kalender-Abo" in body and "Kalenderadresse erstellen" in body
    assert not ADDRESS.search(body)


def test_overview_links_the_subscription_page(client, clerk):
    assert PAGE in client.get(reverse("office:overview")).content.decode()


def test_clerk_makes_an_address_and_sees_it_only_once(client, clerk, served):
    response = client.post(PAGE, {"action": "create"})
    body = response.content.decode()
    [token] = set(ADDRESS.findall(body))
    address = f"{settings.SITE_URL}/verwaltung/kalender/{token}.ics"
    assert f">{address}</textarea>" in body
    assert f'href="webcal://{address.split("://")[1]}"' in body
    assert "Wird nur jetzt angezeigt" in body

    again = client.get(PAGE).content.decode()
    assert token not in again and not ADDRESS.search(again)
    assert "Zuletzt abgerufen" in again

    feed = client.get(f"/verwaltung/kalender/{token}.ics")
    assert feed.status_code == 200
    [event] = strictly_valid(feed.content).events
    assert event.uid == ics.uid(served)


def test_feed_answers_as_a_private_calendar(client, clerk, served):
    token = _create(client)
    client.logout()  # a calendar program has no session
    response = client.get(f"/verwaltung/kalender/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    calendar = strictly_valid(response.content)
    assert calendar["METHOD"] == "PUBLISH"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT15M\r\n" in response.content
    head = client.head(f"/verwaltung/kalender/{token}.ics")
    assert head.status_code == 200 and head.content == b""
    assert client.post(f"/verwaltung/kalender/{token}.ics").status_code == 405


def test_feed_never_shows_email_or_phone_and_names_only_when_chosen(client, clerk, served):
    token = _create(client)
    body = client.get(f"/verwaltung/kalender/{token}.ics").content.decode()
    for private in ("Erika", "erika@example.org", "02381"):
        assert private not in body

    client.post(PAGE, {"action": "names", "names": "on"})
    body = client.get(f"/verwaltung/kalender/{token}.ics").content.decode()
    assert "Erika Mustermann" in body
    assert "erika@example.org" not in body and "02381" not in body


def test_long_lines_are_folded_within_75_octets(client, clerk, served):
    served.name = "Maximiliane Überlänge-Müller-Lüdenscheidt von und zu Großwürdenhausen"
    served.save()
    served.items.update(quantity=2)
    token = _create(client, names=True)
    response = client.get(f"/verwaltung/kalender/{token}.ics")
    [event] = strictly_valid(response.content).events
    assert served.name in event["SUMMARY"]
    assert b"\r\n " in response.content  # folded, not cut


def test_clerk_revokes_the_address(client, clerk, served):
    token = _create(client)
    response = client.post(PAGE, {"action": "revoke"}, follow=True)
    assert "widerrufen" in response.content.decode()
    assert "Kalenderadresse erstellen" in response.content.decode()
    assert client.get(f"/verwaltung/kalender/{token}.ics").status_code == 404


def test_a_new_address_stops_the_old_one(client, clerk, served):
    old = _create(client)
    new = _create(client)
    assert client.get(f"/verwaltung/kalender/{old}.ics").status_code == 404
    assert client.get(f"/verwaltung/kalender/{new}.ics").status_code == 200


def test_another_clerks_address_opens_only_their_own_appointments(
    client, office, clerk, served, django_user_model
):
    mine = _create(client)
    other = factories.staff(department_=clerk.department, name="Ole Nachbar")
    other.locations.set([office.location])
    factories.roster(other, office.location)
    theirs = book(office.location, office.id_card, hour=10)  # Sabine is busy at 9 only
    theirs.staff = other
    theirs.save()
    other_client = client.__class__()
    log_in_verified(other_client, user_for(other))
    their_token = _create(other_client)

    their_feed = strictly_valid(other_client.get(f"/verwaltung/kalender/{their_token}.ics").content)
    assert [event.uid for event in their_feed.events] == [ics.uid(theirs)]
    # Their revoking touches only their own address.
    other_client.post(PAGE, {"action": "revoke"})
    my_feed = strictly_valid(client.get(f"/verwaltung/kalender/{mine}.ics").content)
    assert [event.uid for event in my_feed.events] == [ics.uid(served)]


def test_feed_of_a_staff_member_who_left_is_gone(client, clerk, served):
    token = _create(client)
    clerk.active = False
    clerk.save()
    assert client.get(f"/verwaltung/kalender/{token}.ics").status_code == 404


@pytest.mark.parametrize(
    "token", ["x", "a" * 65, "a" * 4000, "%C3%A4" * 32, "%ff%fe" * 20, "..%2F..%2Fetc", "-1"]
)
def test_malformed_address_is_not_found(client, db, token):
    response = client.get(f"/verwaltung/kalender/{token}.ics")
    assert response.status_code in (400, 404)
    assert "no-store" in response.get("Cache-Control", "no-store")


def test_page_changes_only_by_post(client, clerk):
    client.get(PAGE, {"action": "create"})
    assert not CalendarFeed.objects.exists()


def test_page_names_choice_is_saved(client, clerk):
    _create(client)
    client.post(PAGE, {"action": "names", "names": "on"})
    assert calendar_feed.open_feed(clerk).include_names
    response = client.post(PAGE, {"action": "names"}, follow=True)
    assert not calendar_feed.open_feed(clerk).include_names
    assert "nicht angezeigt" in response.content.decode()


def test_created_address_records_the_creation_time(client, clerk, clock):
    clock.now = NOW
    _create(client)
    assert CalendarFeed.objects.get(staff=clerk).created_at == NOW
