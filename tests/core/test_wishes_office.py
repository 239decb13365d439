"""The office's side of the wish-list: a wish taken by phone, answering its offer for the caller,
placing an urgent wish directly, and what a staff member sees.

The `office` fixture opens Monday to Friday 08–12; the clock stands on Friday 4 December 2026,
15:00 in Berlin. The wishes ask for Monday 7 December between 09:00 and 09:30.
"""

from datetime import date, time

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied

from amtstermin.core import booking
from amtstermin.core.errors import InvalidContact, NotChangeable, SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, StaffMember, Status, Wish, WishOffer
from amtstermin.core.wishes import desk, offers, placing, store
from amtstermin.core.wishes.errors import AlreadyWishing
from tests import factories
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock")]

NOW = berlin(2026, 12, 4, 15, 0)
MONDAY = date(2026, 12, 7)
NINE = berlin(2026, 12, 7, 9, 0)
TEN = berlin(2026, 12, 7, 10, 0)


def wanted(office, **changes) -> store.Wanted:
    return store.Wanted(
        **{
            "locations": [office.location],
            "latest_date": MONDAY,
            "weekdays": 0b0000001,
            "earliest_time": time(9, 0),
            "latest_time": time(9, 30),
            **changes,
        }
    )


def member(office, role=StaffMember.Role.CLERK, **fields) -> StaffMember:
    staff = factories.staff(department_=office.id_card.department, role=role, **fields)
    staff.locations.set([office.location])
    return staff


def by_phone(office, staff, *, phone="02381 123456", email="", urgent_reason="", **changes):
    return store.leave_for_caller(
        items=[Item(office.id_card)],
        wanted=wanted(office, **changes),
        wisher=store.Wisher("Karl Anrufer", email, phone),
        staff=staff,
        now=NOW,
        urgent_reason=urgent_reason,
    )


def take_the_morning(office) -> None:
    """Every start that fits the wishes is booked by others."""
    for minute in range(0, 30, 15):
        booking.book(
            location=office.location,
            items=[Item(office.id_card)],
            start=berlin(2026, 12, 7, 9, minute),
            contact=booking.Contact(f"Bürger {minute}", ""),
            channel=Channel.PHONE,
            now=NOW,
        )


def test_a_wish_by_phone_without_email_joins_the_queue_at_once_and_sends_nothing(office):
    clerk = member(office)
    wish = by_phone(office, clerk)
    wish.refresh_from_db()
    assert wish.status == Wish.Status.OFFERED  # verified by the clerk, served at once
    assert wish.left_by == clerk and wish.verified_at == NOW
    assert not mail.outbox  # no address, no mail: the desk calls
    offer = wish.offers.get()
    assert offer.appointment.start == NINE
    appointment = desk.accept_for_caller(offer=offer, staff=clerk, now=NOW)
    assert appointment.status == Status.BOOKED and appointment.phone == "02381 123456"
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED
    assert not mail.outbox


def test_a_wish_by_phone_with_email_waits_for_the_mailed_check(office):
    clerk = member(office)
    wish = by_phone(office, clerk, email="karl@example.org")
    assert wish.status == Wish.Status.UNVERIFIED and wish.left_by == clerk
    assert "/bestaetigen/" in mail.outbox[-1].body


def test_a_wish_by_phone_needs_a_number_and_counts_once_per_number(office):
    clerk = member(office)
    with pytest.raises(InvalidContact):
        by_phone(office, clerk, phone="")
    take_the_morning(office)
    by_phone(office, clerk)
    with pytest.raises(AlreadyWishing):
        by_phone(office, clerk, phone="02381/123456")  # the same digits
    by_phone(office, clerk, phone="02381 654321")
    assert Wish.objects.filter(status=Wish.Status.WAITING).count() == 2


def test_a_wish_by_phone_stays_in_the_clerks_scope(office):
    stranger = factories.staff(department_=factories.department(name="Standesamt"))
    stranger.locations.set([office.location])
    with pytest.raises(PermissionDenied):
        by_phone(office, stranger)  # not their department's service
    elsewhere = member(office)
    elsewhere.locations.set([factories.location(name="Rathaus Nord")])
    with pytest.raises(PermissionDenied):
        by_phone(office, elsewhere)  # not their location
    assert not Wish.objects.exists()


def test_declining_for_the_caller_passes_the_time_on_and_needs_the_scope(office):
    clerk = member(office)
    wish = by_phone(office, clerk)
    offer = wish.offers.get()
    stranger = factories.staff(department_=factories.department(name="Standesamt"))
    stranger.locations.set([office.location])
    with pytest.raises(PermissionDenied):
        desk.decline_for_caller(offer=offer, staff=stranger, now=NOW)
    desk.decline_for_caller(offer=offer, staff=clerk, now=NOW)
    offer.refresh_from_db()
    assert offer.state == WishOffer.State.DECLINED
    # The next fitting time, never the declined one.
    assert wish.offers.get(state=WishOffer.State.OPEN).appointment.start == berlin(
        2026, 12, 7, 9, 5
    )


def test_a_team_lead_places_an_urgent_wish_at_a_free_time_and_it_is_fulfilled(office):
    lead = member(office, StaffMember.Role.TEAM_LEAD)
    take_the_morning(office)
    wish = by_phone(office, lead, urgent_reason="Reise am 10.12.")
    assert wish.status == Wish.Status.WAITING  # nothing fits its window
    appointment = placing.place(wish=wish, location=office.location, start=TEN, actor=lead, now=NOW)
    assert appointment.start == TEN and appointment.status == Status.BOOKED
    assert appointment.channel == Channel.PHONE and appointment.name == "Karl Anrufer"
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED and wish.closed_at == NOW
    assert wish.placed_by == lead and wish.placed_appointment == appointment
    with pytest.raises(NotChangeable):
        placing.place(wish=wish, location=office.location, start=TEN, actor=lead, now=NOW)


def test_placing_withdraws_an_open_offer_at_another_time(office):
    lead = member(office, StaffMember.Role.TEAM_LEAD)
    wish = by_phone(office, lead, urgent_reason="Reise")
    held = wish.offers.get()
    placing.place(wish=wish, location=office.location, start=TEN, actor=lead, now=NOW)
    held.refresh_from_db()
    held.appointment.refresh_from_db()
    assert held.state == WishOffer.State.WITHDRAWN
    assert held.appointment.status == Status.CANCELLED
    wish.refresh_from_db()
    assert wish.status == Wish.Status.FULFILLED and wish.placed_appointment.start == TEN


def test_placing_at_the_offered_time_accepts_the_offer(office):
    lead = member(office, StaffMember.Role.TEAM_LEAD)
    wish = by_phone(office, lead, urgent_reason="Reise")
    held = wish.offers.get()
    appointment = placing.place(
        wish=wish, location=office.location, start=NINE, actor=lead, now=NOW
    )
    assert appointment == held.appointment and appointment.status == Status.BOOKED
    held.refresh_from_db()
    assert held.state == WishOffer.State.ACCEPTED
    wish.refresh_from_db()
    assert wish.placed_by == lead and wish.status == Wish.Status.FULFILLED


def test_only_a_lead_in_scope_places_only_an_urgent_wish_at_a_free_time(office):
    lead = member(office, StaffMember.Role.TEAM_LEAD)
    clerk = member(office)
    take_the_morning(office)
    urgent = by_phone(office, lead, urgent_reason="Reise")
    plain = by_phone(office, lead, phone="0171 222333")
    with pytest.raises(PermissionDenied):
        placing.place(wish=urgent, location=office.location, start=TEN, actor=clerk, now=NOW)
    with pytest.raises(PermissionDenied):
        placing.place(wish=plain, location=office.location, start=TEN, actor=lead, now=NOW)
    other_lead = factories.staff(
        department_=factories.department(name="Kfz"), role=StaffMember.Role.TEAM_LEAD
    )
    other_lead.locations.set([office.location])
    with pytest.raises(PermissionDenied):
        placing.place(wish=urgent, location=office.location, start=TEN, actor=other_lead, now=NOW)
    with pytest.raises(SlotTaken):
        placing.place(wish=urgent, location=office.location, start=NINE, actor=lead, now=NOW)
    urgent.refresh_from_db()
    assert urgent.status == Wish.Status.WAITING


def test_a_staff_member_sees_the_wishes_of_their_department_at_their_locations(office):
    clerk = member(office)
    take_the_morning(office)
    first = by_phone(office, clerk)
    second = by_phone(office, clerk, phone="0171 222333")
    other = store.leave_for_caller(
        items=[Item(office.registration)],
        wanted=wanted(office),
        wisher=store.Wisher("Ada", "", "0171 444555"),
        staff=clerk,
        now=NOW,
    )
    assert set(desk.scope_wishes(Wish.objects.all(), clerk)) == {first, second, other}
    stranger = factories.staff(department_=factories.department(name="Standesamt"))
    stranger.locations.set([office.location])
    assert not desk.scope_wishes(Wish.objects.all(), stranger).exists()
    # Places: per queue of a location and a service; another service waits in its own.
    assert desk.positions([first, second, other]) == {first.pk: 1, second.pk: 2, other.pk: 1}
    offers.settle(now=NOW)  # nothing to settle: positions hold
    store.cancel(wish=first, now=NOW)
    second.refresh_from_db()
    assert desk.positions([second]) == {second.pk: 1}
