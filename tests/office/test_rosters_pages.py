"""The roster pages: a team lead sees the week, checks a change's effect, and only then saves."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Channel, Closure, Location, RosterBlock, StaffMember
from tests import factories
from tests.conftest import BERLIN
from tests.fixtures.clock import working_monday
from tests.office.logins import log_in_verified, user_for


def monday() -> date:
    """A Monday of next week or later: bookable whatever day the tests run."""
    return working_monday()


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


@pytest.fixture
def lead(client, colleague):
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.save()
    log_in_verified(client, user_for(colleague))
    return colleague


@pytest.fixture
def erika(office):
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=at(monday(), 9, 30),
        contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
        channel=Channel.PHONE,
        now=timezone.now(),
    ).appointment


def url(name: str, office, query: str = "") -> str:
    return reverse(f"office:{name}", args=[office.location.pk]) + query


def sick_monday(office, **extra) -> dict:
    return {
        "staff": office.clerk.pk,
        "reason": "sickness",
        "first_day": monday().isoformat(),
        "last_day": monday().isoformat(),
        **extra,
    }


def test_team_lead_sees_the_week_with_online_and_kept_back_blocks(client, lead, office):
    factories.roster(office.clerk, office.location, weekdays=[5], online_bookable=False)

    response = client.get(url("roster_week", office))

    assertContains(
        response, '<h1 class="kern-heading-x-large">Dienstplan – Bürgerbüro Mitte</h1>', html=True
    )
    assertContains(response, "Wochenplan")
    assertContains(response, office.clerk.name)
    assertContains(response, "08:00–12:00<br>", count=6)
    assertContains(response, "zurückgehalten", count=1)
    assertContains(response, "Freie Online-Zeit bis zum Ende des Buchungszeitraums")


def test_the_rosters_link_opens_the_leads_first_location(client, lead, office):
    response = client.get(reverse("office:rosters"))

    assert response.status_code == 302
    assert response["Location"] == url("roster_week", office)


def test_absence_is_previewed_then_saved_and_the_citizen_is_asked_to_move(
    client, lead, office, erika, mailoutbox
):
    mailoutbox.clear()

    preview = client.post(url("roster_absence", office), sick_monday(office))

    assertContains(preview, "Prüfen: Abwesenheit eintragen")
    assertContains(preview, "Termine, die eine neue Zeit brauchen")
    assertContains(preview, "Erika Mustermann")
    assertContains(preview, erika.reference)
    assertContains(preview, "−225 Min.")  # four hours, less Erika's quarter that was not free
    assert not Absence.objects.exists() and mailoutbox == []

    saved = client.post(
        url("roster_absence", office), {**sick_monday(office), "confirm": "1"}, follow=True
    )

    assertContains(saved, "Die Änderung ist gespeichert. 1 Termin braucht eine neue Zeit")
    assertContains(saved, "Erika Mustermann")
    assert Absence.objects.get().staff == office.clerk
    [mail] = mailoutbox
    assert mail.subject.startswith("Wir müssen Ihren Termin leider verschieben")


def test_correcting_the_entries_keeps_what_was_typed(client, lead, office):
    response = client.post(url("roster_absence", office), {**sick_monday(office), "edit": "1"})

    assertContains(response, "Abwesenheit eintragen")
    assertContains(response, f'value="{monday().isoformat()}"')
    assert not Absence.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"first_day": "gestern"}, "Bitte ein gültiges Datum eingeben."),
        ({"until_time": "07:00", "from_time": "09:00"}, "Das Ende muss nach dem Beginn liegen."),
        ({"staff": "999999"}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_absence_is_refused_with_a_message_and_nothing_saved(
    client, lead, office, change, message
):
    response = client.post(url("roster_absence", office), sick_monday(office, **change))

    assert response.status_code == 422
    assertContains(response, "<title>Fehler:", status_code=422)
    assertContains(response, message, status_code=422)
    assert not Absence.objects.exists()


def test_block_is_added_through_the_preview(client, lead, office):
    data = {
        "staff": office.clerk.pk,
        "weekday": "5",
        "start_time": "09:00",
        "end_time": "13:00",
        "valid_from": monday().isoformat(),
        "online_bookable": "on",
    }
    preview = client.post(url("roster_block", office), data)
    assertContains(preview, "Prüfen: Neuer Dienstplanblock")
    assertContains(preview, "+")
    assert RosterBlock.objects.filter(weekday=5).count() == 0

    client.post(url("roster_block", office), {**data, "confirm": "1"})

    block = RosterBlock.objects.get(weekday=5)
    assert (block.start_time, block.end_time, block.online_bookable) == (time(9), time(13), True)


def test_overlapping_block_is_refused(client, lead, office):
    data = {
        "staff": office.clerk.pk,
        "weekday": "0",
        "start_time": "11:00",
        "end_time": "13:00",
        "valid_from": monday().isoformat(),
    }
    response = client.post(url("roster_block", office), data)

    assertContains(
        response,
        "Das überschneidet sich mit einem anderen Block derselben Person.",
        status_code=422,
    )


def test_ending_a_block_lists_the_appointments_after_it(client, lead, office, erika):
    block = RosterBlock.objects.get(staff=office.clerk, weekday=0)
    query = f"?block={block.pk}"
    last_day = (monday() - timedelta(days=1)).isoformat()

    preview = client.post(url("roster_block_end", office, query), {"last_day": last_day})
    assertContains(preview, erika.reference)

    client.post(url("roster_block_end", office, query), {"last_day": last_day, "confirm": "1"})
    block.refresh_from_db()
    assert block.valid_until == monday() - timedelta(days=1)


def test_closure_is_added_and_removed(client, lead, office):
    data = {
        "reason": "Betriebsausflug",
        "first_day": monday().isoformat(),
        "last_day": monday().isoformat(),
        "confirm": "1",
    }
    client.post(url("roster_closure", office), data)
    closure = Closure.objects.get()
    week = client.get(url("roster_week", office))
    assertContains(week, "Betriebsausflug")

    preview = client.post(url("roster_closure_remove", office), {"row": closure.pk})
    assertContains(preview, "Prüfen: Standort wieder öffnen")
    assert Closure.objects.exists()
    client.post(url("roster_closure_remove", office), {"row": closure.pk, "confirm": "1"})
    assert not Closure.objects.exists()


def test_clerk_may_not_open_the_rosters(client, office, colleague):
    log_in_verified(client, user_for(colleague))

    assert client.get(url("roster_week", office)).status_code == 403


def test_lead_cannot_reach_another_locations_or_teams_rows(client, lead, office):
    elsewhere = factories.location(name="Standesamt Nord")
    stranger = factories.staff(name="Paul Fremd")
    [foreign] = factories.roster(stranger, office.location, weekdays=[0])
    version = Location.objects.get(pk=office.location.pk).version

    assert client.get(reverse("office:roster_week", args=[elsewhere.pk])).status_code == 404
    assertNotContains(client.get(url("roster_week", office)), "Paul Fremd")
    response = client.get(url("roster_block_end", office, f"?block={foreign.pk}"))
    assert response.status_code == 404
    response = client.post(url("roster_absence", office), sick_monday(office, staff=stranger.pk))
    assert response.status_code == 422 and not Absence.objects.exists()
    assert Location.objects.get(pk=office.location.pk).version == version


@pytest.mark.parametrize("rows", [1, 3])
def test_week_page_needs_the_same_queries_for_one_or_three_rows(
    client, lead, office, rows, django_assert_num_queries
):
    for n in range(rows):
        clerk = factories.staff(department_=office.id_card.department, name=f"Clerk {n}")
        factories.roster(clerk, office.location)
        Absence.objects.create(
            staff=clerk, start=at(monday(), 8), end=at(monday(), 12), reason="leave"
        )
        Closure.objects.create(
            location=office.location,
            start=at(monday(), 13 + n),
            end=at(monday(), 14 + n),
            reason=f"R{n}",
        )

    with django_assert_num_queries(13):
        response = client.get(url("roster_week", office))
    assertContains(response, "Clerk 0")
