"""Statistics computed from known visit events, made with core.visits at fixed times.

Median: the middle value, or the mean of the two middle values for an even count.
p90: nearest rank, the value at position ceil(0.9 × n) of the sorted values (1-based).
"""

from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from amtstermin.core import booking, statistics, visits
from amtstermin.core.items import Item
from amtstermin.core.models import Absence, Appointment, Channel, Counter, StaffMember
from amtstermin.core.statistics import Period, Spread
from tests import factories
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

BOOKED_AT = berlin(2026, 12, 4, 15, 0)  # the Friday before
MONDAY = date(2026, 12, 7)
TUESDAY = date(2026, 12, 8)


def at(hour: int, minute: int = 0, day: date = MONDAY) -> datetime:
    return berlin(day.year, day.month, day.day, hour, minute)


def book(office, start: datetime, channel=Channel.PHONE, items=None) -> Appointment:
    with booking.without_mail():
        return booking.book(
            location=office.location,
            items=items or [Item(office.id_card)],
            start=start,
            contact=booking.Contact(name="Erika Mustermann", email="erika@example.org"),
            channel=channel,
            now=BOOKED_AT,
        ).appointment


def serve(clerk: StaffMember, counter: Counter, called: datetime, done: datetime):
    visit = visits.call_next(clerk, counter, now=called)
    assert visit is not None
    return visits.finish(visit, now=done)


@pytest.fixture
def monday(office):
    """A Monday morning at the Bürgerbüro (one clerk rostered 08–12, Personalausweis 15 min).

    08:30 a walk-in draws a number, is called 08:40 (waited 10), done 08:55 (15 min).
    09:00 A checks in 08:50 (early), called 09:04 (waited 4), done 09:20 (16 min).
    09:30 B checks in 09:33 (3 late), called 09:40 (waited 7), done 09:52 (12 min).
    10:00 C never comes: marked as no-show at 10:30.
    10:30 D checks in 10:45 (15 late), called 10:50 (waited 5), done 11:00 (10 min).
    11:30 E, booked online, is still to come at 11:05.
    """
    counter = Counter.objects.create(location=office.location, name="3")
    a, b, c, d = (
        book(office, at(9)),
        book(office, at(9, 30)),
        book(office, at(10)),
        book(office, at(10, 30)),
    )
    book(office, at(11, 30), channel=Channel.ONLINE)
    visits.walk_in(office.location, [Item(office.id_card)], now=at(8, 30))
    serve(office.clerk, counter, at(8, 40), at(8, 55))
    visits.check_in(a, now=at(8, 50))
    serve(office.clerk, counter, at(9, 4), at(9, 20))
    visits.check_in(b, now=at(9, 33))
    serve(office.clerk, counter, at(9, 40), at(9, 52))
    booking.mark_no_show(appointment=c, now=at(10, 30))
    visits.check_in(d, now=at(10, 45))
    serve(office.clerk, counter, at(10, 50), at(11))
    return office


def test_a_day_gives_exact_figures_from_its_events(monday):
    stats = statistics.compute(monday.location, Period.day(MONDAY), now=at(11, 5))

    assert stats.bookings == {"online": 1, "phone": 4, "desk": 0, "walk_in": 1}
    assert stats.total_bookings == 6
    assert (stats.due, stats.no_shows, stats.no_show_rate) == (4, 1, 0.25)
    assert (stats.checked_in, stats.on_time) == (3, 1)
    assert stats.punctuality == pytest.approx(1 / 3)
    assert stats.late_median_minutes == 9  # 3 and 15
    assert stats.waiting_appointments == Spread(3, 5, 7)  # 4, 7, 5 (D waits from 10:45)
    assert stats.waiting_walk_ins == Spread(1, 10, 10)
    [id_card] = stats.services
    assert (id_card.service, id_card.planned_minutes) == ("Personalausweis", 15)
    assert id_card.processing == Spread(4, 13.5, 16)  # 15, 16, 12, 10
    assert id_card.suggested_minutes is None  # too few visits to suggest anything
    # Five 15-minute appointments (the no-show's time was booked too) and the walk-in's
    # 15 expected minutes of 08–12 rostered.
    [day] = stats.days
    assert (day.bookings, day.booked_minutes, day.available_minutes) == (6, 75, 240)
    assert (day.walk_in_minutes, day.used_minutes) == (15, 90)
    assert stats.utilisation == 90 / 240


def test_an_appointment_becomes_due_when_its_time_comes(monday):
    stats = statistics.compute(monday.location, Period.day(MONDAY), now=at(11, 30))

    assert (stats.due, stats.no_show_rate) == (5, 0.2)


def test_cancelled_bookings_and_lapsed_holds_are_not_counted(office):
    cancelled = book(office, at(9))
    booking.cancel(appointment=cancelled, now=BOOKED_AT, channel=Channel.PHONE)

    stats = statistics.compute(office.location, Period.day(MONDAY), now=at(12))

    assert stats.total_bookings == 0
    assert stats.days[0].booked_minutes == 0


def test_a_week_adds_up_its_days_and_absences_leave_no_capacity(monday):
    absent_until = at(10, day=TUESDAY)
    Absence.objects.create(staff=monday.clerk, start=at(8, day=TUESDAY), end=absent_until)
    book(monday, at(10, day=TUESDAY), channel=Channel.DESK)

    stats = statistics.compute(monday.location, Period.week(TUESDAY), now=at(18, day=TUESDAY))

    assert stats.period == Period(MONDAY, date(2026, 12, 13), "week")
    assert [day.period.first for day in stats.days][:2] == [MONDAY, TUESDAY]
    assert [day.available_minutes for day in stats.days] == [240, 120, 240, 240, 240, 0, 0]
    assert [day.bookings for day in stats.days] == [6, 1, 0, 0, 0, 0, 0]
    assert stats.bookings["desk"] == 1
    assert stats.utilisation == (90 + 15) / 1080  # Monday's walk-in included


def test_a_service_that_takes_longer_gets_a_suggested_average(office):
    counter = Counter.objects.create(location=office.location, name="1")
    start = at(8, day=TUESDAY)
    for n in range(10):
        drawn = start + timedelta(minutes=20 * n)
        visits.walk_in(office.location, [Item(office.registration)], now=drawn)
        serve(office.clerk, counter, drawn, drawn + timedelta(minutes=18 + n % 2))

    stats = statistics.compute(office.location, Period.day(TUESDAY), now=at(12, day=TUESDAY))

    [registration] = stats.services
    assert registration.processing.median == 18.5  # five of 18, five of 19
    assert registration.suggested_minutes == 18  # 15 on file: 23 % off over 10 visits


def test_nine_visits_or_a_small_gap_suggest_nothing(office):
    counter = Counter.objects.create(location=office.location, name="1")
    start = at(8, day=TUESDAY)
    for n, minutes in enumerate([30] * 9 + [17] * 11):
        drawn = start + timedelta(minutes=31 * n)
        service = office.id_card if n < 9 else office.registration
        visits.walk_in(office.location, [Item(service)], now=drawn)
        serve(office.clerk, counter, drawn, drawn + timedelta(minutes=minutes))

    stats = statistics.compute(office.location, Period.day(TUESDAY), now=at(20, day=TUESDAY))

    assert [(s.service, s.processing.count, s.suggested_minutes) for s in stats.services] == [
        ("Anmeldung", 11, None),  # 17 against 15 is 13 % off
        ("Personalausweis", 9, None),  # doubled, but only nine visits
    ]


def test_visits_for_two_services_or_units_stay_out_of_processing_times(office):
    counter = Counter.objects.create(location=office.location, name="1")
    both = [Item(office.id_card), Item(office.registration)]
    visits.walk_in(office.location, both, now=at(8, day=TUESDAY))
    serve(office.clerk, counter, at(8, day=TUESDAY), at(8, 40, day=TUESDAY))
    visits.walk_in(office.location, [Item(office.id_card, 2)], now=at(9, day=TUESDAY))
    serve(office.clerk, counter, at(9, day=TUESDAY), at(9, 30, day=TUESDAY))

    stats = statistics.compute(office.location, Period.day(TUESDAY), now=at(12, day=TUESDAY))

    assert stats.services == []
    assert stats.waiting_walk_ins == Spread(2, 0, 0)


def test_an_empty_range_gives_zeros_and_no_rates():
    where = factories.location(name="Neues Bürgerbüro")

    stats = statistics.compute(where, Period.week(MONDAY), now=at(12))

    assert stats.total_bookings == 0
    assert (stats.due, stats.no_shows, stats.checked_in) == (0, 0, 0)
    assert stats.no_show_rate is stats.punctuality is stats.utilisation is None
    assert stats.late_median_minutes is None
    assert stats.waiting_appointments == stats.waiting_walk_ins == Spread(0, None, None)
    assert stats.services == []
    assert len(stats.days) == 7


def test_the_number_of_queries_does_not_grow_with_visits(monday, django_assert_num_queries):
    counter = Counter.objects.get(location=monday.location)
    visits.walk_in(monday.location, [Item(monday.id_card)], now=at(8, day=TUESDAY))
    serve(monday.clerk, counter, at(8, 5, day=TUESDAY), at(8, 20, day=TUESDAY))

    with django_assert_num_queries(5):  # one visit
        statistics.compute(monday.location, Period.day(TUESDAY), now=at(12, day=TUESDAY))
    with django_assert_num_queries(5):  # five visits
        statistics.compute(monday.location, Period.day(MONDAY), now=at(12))


def test_a_year_and_its_comparison_need_as_many_queries_as_a_week(
    monday, django_assert_num_queries
):
    # Visits and bookings on days far apart, so a query per day or per month would show.
    counter = Counter.objects.get(location=monday.location)
    for day in (date(2025, 3, 10), date(2026, 1, 12), date(2026, 6, 15), TUESDAY):
        visits.walk_in(monday.location, [Item(monday.id_card)], now=at(9, day=day))
        serve(monday.clerk, counter, at(9, 5, day=day), at(9, 20, day=day))
        with booking.without_mail():
            booking.book(
                location=monday.location,
                items=[Item(monday.id_card)],
                start=at(11, day=day),
                contact=booking.Contact(name="Max Muster", email="max@example.org"),
                channel=Channel.DESK,
                now=at(8, day=day),
            )

    with django_assert_num_queries(5):
        week = statistics.compute(monday.location, Period.week(MONDAY), now=at(12))
    with django_assert_num_queries(5):
        year = statistics.compute(monday.location, Period.year(MONDAY), now=at(12))
    with django_assert_num_queries(10):
        statistics.compare(monday.location, Period.year(MONDAY), now=at(12))

    assert week.total_bookings == 6 + 2
    assert year.total_bookings == 6 + 3 * 2
    assert len(year.days) == 365 and len(year.parts()) == 12


def test_the_csv_opens_in_german_excel(monday):
    stats = statistics.compute(monday.location, Period.day(MONDAY), now=at(11, 5))

    text = statistics.as_csv(stats)

    assert text.startswith("\ufeffStandort;Von;Bis;Kennzahl;Detail;Wert\r\n")
    rows = text.lstrip("\ufeff").splitlines()
    place = "Bürgerbüro Mitte;07.12.2026;07.12.2026"
    assert f"{place};Buchungen;Telefon;4" in rows
    assert f"{place};Buchungen;gesamt;6" in rows
    assert f"{place};Nichterscheinensquote (%);;25,0" in rows
    assert f"{place};Wartezeit, Median (Min.);Termine;5,0" in rows
    assert f"{place};Pünktlich (%);;33,3" in rows
    assert f"{place};Wartezeit, 90. Perzentil (Min.);Spontankunden;10,0" in rows
    assert f"{place};Bearbeitungszeit, Median (Min.);Personalausweis;13,5" in rows
    assert f"{place};Vorgeschlagener Durchschnitt (Min.);Personalausweis;" in rows
    assert f"{place};Gebuchte Minuten;;75" in rows
    assert f"{place};Verfügbare Minuten;;240" in rows


@given(st.lists(st.integers(min_value=0, max_value=600), min_size=1, max_size=60))
def test_percentiles_are_nearest_rank_values_within_the_range(values):
    p90 = statistics.percentile(values, 90)
    spread = Spread.of(values)

    assert p90 in values
    assert sum(v < p90 for v in values) < 0.9 * len(values) <= sum(v <= p90 for v in values)
    assert min(values) <= spread.median <= spread.p90 <= max(values)


@given(
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
    st.integers(min_value=0, max_value=10_000),
)
def test_rates_stay_between_nothing_and_everything(booked, free, walk_ins):
    day = statistics.Usage.of_day(MONDAY, 0, booked, walk_ins, booked + free)

    assert day.utilisation is None if booked + free == 0 else 0 <= day.utilisation <= 1


def test_a_department_sees_its_own_bookings_visits_and_rostered_time(monday):
    registry = factories.department(name="Standesamt")
    marriage = factories.service(
        name="Eheschließung", department=registry, locations=[monday.location], duration_minutes=30
    )
    registrar = factories.staff(skills=[marriage])
    factories.roster(registrar, monday.location, start=time(13), end=time(15))
    book(monday, at(13), items=[Item(marriage)])
    visits.walk_in(monday.location, [Item(marriage)], now=at(13, 30))

    own = statistics.compute(
        monday.location, Period.day(MONDAY), now=at(16), departments=[monday.id_card.department]
    )
    theirs = statistics.compute(
        monday.location, Period.day(MONDAY), now=at(16), departments=[registry]
    )

    assert (own.total_bookings, own.booked_minutes, own.available_minutes) == (6, 75, 240)
    assert own.bookings["walk_in"] == 1
    assert (theirs.total_bookings, theirs.booked_minutes, theirs.available_minutes) == (2, 30, 120)
    assert theirs.services == [] and theirs.checked_in == 0


def test_periods_of_each_kind_and_the_period_before():
    assert Period.month(date(2026, 12, 9)) == Period(date(2026, 12, 1), date(2026, 12, 31), "month")
    assert Period.month(date(2028, 3, 31)).previous() == Period(
        date(2028, 2, 1), date(2028, 2, 29), "month"
    )
    assert Period.year(MONDAY).previous() == Period(date(2025, 1, 1), date(2025, 12, 31), "year")
    # The ISO week before Monday 4 January 2027 starts in 2026.
    assert Period.week(date(2027, 1, 4)).previous() == Period.week(date(2026, 12, 28))
    assert Period.day(MONDAY).previous() == Period.day(date(2026, 12, 6))
    assert Period.week(MONDAY).following() == Period.week(date(2026, 12, 14))
    with pytest.raises(ValueError):
        Period.of("decade", MONDAY)


def test_a_month_breaks_down_by_weeks_cut_at_its_ends_and_a_year_by_months():
    december = Period.month(MONDAY)
    assert [(part.first.day, part.last.day) for part in december.parts()] == [
        (1, 6),
        (7, 13),
        (14, 20),
        (21, 27),
        (28, 31),
    ]
    assert [part.first for part in Period.year(MONDAY).parts()][::11] == [
        date(2026, 1, 1),
        date(2026, 12, 1),
    ]
    assert Period.week(MONDAY).parts()[6] == Period.day(date(2026, 12, 13))


def test_walk_ins_count_in_utilisation_once_called(office):
    counter = Counter.objects.create(location=office.location, name="1")
    visits.walk_in(office.location, [Item(office.registration, 2)], now=at(8, day=TUESDAY))
    serve(office.clerk, counter, at(8, 5, day=TUESDAY), at(8, 30, day=TUESDAY))
    left = visits.walk_in(office.location, [Item(office.id_card)], now=at(9, day=TUESDAY))
    visits.no_show(
        visits.call_next(office.clerk, counter, now=at(9, 10, day=TUESDAY)),
        now=at(9, 12, day=TUESDAY),
    )
    visits.walk_in(office.location, [Item(office.id_card)], now=at(9, 30, day=TUESDAY))

    stats = statistics.compute(office.location, Period.day(TUESDAY), now=at(9, 31, day=TUESDAY))

    # Anmeldung twice: 15 + 5 expected minutes; the one who did not come and the one still
    # waiting took no clerk's time.
    assert left.pk and stats.usage.walk_in_minutes == 20
    assert stats.utilisation == 20 / 240


def test_walk_ins_count_up_to_the_free_time_of_their_day(office):
    # The clerk is away until 11:45: a quarter of an hour is left, and two walk-ins are served.
    Absence.objects.create(
        staff=office.clerk, start=at(8, day=TUESDAY), end=at(11, 45, day=TUESDAY)
    )
    counter = Counter.objects.create(location=office.location, name="1")
    for minute in (0, 20):
        visits.walk_in(office.location, [Item(office.id_card)], now=at(11, minute, day=TUESDAY))
        serve(office.clerk, counter, at(11, 45, day=TUESDAY), at(11, 59, day=TUESDAY))

    stats = statistics.compute(office.location, Period.day(TUESDAY), now=at(12, day=TUESDAY))

    [day] = stats.days
    assert (day.walk_in_minutes, day.used_minutes, day.available_minutes) == (30, 15, 15)
    assert stats.utilisation == 1


def test_a_week_is_compared_with_the_week_before(monday):
    next_week = Period.week(date(2026, 12, 14))
    book(monday, at(9, day=date(2026, 12, 14)))
    book(monday, at(9, day=date(2026, 12, 15)), channel=Channel.ONLINE)

    compared = statistics.compare(monday.location, next_week, now=at(18, day=date(2026, 12, 18)))

    assert compared.current.period == next_week
    assert compared.previous.period == Period.week(MONDAY)
    assert (compared.current.total_bookings, compared.previous.total_bookings) == (2, 6)
    assert statistics.relative_change(2, 6) == pytest.approx(-2 / 3)
    assert statistics.relative_change(2, 0) is None
    assert statistics.point_change(0.25, 0.2) == pytest.approx(5)


def test_the_csv_of_a_comparison_has_the_previous_values_and_changes(monday):
    compared = statistics.compare(monday.location, Period.day(TUESDAY), now=at(12, day=TUESDAY))

    rows = statistics.as_csv(compared.current, compared.previous).lstrip("\ufeff").splitlines()

    assert rows[0] == (
        "Standort;Von;Bis;Kennzahl;Detail;Wert;Vorperiode 07.12.2026–07.12.2026;"
        "Veränderung (%);Veränderung (Prozentpunkte)"
    )
    place = "Bürgerbüro Mitte;08.12.2026;08.12.2026"
    assert f"{place};Buchungen;gesamt;0;6;-100,0;" in rows
    assert f"{place};Nichterscheinensquote (%);;;20,0;;" in rows
    assert f"{place};Auslastung (%);gesamt;0,0;37,5;;-37,5" in rows
    # The previous period's utilisation follows as rows of its own.
    assert "Bürgerbüro Mitte;07.12.2026;07.12.2026;Gebuchte Minuten;;75;;;" in rows
    assert "Bürgerbüro Mitte;07.12.2026;07.12.2026;Minuten Spontankunden;;15;;;" in rows
