"""The clerk's counter: choose a counter, call the next visitor, call again / did not come /
done, check citizens in at the desk, issue walk-in numbers; never anything of another
department."""

from datetime import time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import visits
from amtstermin.core.items import Item
from amtstermin.core.models import Counter, OpeningHours, Status, Visit
from tests import factories
from tests.conftest import berlin
from tests.core.test_desk import appointment, daytime_zone
from tests.office.logins import log_in_verified, user_for

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday afternoon


@pytest.fixture
def desk_office(office, now):
    """The Bürgerbüro in daytime somewhere, its clerk working there, with counters 1 and 3."""
    office.location.time_zone = daytime_zone(now)
    office.location.save()
    office.clerk.locations.set([office.location])
    office.counter = Counter.objects.create(location=office.location, name="Schalter 3")
    Counter.objects.create(location=office.location, name="Schalter 1")
    return office


@pytest.fixture
def now():
    return timezone.now()


def url(name: str, office, **kwargs) -> str:
    return reverse(f"office:{name}", kwargs={"location_id": office.location.pk, **kwargs})


@pytest.fixture
def at_counter(client, desk_office):
    """The clerk logged in, working at Schalter 3."""
    log_in_verified(client, user_for(desk_office.clerk))
    client.post(url("counter_choose", desk_office), {"counter": desk_office.counter.pk})
    return client


def checked_in(office, start, name: str) -> Visit:
    return visits.check_in(
        appointment(office.location, office.id_card, start, name=name), now=start
    )


def call(client, office):
    return client.post(url("call_next", office), follow=True)


def test_clerk_chooses_a_counter_before_calling(client, desk_office):
    log_in_verified(client, user_for(desk_office.clerk))
    response = client.get(url("counter", desk_office), follow=True)
    assertContains(response, "An welchem Schalter")
    assertContains(response, "Schalter 1")
    response = client.post(url("counter_choose", desk_office), {"counter": ""})
    assert response.status_code == 422
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "Wählen Sie Ihren Schalter.", status_code=422)
    response = client.post(
        url("counter_choose", desk_office), {"counter": desk_office.counter.pk}, follow=True
    )
    assertContains(response, "<h1")
    assertContains(response, "Schalter 3")
    assertContains(response, "Nächste Person aufrufen")
    assertContains(response, "Niemand ist aufgerufen.")


def test_clerk_calls_due_appointments_in_time_order_then_walk_ins(at_counter, desk_office, now):
    walk_in = visits.walk_in(desk_office.location, [Item(desk_office.id_card)], now=now)
    second = checked_in(desk_office, now - timedelta(minutes=5), "Max Beispiel")
    first = checked_in(desk_office, now - timedelta(minutes=10), "Erika Mustermann")
    page = at_counter.get(url("counter", desk_office))
    for visit in (first, second, walk_in):
        assertContains(page, visit.waiting_number)

    response = call(at_counter, desk_office)
    assertContains(response, f"{first.waiting_number} ist zu Schalter 3 aufgerufen.")
    assertContains(response, "Erika Mustermann")
    assertContains(response, "1 × Personalausweis")
    assertContains(response, "Erneut aufrufen")

    assertContains(call(at_counter, desk_office), "Max Beispiel")
    response = call(at_counter, desk_office)
    assertContains(response, f"{walk_in.waiting_number} ist zu Schalter 3 aufgerufen.")
    assertContains(response, "keiner (ohne Termin)")
    first.refresh_from_db()
    assert first.state == Visit.State.DONE and first.appointment.status == Status.DONE
    assertContains(call(at_counter, desk_office), "Gerade wartet niemand, den Sie bedienen können.")


def test_walk_in_waits_when_it_would_make_a_booked_citizen_wait(at_counter, desk_office, now):
    clerk, where = desk_office.clerk, desk_office.location
    appointment(where, desk_office.id_card, now + timedelta(minutes=30), staff=clerk)
    long = visits.walk_in(where, [Item(desk_office.id_card, 3)], now=now)  # 35 minutes
    assertContains(call(at_counter, desk_office), "Gerade wartet niemand, den Sie bedienen können.")
    short = visits.walk_in(where, [Item(desk_office.id_card)], now=now)  # 15 minutes
    assertContains(call(at_counter, desk_office), f"{short.waiting_number} ist zu Schalter 3")
    long.refresh_from_db()
    assert long.state == Visit.State.WAITING


def test_clerk_calls_again_marks_no_show_and_done(at_counter, desk_office, now):
    visit = checked_in(desk_office, now - timedelta(minutes=1), "Erika Mustermann")
    call(at_counter, desk_office)
    action = url("visit_action", desk_office)

    response = at_counter.post(action, {"visit": visit.pk, "action": "recall"}, follow=True)
    assertContains(response, f"{visit.waiting_number} wird erneut aufgerufen.")
    assertContains(response, "2-mal")
    response = at_counter.post(action, {"visit": visit.pk, "action": "no_show"}, follow=True)
    assertContains(response, f"{visit.waiting_number} ist nicht erschienen.")
    assertContains(response, "Niemand ist aufgerufen.")
    visit.refresh_from_db()
    assert visit.state == Visit.State.NO_SHOW
    assert visit.appointment.status == Status.NO_SHOW

    response = at_counter.post(action, {"visit": visit.pk, "action": "finish"}, follow=True)
    assertContains(response, "Diese Person ist gerade nicht aufgerufen.")
    visit.refresh_from_db()
    assert visit.state == Visit.State.NO_SHOW


def test_clerk_finishes_the_visit_at_the_counter(at_counter, desk_office, now):
    visit = visits.walk_in(desk_office.location, [Item(desk_office.id_card)], now=now)
    call(at_counter, desk_office)
    response = at_counter.post(
        url("visit_action", desk_office), {"visit": visit.pk, "action": "finish"}, follow=True
    )
    assertContains(response, f"{visit.waiting_number} ist erledigt.")
    visit.refresh_from_db()
    assert visit.state == Visit.State.DONE


def test_unknown_action_changes_nothing(at_counter, desk_office, now):
    visit = visits.walk_in(desk_office.location, [Item(desk_office.id_card)], now=now)
    call(at_counter, desk_office)
    response = at_counter.post(
        url("visit_action", desk_office), {"visit": visit.pk, "action": "delete"}, follow=True
    )
    assertContains(response, "Diese Aktion ist nicht möglich.")
    visit.refresh_from_db()
    assert visit.state == Visit.State.CALLED


def test_clerk_issues_a_walk_in_number(at_counter, desk_office):
    page = at_counter.get(url("walk_in", desk_office))
    assertContains(page, "Anmeldung")
    field = f"service-{desk_office.registration.pk}"
    response = at_counter.post(url("walk_in", desk_office), {field: "2"}, follow=True)
    visit = Visit.objects.get()
    assert visit.kind == Visit.Kind.WALK_IN and visit.minutes == 20
    assertContains(
        response,
        f'<p class="amt-counter-big amt-counter-big--ticket">{visit.waiting_number}</p>',
        html=False,
    )
    assertContains(response, "2 × Anmeldung")


def test_walk_in_without_services_or_with_too_many_is_refused(at_counter, desk_office):
    response = at_counter.post(url("walk_in", desk_office), {})
    assertContains(
        response, "Bitte wählen Sie mindestens eine Dienstleistung aus.", status_code=422
    )
    field = f"service-{desk_office.id_card.pk}"
    response = at_counter.post(url("walk_in", desk_office), {field: "9"})
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "höchstens 3-mal", status_code=422)
    assert not Visit.objects.exists()


def test_walk_in_number_after_closing_time_needs_the_clerks_confirmation(
    at_counter, desk_office, clock
):
    for weekday in range(5):
        OpeningHours.objects.create(
            location=desk_office.location, weekday=weekday, opens=time(8), closes=time(12)
        )
    field = f"service-{desk_office.id_card.pk}"
    clock.now = berlin(2026, 12, 4, 11, 0)
    assertNotContains(at_counter.get(url("walk_in", desk_office)), "Trotzdem Wartenummer")

    clock.now = berlin(2026, 12, 4, 17, 43)  # a Friday, after the 12:00 closing
    closed = "Bürgerbüro Mitte ist jetzt geschlossen. Öffnungszeiten heute: 08:00–12:00 Uhr."
    page = at_counter.get(url("walk_in", desk_office))
    assertContains(page, "Außerhalb der Öffnungszeiten")
    assertContains(page, closed)
    assertContains(page, "Trotzdem Wartenummer ausgeben")

    response = at_counter.post(url("walk_in", desk_office), {field: "1"})
    assertContains(response, "Fehler:", status_code=422)
    assertContains(
        response,
        f'<a class="kern-link" href="#id_despite_closed">{closed}</a>',
        status_code=422,
        html=True,
    )
    assert not Visit.objects.exists()

    response = at_counter.post(
        url("walk_in", desk_office), {field: "1", "despite_closed": "on"}, follow=True
    )
    visit = Visit.objects.get()
    assertContains(
        response,
        f'<p class="amt-counter-big amt-counter-big--ticket">{visit.waiting_number}</p>',
        html=True,
    )


def test_clerk_checks_a_citizen_in_found_by_name(at_counter, desk_office, now):
    erika = appointment(desk_office.location, desk_office.id_card, now, name="Erika Mustermann")
    response = at_counter.get(url("desk_search", desk_office), {"q": "mustermann"})
    assertContains(response, "1 Termin gefunden")
    assertContains(response, erika.reference)
    response = at_counter.post(
        url("check_in", desk_office, appointment_id=erika.pk), {"q": "mustermann"}, follow=True
    )
    assertContains(
        response, f"Erika Mustermann ist eingecheckt, Wartenummer {erika.waiting_number}."
    )
    assert response.redirect_chain[-1][0].endswith("?q=mustermann")
    assert Visit.objects.get().appointment == erika


def test_clerk_is_told_from_when_an_early_citizen_can_check_in(at_counter, desk_office):
    early = appointment(desk_office.location, desk_office.id_card, berlin(2026, 12, 4, 15, 40))
    response = at_counter.post(url("check_in", desk_office, appointment_id=early.pk), follow=True)
    assertContains(
        response,
        "Erika Mustermann ist zu früh da: Der Termin ist um 15:40 Uhr, Einchecken ab 15:25 Uhr.",
    )
    assertNotContains(response, "Bitte kommen Sie")  # that is the kiosk's wording
    assert not Visit.objects.exists()


def test_clerk_is_told_the_day_of_an_appointment_on_another_day(at_counter, desk_office):
    monday = berlin(2026, 12, 7, 9, 30)
    erika = appointment(desk_office.location, desk_office.id_card, monday)
    response = at_counter.post(url("check_in", desk_office, appointment_id=erika.pk), follow=True)
    assertContains(
        response, "Der Termin von Erika Mustermann ist am Montag, 7. Dezember – nicht heute."
    )
    assertNotContains(response, "Ihr Termin")
    assert not Visit.objects.exists()


def test_late_citizen_follows_the_locations_rule(at_counter, desk_office, now):
    where = desk_office.location
    late = appointment(where, desk_office.id_card, now - timedelta(minutes=30), name="Max Spät")
    where.late_rule = "rebook"
    where.save()
    check_in = url("check_in", desk_office, appointment_id=late.pk)
    assertContains(
        at_counter.post(check_in, follow=True),
        "an diesem Standort buchen Verspätete einen neuen Termin.",
    )
    assert not Visit.objects.exists()

    where.late_rule = "serve"
    where.save()
    response = at_counter.post(check_in, follow=True)
    assertContains(response, "Max Spät ist verspätet eingecheckt")


def test_unknown_reference_and_short_name_get_a_message(at_counter, desk_office):
    response = at_counter.get(url("desk_search", desk_office), {"q": "ABCD-EFGH-J"})
    assertContains(response, "Kein Termin gefunden.")
    response = at_counter.get(url("desk_search", desk_office), {"q": "E"})
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "mindestens 2 Zeichen", status_code=422)


@pytest.fixture
def registrar(desk_office):
    """A Standesamt clerk at the same Bürgerbüro, with a couple waiting."""
    marriage = factories.service(name="Eheschließung anmelden", locations=[desk_office.location])
    member = factories.staff(skills=[marriage], name="Standesbeamtin")
    member.locations.set([desk_office.location])
    return member


def test_clerk_of_another_department_sees_nothing_of_the_queue(client, desk_office, registrar, now):
    visit = checked_in(desk_office, now - timedelta(minutes=1), "Erika Mustermann")
    walk_in = visits.walk_in(desk_office.location, [Item(desk_office.id_card)], now=now)
    log_in_verified(client, user_for(registrar))
    client.post(url("counter_choose", desk_office), {"counter": desk_office.counter.pk})

    page = client.get(url("counter", desk_office))
    assertContains(page, "Niemand wartet.")
    assertNotContains(page, visit.waiting_number)
    assertContains(call(client, desk_office), "Gerade wartet niemand")
    action = {"visit": visit.pk, "action": "finish"}
    assert client.post(url("visit_action", desk_office), action).status_code == 404
    appointment_id = visit.appointment_id
    assert (
        client.post(url("check_in", desk_office, appointment_id=appointment_id)).status_code == 404
    )
    assert client.get(url("walk_in", desk_office), {"nummer": walk_in.pk}).status_code == 404
    search = client.get(url("desk_search", desk_office), {"q": "Erika"})
    assertNotContains(search, "Erika Mustermann")
    assertNotContains(client.get(url("walk_in", desk_office)), "Personalausweis")


def test_queue_costs_the_same_queries_for_one_or_three_visitors(
    at_counter, desk_office, now, django_assert_num_queries
):
    def queue_queries(count: int) -> None:
        Visit.objects.all().delete()
        for _ in range(count):
            visits.walk_in(desk_office.location, [Item(desk_office.id_card)], now=now)
        with django_assert_num_queries(QUEUE_QUERIES):
            response = at_counter.get(url("counter_queue", desk_office))
        assert response.content.decode().count("<tr") == count + 1

    queue_queries(1)
    queue_queries(3)


# Session, user, second factor, staff member, location, visits, their items with services.
QUEUE_QUERIES = 7
