"""The day plan page: a timeline per clerk with their roster, absences, appointments and gaps,
only for the viewer's departments, and a printable list of the day in time order."""

from datetime import time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Appointment, Channel, StaffMember
from tests import factories
from tests.conftest import berlin
from tests.office.conftest import NOW
from tests.office.logins import log_in_verified, user_for


@pytest.fixture(autouse=True)
def _monday_morning(clock):
    """The clock stands at NOW."""


def book(office, *, name: str, hour: int) -> Appointment:
    """A phone booking of one ID card on Monday 7 December at `hour`."""
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=berlin(2026, 12, 7, hour, 0),
        contact=booking.Contact(name=name, phone="02381 123456"),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment


def plan_url(office, **query) -> str:
    url = reverse("office:day_plan", kwargs={"location_id": office.location.pk})
    return url + "?" + "&".join(f"{key}={value}" for key, value in query.items())


@pytest.fixture
def signed_in(client, colleague):
    log_in_verified(client, user_for(colleague))
    return client


def clerk_of_another_department(office) -> StaffMember:
    """A Standesamt clerk working at the same Bürgerbüro, with a roster there."""
    registry = factories.department(name="Standesamt")
    wedding = factories.service(
        name="Eheschließung", department=registry, locations=[office.location]
    )
    member = factories.staff(skills=[wedding], name="Paul Fremd")
    member.locations.set([office.location])
    factories.roster(member, office.location)
    return member


@pytest.fixture
def neighbour(office) -> StaffMember:
    return clerk_of_another_department(office)


def test_clerk_sees_each_clerks_roster_absence_appointments_and_gaps(signed_in, office, citizen):
    factories.roster(
        office.clerk, office.location, start=time(13), end=time(15), online_bookable=False
    )
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 7, 10), end=berlin(2026, 12, 7, 11)
    )

    response = signed_in.get(plan_url(office, tag="2026-12-07"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Tagesplan" in body and "Montag, 7. Dezember 2026" in body
    assert office.clerk.name in body
    assert "Online buchbar 08:00–12:00" in body
    assert "Für Telefon und Schalter zurückgehalten 13:00–15:00" in body
    assert "Abwesend: Urlaub" in body
    for text in ("09:00–09:15", "Gebucht", citizen.waiting_number, "Erika Mustermann"):
        assert text in body
    assert "1 × Personalausweis" in body
    # The list per clerk below the grid leads to the appointment's page (move, cancel).
    assert f'href="/verwaltung/termine/{citizen.reference}/"' in body
    for gap in ("08:00–09:00 frei", "09:15–10:00 frei", "11:00–12:00 frei"):
        assert gap in body
    assert "13:00–15:00 frei für Telefon und Schalter" in body


def test_each_block_sits_in_its_clerks_column_and_its_rows_of_five_minutes(
    signed_in, office, citizen
):
    """08:00 is grid row 2 (row 1 holds the names): Erika at 09:00 for 15 minutes starts in
    row 14 and spans 3 rows, in the first clerk's column (column 1 holds the hours)."""
    response = signed_in.get(plan_url(office, tag="2026-12-07"))

    body = response.content.decode()
    assert "amt-day--n-1" in body
    assert "amt-day__item--booked amt-c-2 amt-r-14 amt-s-3" in body
    assert "amt-day__band--online amt-c-2 amt-r-2 amt-s-48" in body


def test_a_clerk_away_all_day_does_not_stretch_the_plan_from_morning_to_night(signed_in, office):
    Absence.objects.create(
        staff=office.clerk, start=berlin(2026, 12, 7, 0), end=berlin(2026, 12, 8, 0)
    )

    body = signed_in.get(plan_url(office, tag="2026-12-07")).content.decode()

    assert "Abwesend: Urlaub" in body and "ganztägig" in body
    assert "amt-day__band--online amt-c-2 amt-r-2 amt-s-48" in body  # 08:00 is the first row
    assert ">06:00<" not in body and ">12:00<" not in body


def test_today_has_a_now_line_and_other_days_none(signed_in, office, clock):
    clock.now = berlin(2026, 12, 7, 10, 37)

    today = signed_in.get(plan_url(office, tag="2026-12-07")).content.decode()
    tomorrow = signed_in.get(plan_url(office, tag="2026-12-08")).content.decode()

    assert "Jetzt 10:37" in today and "amt-day__now amt-r-33" in today
    assert "Jetzt" not in tomorrow


def test_the_plan_moves_a_day_at_a_time_and_says_when_nobody_is_rostered(signed_in, office):
    response = signed_in.get(plan_url(office, tag="2026-12-12"))  # a Saturday

    body = response.content.decode()
    assert "?tag=2026-12-11" in body and "?tag=2026-12-13" in body
    assert "Heute" in body  # back to Monday 7 December
    assert "An diesem Tag nicht im Dienstplan" in body


def test_a_public_holiday_is_named(signed_in, office):
    response = signed_in.get(plan_url(office, tag="2026-12-25"))

    assert "Feiertag: Erster Weihnachtstag" in response.content.decode()


def test_a_day_that_is_no_date_is_refused_with_a_message(signed_in, office):
    response = signed_in.get(plan_url(office, tag="31.02.2026"))

    assert response.status_code == 422
    body = response.content.decode()
    assert "<title>Fehler:" in body
    assert "Geben Sie den Tag als Datum ein" in body


def test_clerk_of_another_department_at_the_location_sees_no_names_of_this_one(
    client, office, citizen, neighbour
):
    log_in_verified(client, user_for(neighbour))

    for query in ({"tag": "2026-12-07"}, {"tag": "2026-12-07", "druck": "1"}):
        response = client.get(plan_url(office, **query))
        assert response.status_code == 200
        body = response.content.decode()
        assert "Erika Mustermann" not in body and citizen.waiting_number not in body
        assert office.clerk.name not in body and "Personalausweis" not in body
        assert citizen.reference not in body
    assert "Paul Fremd" in client.get(plan_url(office, tag="2026-12-07")).content.decode()


def test_administrator_sees_every_departments_lanes(client, office, citizen, neighbour):
    neighbour.role = StaffMember.Role.ADMINISTRATOR
    neighbour.save()
    log_in_verified(client, user_for(neighbour))

    body = client.get(plan_url(office, tag="2026-12-07")).content.decode()

    assert "Erika Mustermann" in body and office.clerk.name in body and "Paul Fremd" in body


def test_clerk_at_another_location_gets_not_found(client, office, citizen, stranger):
    log_in_verified(client, user_for(stranger))

    response = client.get(plan_url(office, tag="2026-12-07"))

    assert response.status_code == 404
    assert "Bürgerbüro Mitte" not in response.content.decode()


def test_print_view_lists_the_days_appointments_in_time_order(signed_in, office, citizen):
    book(office, name="Max Früh", hour=8)
    book(office, name="Lena Spät", hour=11)

    response = signed_in.get(plan_url(office, tag="2026-12-07", druck="1"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "Tagesliste" in body and "3 Termine in zeitlicher Reihenfolge" in body
    assert body.index("Max Früh") < body.index("Erika Mustermann") < body.index("Lena Spät")
    assert "08:00–08:15" in body and office.clerk.name in body


def test_the_plan_costs_the_same_queries_for_one_or_three_appointments(signed_in, office, citizen):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(plan_url(office, tag="2026-12-07")).status_code == 200
        return len(queries)

    one = count()
    book(office, name="Max Früh", hour=8)
    book(office, name="Lena Spät", hour=11)
    assert count() == one


def test_the_plan_shows_who_was_called_to_which_counter(signed_in, office):
    from pytest_django.asserts import assertContains

    from amtstermin.core import visits
    from amtstermin.core.models import Counter

    appointment = book(office, name="Erika Mustermann", hour=9)
    desk = Counter.objects.create(location=office.location, name="Schalter 3")
    visits.check_in(appointment, now=berlin(2026, 12, 7, 8, 55))
    visits.call_next(office.clerk, desk, now=berlin(2026, 12, 7, 9, 2))

    response = signed_in.get(plan_url(office, tag="2026-12-07"))

    assertContains(response, "Aufrufe je Schalter")
    assertContains(response, '<h3 class="kern-heading-small" id="counter-')
    assertContains(response, f'<td class="kern-table__cell">{appointment.waiting_number}</td>')
    assertContains(response, '<td class="kern-table__cell">09:02</td>')
