"""Roster, absence and closure changes: who keeps each appointment, who is told, and what
capacity is left."""

import re
from datetime import date, time, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from amtstermin.core import booking, rosters
from amtstermin.core.errors import SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import (
    Absence,
    Appointment,
    Channel,
    Closure,
    Location,
    RosterBlock,
    StaffMember,
    Status,
)
from amtstermin.core.scheduling import availability
from tests import factories
from tests.conftest import berlin
from tests.fixtures.transactions import as_committed

SITE = "https://termine.musterstadt.de"
NOW = berlin(2026, 12, 1, 8, 0)  # a Tuesday
MONDAY = date(2026, 12, 7)
MONDAY_0930 = berlin(2026, 12, 7, 9, 30)
SICK_MONDAY = {"start": berlin(2026, 12, 7, 0, 0), "end": berlin(2026, 12, 8, 0, 0)}


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def colleague(office):
    """A second clerk with the same skills and hours."""
    member = factories.staff(skills=[office.id_card, office.registration], name="Sabine Kowalski")
    factories.roster(member, office.location)
    return member


def administrator() -> StaffMember:
    """Closures need a scope covering every department at the location."""
    return factories.staff(role=StaffMember.Role.ADMINISTRATOR, name="IT-Stelle")


def book(office, start=MONDAY_0930, *, name="Erika Mustermann") -> Appointment:
    return booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact(name=name, email="erika@example.org"),
        channel=Channel.PHONE,
        now=NOW,
    ).appointment


def sick(staff, **period):
    return rosters.add_absence(
        staff=staff, reason=Absence.Reason.SICKNESS, now=NOW, **(period or SICK_MONDAY)
    )


def kinds(appointment) -> list[str]:
    return list(appointment.events.values_list("kind", flat=True))


def test_absence_hands_the_appointment_to_a_free_colleague_without_telling_the_citizen(
    office, colleague, mailoutbox
):
    appointment = book(office)
    absent = appointment.staff
    other = colleague if absent == office.clerk else office.clerk
    mailoutbox.clear()

    outcome = sick(absent)

    [handover] = outcome.handed_over
    assert handover.appointment == appointment and handover.to == other
    assert outcome.affected == []
    appointment.refresh_from_db()
    assert appointment.staff == other and appointment.status == Status.BOOKED
    assert appointment.start == MONDAY_0930
    assert kinds(appointment) == ["booked", "reassigned"]
    assert mailoutbox == []


def test_a_hold_that_lapsed_on_the_colleagues_time_gives_way_to_the_handover(office, colleague):
    appointment = book(office)
    absent = appointment.staff
    other = colleague if absent == office.clerk else office.clerk
    with booking.without_mail():  # the colleague's time, held yesterday and never confirmed
        lapsed = booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=MONDAY_0930,
            contact=booking.Contact(name="Max Muster", email="max@example.org"),
            channel=Channel.ONLINE,
            now=NOW - timedelta(days=1),
            require_confirmation=True,
        ).appointment
    assert lapsed.staff == other and lapsed.is_stale_hold(now=NOW)

    [handover] = sick(absent).handed_over

    assert handover.appointment == appointment and handover.to == other
    lapsed.refresh_from_db()
    assert lapsed.status == Status.EXPIRED


def test_citizen_without_a_free_colleague_gets_the_disruption_mail(office, smtp_server):
    Location.objects.filter(pk=office.location.pk).update(phone="02345 678-0")
    appointment = book(office)
    assert len(smtp_server.messages) == 1  # the booked mail

    outcome = sick(office.clerk)

    assert outcome.affected == [appointment] and outcome.handed_over == []
    appointment.refresh_from_db()
    assert appointment.status == Status.BOOKED and appointment.staff == office.clerk
    assert kinds(appointment) == ["booked", "disrupted"]
    [_booked, mail] = smtp_server.messages
    assert mail["To"] == "erika@example.org"
    assert str(mail["Subject"]).strip() == (
        "Wir müssen Ihren Termin leider verschieben: Montag, 7. Dezember 2026, 09:30 Uhr"
    )
    text = mail.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
    html = mail.get_body(preferencelist=("html",)).get_content()
    token = re.search(re.escape(SITE) + r"/termin/verwalten/([A-Za-z0-9_-]+)/verschieben/", text)
    assert token and booking.find_by_token(token.group(1)) == appointment
    assert f'href="{SITE}/termin/verwalten/{token.group(1)}/verschieben/"' in html
    for body in (text, html):
        assert "Guten Tag Erika Mustermann," in body
        assert "Leider können wir Sie zu der unten genannten Zeit nicht bedienen" in body
        assert "Bitte wählen Sie hier eine neue Zeit" in body
        assert "rufen Sie uns bitte an: 02345 678-0" in body
        assert "Montag, 7. Dezember 2026, 09:30 Uhr" in body and appointment.reference in body
        assert "Bitte kommen Sie um" not in body  # nobody is there to serve them
    assert not [part for part in mail.iter_attachments() if part.get_filename() == "termin.ics"]


def test_closure_hits_every_clerk(office, colleague, mailoutbox):
    first = book(office, name="Erika Mustermann")
    second = book(office, name="Max Mustermann")
    assert {first.staff, second.staff} == {office.clerk, colleague}
    later = book(office, berlin(2026, 12, 7, 11, 0), name="Eva Muster")
    mailoutbox.clear()

    outcome = rosters.add_closure(
        location=office.location,
        start=berlin(2026, 12, 7, 9, 0),
        end=berlin(2026, 12, 7, 10, 30),
        reason="Betriebsversammlung",
        actor=administrator(),
        now=NOW,
    )

    assert outcome.affected == [first, second]
    assert outcome.handed_over == []
    assert (
        sorted(mail.subject[:42] for mail in mailoutbox)
        == ["Wir müssen Ihren Termin leider verschieben"] * 2
    )
    assert kinds(later) == ["booked"]


def test_ending_a_block_early_hits_the_weeks_after_only(office, mailoutbox):
    this_monday = book(office)
    next_monday = book(office, MONDAY_0930 + timedelta(days=7))
    [block] = RosterBlock.objects.filter(staff=office.clerk, weekday=0)

    outcome = rosters.end_block(block=block, last_day=MONDAY, now=NOW)

    assert outcome.affected == [next_monday]
    block.refresh_from_db()
    assert block.valid_until == MONDAY
    assert kinds(this_monday) == ["booked"]


def test_ending_a_block_before_it_starts_removes_it(office):
    [block] = RosterBlock.objects.filter(staff=office.clerk, weekday=0)

    rosters.end_block(block=block, last_day=block.valid_from - timedelta(days=1), now=NOW)

    assert not RosterBlock.objects.filter(pk=block.pk).exists()


def test_changing_hours_from_a_day_keeps_the_weeks_before(office, colleague):
    this_monday = book(office)
    next_monday = book(office, MONDAY_0930 + timedelta(days=7))
    [block] = RosterBlock.objects.filter(staff=next_monday.staff, weekday=0)

    outcome = rosters.change_block(
        block=block,
        weekday=0,
        start_time=time(10),
        end_time=time(14),
        valid_from=MONDAY + timedelta(days=1),
        valid_until=None,
        online_bookable=True,
        now=NOW,
    )

    # The colleague still works at 09:30 that Monday and takes it over.
    [handover] = outcome.handed_over
    assert handover.appointment == next_monday and handover.to != block.staff
    assert kinds(this_monday) == ["booked"]
    old, new = RosterBlock.objects.filter(staff=block.staff, weekday=0).order_by("valid_from")
    assert (old.valid_from, old.valid_until) == (block.valid_from, MONDAY)
    assert (new.start_time, new.end_time, new.valid_until) == (time(10), time(14), None)


def test_kept_back_block_keeps_its_appointments_but_leaves_online_capacity(office):
    appointment = book(office)
    [block] = RosterBlock.objects.filter(staff=office.clerk, weekday=0)

    outcome = rosters.change_block(
        block=block,
        weekday=0,
        start_time=block.start_time,
        end_time=block.end_time,
        valid_from=block.valid_from,
        valid_until=None,
        online_bookable=False,
        now=NOW,
    )

    assert outcome.affected == [] and outcome.handed_over == []
    assert kinds(appointment) == ["booked"]
    [change] = outcome.capacity
    # Six Mondays of 4 hours are no longer online, less the booked 15 minutes on the first.
    assert change.difference == -(6 * 240 - 15)


def test_absence_shows_the_lost_online_capacity(office):
    outcome = sick(office.clerk)

    [change] = outcome.capacity
    assert change.location == office.location
    assert change.difference == -240
    assert change.after == rosters.free_online_minutes(office.location, now=NOW)


def test_preview_writes_nothing_and_tells_what_saving_would(office, mailoutbox):
    appointment = book(office)
    mailoutbox.clear()
    version = Location.objects.get(pk=office.location.pk).version

    preview = rosters.add_absence(
        staff=office.clerk, reason=Absence.Reason.LEAVE, now=NOW, preview=True, **SICK_MONDAY
    )

    assert preview.affected == [appointment]
    assert not Absence.objects.exists()
    assert kinds(appointment) == ["booked"]
    assert Location.objects.get(pk=office.location.pk).version == version
    assert mailoutbox == []
    saved = rosters.add_absence(
        staff=office.clerk, reason=Absence.Reason.LEAVE, now=NOW, **SICK_MONDAY
    )
    assert saved.affected == preview.affected and saved.capacity == preview.capacity


def test_cached_calendar_changes_at_once(office):
    """Once an absence is committed, the cached calendar shows it: the change moves the
    location's bookings counter after its commit, which the cached entry is checked against."""
    items = [Item(office.id_card)]
    before = availability.compute(office.location, items, now=NOW, cached=True)
    assert before.count(MONDAY) > 0

    with as_committed():
        sick(office.clerk)

    after = availability.compute(office.location, items, now=NOW, cached=True)
    assert after.count(MONDAY) == 0
    with as_committed():
        rosters.remove_absence(absence=Absence.objects.get(), now=NOW)
    assert availability.compute(office.location, items, now=NOW, cached=True).count(MONDAY) > 0


def test_removing_a_closure_gives_the_time_back(office):
    it = administrator()
    rosters.add_closure(location=office.location, now=NOW, reason="Umzug", actor=it, **SICK_MONDAY)
    closure = Closure.objects.get()

    outcome = rosters.remove_closure(closure=closure, actor=it, now=NOW)

    assert not Closure.objects.exists()
    assert outcome.capacity[0].difference == 240


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"start_time": time(11), "end_time": time(13)},
            "überschneidet sich mit einem anderen Block",
        ),
        ({"start_time": time(13), "end_time": time(12)}, "muss nach seinem Beginn enden"),
        ({"valid_until": date(2019, 1, 1)}, "darf nicht vor dem ersten Tag liegen"),
    ],
)
def test_bad_block_is_refused_and_nothing_changes(office, change, message):
    fields = {
        "weekday": 0,
        "start_time": time(12),
        "end_time": time(14),
        "valid_from": date(2020, 1, 1),
        "valid_until": None,
        "online_bookable": True,
        **change,
    }
    with pytest.raises(rosters.RosterError, match=message):
        rosters.create_block(staff=office.clerk, location=office.location, now=NOW, **fields)
    assert RosterBlock.objects.count() == 5


def test_overlapping_or_backwards_absence_is_refused(office):
    sick(office.clerk)
    with pytest.raises(
        rosters.RosterError, match="überschneidet sich mit einer anderen Abwesenheit"
    ):
        sick(office.clerk, start=berlin(2026, 12, 7, 11), end=berlin(2026, 12, 9))
    with pytest.raises(rosters.RosterError, match="Ende muss nach dem Beginn liegen"):
        sick(office.clerk, start=berlin(2026, 12, 9), end=berlin(2026, 12, 8))
    assert Absence.objects.count() == 1


def test_appointment_that_has_begun_is_left_alone(office, mailoutbox):
    appointment = book(office)
    mailoutbox.clear()

    outcome = sick(
        office.clerk, start=MONDAY_0930 - timedelta(hours=1), end=MONDAY_0930 + timedelta(hours=1)
    )
    assert outcome.affected == [appointment]
    later = rosters.add_closure(
        location=office.location,
        start=MONDAY_0930,
        end=MONDAY_0930 + timedelta(hours=1),
        reason="Stromausfall",
        actor=administrator(),
        now=MONDAY_0930 + timedelta(minutes=5),
    )
    assert later.affected == []


@st.composite
def offices(draw):
    """Three clerks with some of two skills and their own hours; appointments; one absence."""
    return {
        "skills": draw(
            st.lists(st.frozensets(st.integers(0, 1), min_size=1), min_size=3, max_size=3)
        ),
        "hours": draw(
            st.lists(st.sampled_from([(8, 12), (9, 13), (8, 10)]), min_size=3, max_size=3)
        ),
        "bookings": draw(
            st.lists(st.tuples(st.integers(0, 1), st.integers(8 * 4, 12 * 4)), max_size=8)
        ),
        "absent": draw(st.integers(0, 2)),
        "absence": sorted(
            draw(st.lists(st.integers(7 * 4, 13 * 4), min_size=2, max_size=2, unique=True))
        ),
        "closure": draw(st.booleans()),
    }


def quarter(n: int):
    return berlin(2026, 12, 7) + timedelta(minutes=15 * n)


@pytest.mark.django_db
@hypothesis_settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=offices())
def test_after_any_absence_every_appointment_has_a_working_clerk_or_is_listed(plan):
    where = factories.location(slot_minutes=15)
    dept = factories.department()
    services = [
        factories.service(department=dept, locations=[where], duration_minutes=30) for _ in range(2)
    ]
    clerks = []
    for skills, (begin, end) in zip(plan["skills"], plan["hours"], strict=True):
        clerk = factories.staff(skills=[services[i] for i in sorted(skills)], department_=dept)
        factories.roster(clerk, where, start=time(begin), end=time(end))
        clerks.append(clerk)
    for n, (service, at) in enumerate(plan["bookings"]):
        try:
            booking.book(
                location=where,
                items=[Item(services[service])],
                start=quarter(at),
                contact=booking.Contact(name=f"Citizen {n}"),
                channel=Channel.PHONE,
                now=NOW,
            )
        except SlotTaken:
            pass
    before = {a.pk: a.staff_id for a in Appointment.objects.filter(location=where)}
    start, end = (quarter(n) for n in plan["absence"])
    if plan["closure"]:
        outcome = rosters.add_closure(
            location=where, start=start, end=end, reason="x", actor=administrator(), now=NOW
        )
    else:
        outcome = sick(clerks[plan["absent"]], start=start, end=end)

    affected = {appointment.pk for appointment in outcome.affected}
    hit = {a.pk for a in _hit(where, start, end, plan, clerks)}
    for appointment in Appointment.objects.filter(location=where).prefetch_related("items"):
        clerk = appointment.staff
        assert {item.service_id for item in appointment.items.all()} <= set(
            clerk.skills.values_list("pk", flat=True)
        )
        others = Appointment.objects.filter(staff=clerk).exclude(pk=appointment.pk)
        assert not others.overlapping(appointment.start, appointment.end).exists()
        if appointment.pk in affected:
            assert clerk.pk == before[appointment.pk]
            assert appointment.pk in hit
            continue
        begin, finish = plan["hours"][clerks.index(clerk)]
        assert berlin(2026, 12, 7, begin) <= appointment.start
        assert appointment.end <= berlin(2026, 12, 7, finish)
        if plan["closure"] or clerk == clerks[plan["absent"]]:
            assert appointment.end <= start or appointment.start >= end


def _hit(where, start, end, plan, clerks):
    """Appointments the change took the clerk from: an independent, wall-clock view."""
    found = Appointment.objects.filter(location=where).overlapping(start, end)
    return found if plan["closure"] else found.filter(staff=clerks[plan["absent"]])
