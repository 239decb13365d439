"""Staff of one department at a shared location never change another department's things.

The Standesamt works in the Bürgerbüro Mitte beside the Einwohnermeldewesen. Its team lead and
its clerk post every office form at the Einwohnermeldewesen's objects there (appointment, visits,
roster block, absence, online request) and at the location as a whole (a closure): each POST is
refused or finds nothing, and not one row changes. The same POSTs from the Einwohnermeldewesen's
side (or an administrator's, for closures) do change rows, so the refusals are the scope at work,
not a broken payload.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from pytest_django.asserts import assertContains, assertNotContains

from amtstermin.core import online_requests, rosters
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Absence,
    Appointment,
    AppointmentEvent,
    Closure,
    Counter,
    Location,
    OnlineRequest,
    OnlineRequestEvent,
    RosterBlock,
    Service,
    StaffMember,
    Visit,
    VisitEvent,
    Wish,
    WishOffer,
)
from amtstermin.core.staff_scope import covers_location
from amtstermin.core.wishes import store as wishes
from amtstermin.office.desk_booking import keys
from tests import factories
from tests.conftest import berlin
from tests.office.logins import log_in_verified, user_for
from tests.office.test_access import GUARDED

NOW = berlin(2026, 12, 7, 8, 50)  # a Monday, ten minutes before Erika's appointment
TRACKED = (
    Appointment,
    AppointmentEvent,
    Visit,
    VisitEvent,
    RosterBlock,
    Absence,
    Closure,
    OnlineRequest,
    OnlineRequestEvent,
    Wish,
    WishOffer,
    Location,  # its version: every change of free time bumps it
)


def snapshot() -> dict:
    return {model.__name__: list(model.objects.order_by("pk").values()) for model in TRACKED}


def visit(where: Location, service: Service, number: str, **fields) -> Visit:
    return factories.waiting_walk_in(where, service, number, at=NOW, **fields)


@pytest.fixture
def mitte(office, citizen, colleague):
    """The Einwohnermeldewesen's things at the Bürgerbüro Mitte, and the Standesamt beside it."""
    where = office.location
    counter = Counter.objects.create(location=where, name="Schalter 1")
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.save()
    colleague.skills.set([office.id_card])
    marriage = factories.service(name="Eheschließung anmelden", locations=[where])
    standesamt = {}
    for role in (StaffMember.Role.TEAM_LEAD, StaffMember.Role.CLERK):
        member = factories.staff(department_=marriage.department, role=role, name=f"Stand {role}")
        # A skill entered by mistake: it must not open the other department's queue.
        member.skills.set([marriage, office.id_card])
        member.locations.set([where])
        factories.roster(member, where, weekdays=[1])
        standesamt[role] = member
    request_service = factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        department=office.id_card.department,
    )
    application = online_requests.submit(
        service=request_service,
        kind=OnlineRequest.Kind.STEUER_ID,
        requester=online_requests.Requester(
            name="Max Antragsteller", email="max@example.org", postal_address="Markt 3"
        ),
        data={"date_of_birth": "1975-06-30", "place_of_birth": "Köln"},
        now=berlin(2026, 12, 1, 8, 0),
    ).request
    # A caller's urgent wish (no email: counted at once), served with an open offer.
    wish = wishes.leave_for_caller(
        items=[Item(office.id_card)],
        wanted=wishes.Wanted(locations=[where], latest_date=berlin(2026, 12, 11).date()),
        wisher=wishes.Wisher("Paul Anrufer", "", "0171 5550199"),
        staff=colleague,
        now=NOW,
        urgent_reason="Reise in zehn Tagen",
    )
    return SimpleNamespace(
        location=where,
        counter=counter,
        wish=wish,
        appointment=citizen,
        waiting=visit(where, office.id_card, "A-001"),
        called=visit(
            where,
            office.id_card,
            "A-002",
            state=Visit.State.CALLED,
            called_at=NOW,
            staff=office.clerk,
            counter=counter,
            calls=1,
        ),
        block=RosterBlock.objects.get(staff=office.clerk, weekday=0),
        absence=Absence.objects.create(
            staff=office.clerk, start=berlin(2026, 12, 8, 8), end=berlin(2026, 12, 8, 12)
        ),
        closure=Closure.objects.create(
            location=where,
            start=berlin(2026, 12, 24),
            end=berlin(2026, 12, 25),
            reason="Heiligabend",
        ),
        application=application,
        id_card=office.id_card,
        clerk=office.clerk,
        lead=colleague,
        standesamt=standesamt,
    )


def _block(**fields) -> dict:
    week = {"weekday": 0, "start_time": "10:00", "end_time": "12:00", "valid_from": "2026-12-07"}
    return {**week, "online_bookable": "on", "confirm": "1", **fields}


def _period(**fields) -> dict:
    return {"first_day": "2026-12-07", "last_day": "2026-12-07", "confirm": "1", **fields}


# Every office POST, aimed at the Einwohnermeldewesen's objects: (url name, query, form data).
POSTS = {
    "counter_choose": ("", lambda m, user: {"counter": m.counter.pk}),
    "call_next": ("", lambda m, user: {}),
    "visit_action": ("", lambda m, user: {"visit": m.called.pk, "action": "finish"}),
    "check_in": ("", lambda m, user: {}),
    "walk_in": ("", lambda m, user: {f"service-{m.id_card.pk}": "1"}),
    "desk_book": (
        "",
        lambda m, user: {
            f"service-{m.id_card.pk}": "1",
            "tag": "2026-12-07",
            "channel": "phone",
            "start": berlin(2026, 12, 7, 10, 0).isoformat(),
            "name": "Max Beispiel",
            "language": "de",
            "key": keys.issue(SimpleNamespace(user=user)),
        },
    ),
    "request_detail": ("", lambda m, user: {"action": "claim"}),
    "appointment_move": (
        "",
        lambda m, user: {"tag": "2026-12-07", "start": berlin(2026, 12, 7, 10, 0).isoformat()},
    ),
    "appointment_cancel": ("", lambda m, user: {"reason": "Die Sachbearbeiterin ist krank."}),
    "appointment_contact": (
        "",
        lambda m, user: {"name": "Erika Mustermann", "phone": "0171 5550123", "language": "de"},
    ),
    "appointment_resend": ("", lambda m, user: {}),
    "roster_block": ("", lambda m, user: _block(staff=m.clerk.pk, weekday=5)),
    "roster_block_change": ("?block={block}", lambda m, user: _block()),
    "roster_block_end": (
        "?block={block}",
        lambda m, user: {"last_day": "2026-12-06", "confirm": "1"},
    ),
    "roster_absence": ("", lambda m, user: _period(staff=m.clerk.pk, reason="sickness")),
    "roster_absence_remove": ("", lambda m, user: {"row": m.absence.pk, "confirm": "1"}),
    "roster_closure": ("", lambda m, user: _period(reason="Betriebsausflug")),
    "roster_closure_remove": ("", lambda m, user: {"row": m.closure.pk, "confirm": "1"}),
    "wish_answer": ("", lambda m, user: {"action": "decline"}),
    "wish_place": (
        "",
        lambda m, user: {"start": f"{m.location.pk}|{berlin(2026, 12, 7, 10, 0).isoformat()}"},
    ),
    "wish_leave": (
        "",
        lambda m, user: {
            f"service-{m.id_card.pk}": "1",
            "weekdays": ["0", "1"],
            "latest_date": "2026-12-11",
            "name": "Max Beispiel",
            "phone": "0171 5550123",
            "language": "de",
        },
    ),
}
# Allowed to the Standesamt too, on its own behalf: choosing a counter (the session only) and
# calling its own next visitor (nobody is waiting for it).
OWN_BUSINESS = {"counter_choose", "call_next"}
# Location-wide: the Einwohnermeldewesen's lead may not either (the Standesamt works there too).
LOCATION_WIDE = {"roster_closure", "roster_closure_remove"}


def _post(client, m, name: str, user):
    query, data = POSTS[name]
    route = "roster_block" if name == "roster_block_change" else name
    kwargs = {"location_id": m.location.pk}
    if route == "check_in":
        kwargs["appointment_id"] = m.appointment.pk
    if route == "request_detail":
        kwargs = {"reference": m.application.reference}
    if route.startswith("appointment_"):
        kwargs = {"reference": m.appointment.reference}
    if route in ("wish_answer", "wish_place"):
        kwargs = {"reference": m.wish.reference}
    url = reverse(f"office:{route}", kwargs=kwargs) + query.format(block=m.block.pk)
    return client.post(url, data(m, user))


def _log_in(client, m, staff: StaffMember):
    user = user_for(staff)
    log_in_verified(client, user)
    session = client.session
    session[f"counter-{m.location.pk}"] = m.counter.pk  # the counter chosen this morning
    session.save()
    return user


# Pages that answer any method with the same page: a POST there only reads.
PAGES_FOR_ANY_METHOD = {"overview", "day_plan", "desk_booked"}
# Writes that belong to the whole site, not a department: feedback on barriers is answered by
# any team lead (tests/office/test_accessibility_feedback.py covers who may).
SITE_WIDE_POSTS = {"accessibility_feedback"}
# Writes about the staff member's own settings, of no department: their calendar feed
# (tests/office/test_calendar_feed.py: one clerk's address never opens another's appointments).
PERSONAL_POSTS = {"calendar_feed"}


def test_every_office_post_is_in_the_list(client, mitte):
    """A new form must join POSTS: every other office page refuses POST (405) or only reads."""
    _log_in(client, mitte, factories.staff(role=StaffMember.Role.ADMINISTRATOR, name="IT"))
    before = snapshot()
    for pattern in GUARDED:
        if pattern.name in POSTS or pattern.name in SITE_WIDE_POSTS | PERSONAL_POSTS:
            continue
        kwargs = {"location_id": mitte.location.pk, "reference": mitte.appointment.reference}
        if pattern.name.startswith("wish_"):
            kwargs["reference"] = mitte.wish.reference
        kwargs = {name: kwargs[name] for name in pattern.pattern.converters}
        response = client.post(reverse(f"office:{pattern.name}", kwargs=kwargs))
        expected = 200 if pattern.name in PAGES_FOR_ANY_METHOD else 405
        assert response.status_code == expected, f"office:{pattern.name} takes POST: list it"
    assert snapshot() == before


@pytest.mark.parametrize("name", sorted(POSTS))
@pytest.mark.parametrize("role", [StaffMember.Role.TEAM_LEAD, StaffMember.Role.CLERK])
def test_other_department_at_the_same_location_changes_nothing(
    client, mitte, mailoutbox, name, role
):
    user = _log_in(client, mitte, mitte.standesamt[role])
    mailoutbox.clear()  # the booking's and the request's own mails
    before = snapshot()

    response = _post(client, mitte, name, user)

    allowed = {403, 404, 422} | ({302} if name in OWN_BUSINESS else set())
    assert response.status_code in allowed
    assert snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize("name", sorted(set(POSTS) - {"counter_choose"}))
def test_the_same_post_from_the_right_scope_changes_something(client, mitte, name):
    """The other side: the payloads are real, so the refusals above are the scope at work."""
    actor = mitte.lead
    if name in LOCATION_WIDE:
        actor = factories.staff(role=StaffMember.Role.ADMINISTRATOR, name="IT-Stelle")
    user = _log_in(client, mitte, actor)
    before = snapshot()

    response = _post(client, mitte, name, user)

    assert response.status_code == 302
    assert snapshot() != before


def test_lead_of_one_of_two_departments_is_not_offered_a_closure(client, mitte):
    _log_in(client, mitte, mitte.lead)
    week = client.get(reverse("office:roster_week", args=[mitte.location.pk]))
    form = client.get(reverse("office:roster_closure", args=[mitte.location.pk]))

    assertNotContains(week, reverse("office:roster_closure", args=[mitte.location.pk]))
    assertNotContains(week, reverse("office:roster_closure_remove", args=[mitte.location.pk]))
    assertContains(week, "Heiligabend")  # the closure is still shown
    refusal = "Am Standort Bürgerbüro Mitte arbeiten auch andere Fachbereiche."
    assertContains(week, refusal)
    assertContains(form, refusal, status_code=403)
    assertNotContains(form, 'name="reason"', status_code=403)


def test_administrator_is_offered_the_closure(client, mitte):
    _log_in(client, mitte, factories.staff(role=StaffMember.Role.ADMINISTRATOR, name="IT"))
    week = client.get(reverse("office:roster_week", args=[mitte.location.pk]))
    assertContains(week, reverse("office:roster_closure", args=[mitte.location.pk]))
    assertContains(week, reverse("office:roster_closure_remove", args=[mitte.location.pk]))


def test_core_refuses_a_closure_by_a_lead_of_one_of_two_departments(mitte, mailoutbox):
    mailoutbox.clear()
    before = snapshot()
    for lead in (mitte.lead, mitte.standesamt[StaffMember.Role.TEAM_LEAD]):
        with pytest.raises(rosters.OutsideScope) as refused:
            rosters.add_closure(
                location=mitte.location,
                start=berlin(2026, 12, 7, 9),
                end=berlin(2026, 12, 7, 12),
                reason="Betriebsausflug",
                actor=lead,
                now=NOW,
            )
        with pytest.raises(rosters.OutsideScope):
            rosters.remove_closure(closure=mitte.closure, actor=lead, now=NOW)
    assert "Bürgerbüro Mitte" in str(refused.value.message)
    assert snapshot() == before
    assert mailoutbox == []


def test_a_department_that_only_offers_a_service_there_counts(office, colleague):
    """No staff of the Kfz department work there yet, but citizens book its service there."""
    colleague.role = StaffMember.Role.TEAM_LEAD
    assert covers_location(colleague, office.location)
    factories.service(name="Kfz-Zulassung", locations=[office.location])
    assert not covers_location(colleague, office.location)


def test_lead_covers_no_location_they_do_not_work_at(office, colleague):
    colleague.role = StaffMember.Role.TEAM_LEAD
    colleague.locations.set([factories.location(name="Bürgerbüro Süd")])
    assert not covers_location(colleague, office.location)


def test_inactive_administrator_covers_nothing(office):
    gone = factories.staff(role=StaffMember.Role.ADMINISTRATOR, active=False)
    assert not covers_location(gone, office.location)
