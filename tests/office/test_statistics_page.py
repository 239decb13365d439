"""The statistics page: team leads and administrators only, each seeing their own scope."""

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import booking, visits
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Counter, StaffMember
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for

MONDAY = "2026-12-07"


def at(hour: int, minute: int = 0):
    return berlin(2026, 12, 7, hour, minute)


def page(location, **query) -> str:
    url = reverse("office:statistics_location", args=[location.pk])
    return f"{url}?period={query.get('period', 'day')}&day={query.get('day', MONDAY)}"


@pytest.fixture
def lead(client, colleague):
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.save()
    log_in_verified(client, user_for(colleague))
    return colleague


@pytest.fixture
def morning(office, citizen):
    """Erika (09:00) checks in 08:55, waits until 09:06, is done 09:20; a walk-in no-show."""
    counter = Counter.objects.create(location=office.location, name="3")
    visits.check_in(citizen, now=at(8, 55))
    visits.finish(visits.call_next(office.clerk, counter, now=at(9, 6)), now=at(9, 20))
    visits.walk_in(office.location, [Item(office.id_card)], now=at(9, 30))
    visits.no_show(visits.call_next(office.clerk, counter, now=at(9, 40)), now=at(9, 45))
    return office


def test_team_lead_reads_the_days_figures_in_german(client, lead, morning):
    response = client.get(page(morning.location))

    assertContains(
        response, '<h1 class="kern-heading-x-large">Statistik Bürgerbüro Mitte</h1>', html=True
    )
    assertContains(response, "Montag, 7. Dezember 2026")
    assertContains(response, "1 von 1 Eingecheckten<")  # nobody late, so no lateness
    assertContains(response, "Buchungen nach Kanal")
    assertContains(response, '<th class="kern-table__header" scope="row">Telefon</th>', html=True)
    assertContains(response, "Wartezeit vom Check-in bis zum Aufruf")
    assertContains(response, "6,0 Min.")  # 09:06 minus 09:00: the early minutes are not waiting
    assertContains(response, "10,0 Min.")  # the walk-in, 09:30 to 09:40
    assertContains(response, "Bearbeitungszeit je Dienstleistung")
    assertContains(response, "14,0 Min.")  # 09:06 to 09:20
    assertContains(response, "Auslastung")
    assertContains(response, "15 Min.")  # booked, of 240 rostered
    assertContains(response, "6 %")
    assertContains(response, "<svg", count=4)


def test_a_week_lists_its_days_and_links_to_the_next(client, lead, morning):
    response = client.get(page(morning.location, period="week", day="2026-12-09"))

    assertContains(response, "Woche 50: 07.12. bis 13.12.2026")
    assertContains(response, "Mo, 07.12.")
    assertContains(response, "So, 13.12.")
    assertContains(response, 'href="?period=week&amp;day=2026-12-14"')


def test_team_lead_sees_only_their_departments_bookings(client, lead, morning):
    registry = factories.department(name="Standesamt")
    marriage = factories.service(
        name="Eheschließung", department=registry, locations=[morning.location]
    )
    factories.roster(factories.staff(skills=[marriage]), morning.location)
    with booking.without_mail():
        booking.book(
            location=morning.location,
            items=[Item(marriage)],
            start=at(10),
            contact=booking.Contact(name="Max Muster", email="max@example.org"),
            channel=Channel.DESK,
            now=at(7),
        )

    response = client.get(page(morning.location))

    assertNotContains(response, "Eheschließung")
    assertContains(
        response,
        '<th class="kern-table__header" scope="row">Tresen</th>'
        '<td class="kern-table__cell kern-table__cell--numeric">0</td>',
        html=True,
    )


def test_clerks_are_refused(client, colleague, morning):
    log_in_verified(client, user_for(colleague))

    assert client.get(page(morning.location)).status_code == 403


def test_team_lead_of_another_location_finds_nothing(client, stranger, morning):
    stranger.role = StaffMember.Role.TEAM_LEAD
    stranger.save()
    log_in_verified(client, user_for(stranger))

    for name in ("office:statistics_location", "office:statistics_csv"):
        response = client.get(reverse(name, args=[morning.location.pk]))
        assert response.status_code == 404
        assertNotContains(response, "Bürgerbüro Mitte", status_code=404)


def test_the_location_switch_opens_the_chosen_location_for_the_same_day(client, lead, morning):
    response = client.get(
        reverse("office:statistics"),
        {"location": morning.location.pk, "period": "week", "day": MONDAY},
    )

    assert response.status_code == 302
    assert response["Location"] == page(morning.location, period="week")


def test_a_wrong_day_says_so_and_shows_today(client, lead, morning):
    response = client.get(page(morning.location, day="7.12."))

    assertContains(response, "<title>Fehler:", status_code=200)
    assertContains(response, "Bitte ein gültiges Datum eingeben.")


def test_without_a_day_the_date_box_shows_today(client, lead, morning, clock):
    clock.now = at(12)
    url = reverse("office:statistics_location", args=[morning.location.pk])

    response = client.get(url)

    assertContains(response, 'value="2026-12-07"', html=False)
    assertContains(response, "Montag, 7. Dezember 2026")


def test_the_csv_download_opens_in_german_excel(client, lead, morning):
    response = client.get(
        reverse("office:statistics_csv", args=[morning.location.pk]), {"day": MONDAY}
    )

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "statistik-" in response["Content-Disposition"]
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffStandort;Von;Bis;Kennzahl;Detail;Wert")
    place = "Bürgerbüro Mitte;07.12.2026;07.12.2026"
    assert f"{place};Wartezeit, Median (Min.);Termine;6,0" in text
    assert f"{place};Wartezeit, Median (Min.);Spontankunden;10,0" in text
    assert f"{place};Bearbeitungszeit, Median (Min.);Personalausweis;14,0" in text


def test_the_page_needs_the_same_queries_for_one_visit_or_three(
    client, lead, morning, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as one:
        client.get(page(morning.location))
    for minute in (0, 5):
        visits.walk_in(morning.location, [Item(morning.id_card)], now=at(11, minute))
    with django_assert_max_num_queries(len(one.captured_queries)):
        client.get(page(morning.location))


def book_desk(office, start):
    with booking.without_mail():
        booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=start,
            contact=booking.Contact(name="Max Muster", email="max@example.org"),
            channel=Channel.DESK,
            now=at(7),
        )


def test_a_week_shows_each_figure_beside_the_week_before_and_the_change(client, lead, morning):
    book_desk(morning, berlin(2026, 12, 14, 10))

    response = client.get(page(morning.location, period="week", day="2026-12-16"))

    assertContains(response, "Verglichen mit Woche 50: 07.12. bis 13.12.2026.")
    # Erika and the walk-in the week before, one desk booking now: half as many, in words.
    assertContains(response, "Vorwoche: 2 (−50 %)")
    assertContains(
        response,
        '<tr class="kern-table__row"><th class="kern-table__header" scope="row">Tresen</th>'
        '<td class="kern-table__cell kern-table__cell--numeric">1</td>'
        '<td class="kern-table__cell kern-table__cell--numeric">0</td>'
        '<td class="kern-table__cell kern-table__cell--numeric">–</td></tr>',
        html=True,
    )
    # Nobody has waited yet this week: the week before's median stands beside a dash.
    assertContains(response, "Vorwoche: 6,0 Min.")
    assertContains(response, '<th class="kern-table__header" scope="row">Vorwoche</th>', html=True)


def test_a_month_is_broken_down_by_weeks_and_compared_with_the_month_before(client, lead, morning):
    response = client.get(page(morning.location, period="month", day="2026-12-20"))

    assertContains(response, ">Dezember 2026</h2>")
    assertContains(response, "Verglichen mit November 2026.")
    assertContains(response, "Woche 49: 01.12. bis 06.12.")
    assertContains(response, "Woche 53: 28.12. bis 31.12.")
    assertContains(response, "Vormonat: 0 (–)", count=0)  # no change from nothing
    assertContains(response, "Vormonat: 0")
    assertContains(response, 'href="?period=month&amp;day=2026-11-01"')
    assertContains(response, 'href="?period=month&amp;day=2027-01-01"')
    assertContains(response, 'id="period-month" value="month" checked')


def test_a_year_is_broken_down_by_months(client, lead, morning):
    response = client.get(page(morning.location, period="year", day="2026-12-20"))

    assertContains(response, ">2026</h2>")
    assertContains(response, "Verglichen mit 2025.")
    assertContains(response, '<th class="kern-table__header" scope="row">Januar</th>', html=True)
    assertContains(response, '<th class="kern-table__header" scope="row">Vorjahr</th>', html=True)
    assertContains(response, "Nächstes Jahr →")


def test_a_walk_in_counts_in_the_utilisation_shown(client, lead, morning):
    response = client.get(page(morning.location))

    # Erika's 15 booked minutes; the walk-in did not come when called, so took no time.
    assertContains(response, "Spontankunden eingerechnet")
    assertContains(response, "6 %")
    counter = Counter.objects.get(location=morning.location)
    visits.walk_in(morning.location, [Item(morning.registration, 2)], now=at(10))
    visits.finish(visits.call_next(morning.clerk, counter, now=at(10, 5)), now=at(10, 20))

    response = client.get(page(morning.location))

    # Two registrations: 15 + 5 expected minutes; (15 + 20) of 240 minutes.
    cells = "".join(
        f'<td class="kern-table__cell kern-table__cell--numeric">{cell}</td>'
        for cell in ("15 Min.", "20 Min.", "240 Min.", "15 %")
    )
    assertContains(
        response,
        f'<tr class="kern-table__row"><th class="kern-table__header" scope="row">Gesamt</th>'
        f"{cells}</tr>",
        html=True,
    )


def test_the_csv_of_a_month_carries_the_month_before(client, lead, morning):
    response = client.get(
        reverse("office:statistics_csv", args=[morning.location.pk]),
        {"period": "month", "day": "2027-01-05"},
    )

    assert response["Content-Disposition"].endswith('-month-2027-01-01.csv"')
    rows = response.content.decode("utf-8").lstrip("\ufeff").splitlines()
    assert rows[0].endswith(
        ";Wert;Vorperiode 01.12.2026–31.12.2026;Veränderung (%);Veränderung (Prozentpunkte)"
    )
    assert "Bürgerbüro Mitte;01.01.2027;31.01.2027;Buchungen;gesamt;0;2;-100,0;" in rows
    assert "Bürgerbüro Mitte;07.12.2026;13.12.2026;Gebuchte Minuten;;15;;;" in rows


def test_a_year_needs_as_many_queries_as_a_week(client, lead, morning, django_assert_num_queries):
    with django_assert_num_queries(20) as week:  # 2 of them the wish-list's figures
        client.get(page(morning.location, period="week"))
    with django_assert_num_queries(len(week.captured_queries)):
        client.get(page(morning.location, period="year"))
