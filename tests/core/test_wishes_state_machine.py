"""The wish-list in any order (issue 15, "Must hold"): wishes left and verified, times booked
online and by phone, appointments cancelled, offers accepted, declined or left to lapse, roster
blocks and absences added and removed, the minute job run, with the clock moving on.

After every step: no clerk holds two overlapping appointments, no time is offered twice, every
offer is open, accepted, declined, lapsed or withdrawn and its wish's status agrees, and each new
offer went to the oldest waiting wish that time fitted. After the minute job, no waiting wish
fits a free time at all. "Fits" is judged by an oracle of its own below (roster blocks,
absences and appointments in wall-clock quarters), never by the core's availability code.

A small Bürgerbüro: quarter-hour slots; clerk A (both services) Mon–Fri 09:00–09:30, clerk B
(the short service only) Mon–Fri 09:00–09:15, most of it booked at first; wishes reach Monday
7 and Tuesday 8 December 2026; the clock starts on Friday 4 December, 15:00, and never passes
Monday noon.
"""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core import mail
from django.core.cache import cache
from django.test import TestCase
from django_tasks.base import TaskResultStatus
from django_tasks.signals import task_finished
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from amtstermin.core import booking, limits, rosters
from amtstermin.core.errors import BookingError, NotChangeable, SlotTaken
from amtstermin.core.items import Item
from amtstermin.core.models import (
    HOLDING,
    Absence,
    Appointment,
    Channel,
    RosterBlock,
    Status,
    Wish,
    WishOffer,
)
from amtstermin.core.wishes import offers, rounds, store
from amtstermin.core.wishes.errors import AlreadyWishing, OfferGone, OutsideWindow
from tests import factories
from tests.conftest import BERLIN, berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)
DAYS = [date(2026, 12, 7), date(2026, 12, 8)]  # Monday and Tuesday
LAST_MOMENT = berlin(2026, 12, 7, 12, 0)  # the clock stops here: Tuesday stays ahead
QUARTER = timedelta(minutes=15)
WINDOWS = [(None, None), (time(9, 0), time(9, 30)), (time(9, 15), None), (None, time(9, 15))]
MAILBOXES = ["erika@example.org", "Erika+zwei@Example.org"] + [
    f"{name}@example.org" for name in ("max", "jo", "ali", "ola", "ute")
]
STARTS = [berlin(2026, 12, 7 + day, 9, 0) + n * QUARTER for day in range(2) for n in range(3)]
CHANGED_BLOCKS = [(time(8, 30), time(9, 0)), (time(9, 30), time(10, 0)), (time(9, 15), time(9, 45))]


# Mostly alike (the short service, any time, both days), so that wishes compete for a time.
WISHES = {
    "mailbox": st.sampled_from(MAILBOXES),
    "services": st.sampled_from([0, 0, 0, 1, 2, 3]),
    "weekdays": st.sampled_from([3, 3, 1, 2]),  # bits: Monday, Tuesday
    "window": st.sampled_from([WINDOWS[0], *WINDOWS]),
    "latest": st.sampled_from([1, 1, 0]),
    "verify": st.sampled_from([True, True, False]),
}


class WishListMachine(RuleBasedStateMachine):
    clock = None  # the test's frozen clock, set before the run

    def __init__(self):
        super().__init__()
        # Each example runs in a savepoint of its own and leaves nothing behind: the core's
        # durable blocks nest in it as they do in a test's transaction.
        self.atomics = TestCase._enter_atomics()
        cache.clear()
        mail.outbox = []
        self.clock.now = NOW
        self.failed_tasks = []
        task_finished.connect(self._note_task)
        self.location = factories.location(slot_minutes=15, wish_offer_minutes=60)
        department = factories.department()
        self.short = factories.service(
            department=department, locations=[self.location], duration_minutes=15,
            additional_minutes=15,
        )  # fmt: skip
        self.long = factories.service(
            department=department, locations=[self.location], duration_minutes=30,
            additional_minutes=15,
        )  # fmt: skip
        self.clerks = [
            factories.staff(skills=[self.short, self.long]),
            factories.staff(skills=[self.short], department_=department),
        ]
        # Little time, so wishes queue and freed time has several takers.
        factories.roster(self.clerks[0], self.location, start=time(9), end=time(9, 30))
        factories.roster(self.clerks[1], self.location, start=time(9), end=time(9, 15))
        self.bookings = 0
        self.seen_offers: set[int] = set()
        self.tended = False

    def teardown(self):
        task_finished.disconnect(self._note_task)
        TestCase._rollback_atomics(self.atomics)

    def _note_task(self, sender, task_result, **kwargs):
        if task_result.status == TaskResultStatus.FAILED:
            self.failed_tasks.append(task_result.errors)

    @property
    def now(self) -> datetime:
        return self.clock.now

    def items(self, choice: int) -> list[Item]:
        return [
            [Item(self.short)],
            [Item(self.short, 2)],
            [Item(self.long)],
            [Item(self.short), Item(self.long)],
        ][choice]

    @initialize(left_free=st.sets(st.sampled_from(STARTS), max_size=1))
    def full_days(self, left_free):
        """Booked up at first: wishes queue, and a freed time has several takers."""
        for start in STARTS:
            if start not in left_free:
                self.book(start=start, services=0, online=False)
                self.book(start=start, services=0, online=True)

    # Wishes ---------------------------------------------------------------------------------

    @rule(**WISHES)
    def leave_a_wish(self, **wish):
        self._leave(**wish)

    @rule(**WISHES)  # twice the chance: a queue needs wishes
    def leave_one_more_wish(self, **wish):
        self._leave(**wish)

    def _leave(self, mailbox, services, weekdays, window, latest, verify):
        items = self.items(services)
        open_before = Wish.objects.filter(
            email_key=limits.normalise_email(mailbox),
            services_key=store.services_key(items),
            status__in=[Wish.Status.WAITING, Wish.Status.OFFERED],
        ).exists()
        wanted = store.Wanted(
            locations=[self.location],
            latest_date=DAYS[latest],
            weekdays=weekdays,
            earliest_time=window[0],
            latest_time=window[1],
        )
        try:
            left = store.leave(
                items=items, wanted=wanted, wisher=store.Wisher("Erika", mailbox), now=self.now
            )
        except AlreadyWishing:
            assert open_before
            return
        except OutsideWindow:
            assert DAYS[latest] < self.now.astimezone(BERLIN).date()
            return
        assert not open_before
        if verify:
            self._verify(left.wish)

    @precondition(lambda self: Wish.objects.filter(status=Wish.Status.UNVERIFIED).exists())
    @rule(pick=st.integers(0, 20))
    def verify_a_later_one(self, pick):
        wish = _pick(Wish.objects.filter(status=Wish.Status.UNVERIFIED), pick)
        if wish is not None:
            self._verify(wish)

    def _verify(self, wish: Wish) -> None:
        body = next(
            m.body
            for m in reversed(mail.outbox)
            if wish.reference in m.body and "/bestaetigen/" in m.body
        )
        token = re.search(r"/termin/wunsch/([^/\s]+)/bestaetigen/", body).group(1)
        assert store.find_by_token(token, mailed=True) == wish
        try:
            store.verify(wish=wish, now=self.now)
        except AlreadyWishing:
            # Another wish of the mailbox for these services was verified first.
            assert Wish.objects.filter(
                email_key=wish.email_key,
                services_key=wish.services_key,
                status__in=[Wish.Status.WAITING, Wish.Status.OFFERED],
            ).exists()

    @rule(pick=st.integers(0, 20))
    def cancel_a_wish(self, pick):
        wish = _pick(Wish.objects.exclude(status=Wish.Status.CANCELLED), pick)
        if wish is not None:
            store.cancel(wish=wish, now=self.now)

    # Offers ---------------------------------------------------------------------------------

    @precondition(lambda self: WishOffer.objects.exists())
    @rule(pick=st.integers(0, 20))
    def accept(self, pick):
        offer = _pick(WishOffer.objects.all(), pick)
        if offer is None:
            return
        was_open = offer.state == WishOffer.State.OPEN
        try:
            appointment = offers.accept(offer=offer, now=self.now)
        except OfferGone:
            held = offer.appointment
            assert (
                not was_open
                or held.status != Status.RESERVED
                or held.is_stale_hold(now=self.now)
                or held.start <= self.now
            )
            return
        if was_open:
            assert appointment.status == Status.BOOKED and appointment.start > self.now
        else:  # accepted before: the same appointment, as it stands now
            assert offer.state == WishOffer.State.ACCEPTED and appointment == offer.appointment

    @precondition(lambda self: WishOffer.objects.exists())
    @rule(pick=st.integers(0, 20))
    def decline(self, pick):
        offer = _pick(WishOffer.objects.all(), pick)
        if offer is None:
            return
        try:
            offers.decline(offer=offer, now=self.now)
        except OfferGone:
            assert offer.state not in (WishOffer.State.OPEN, WishOffer.State.DECLINED)

    @precondition(lambda self: WishOffer.objects.filter(state=WishOffer.State.OPEN).exists())
    @rule()
    def let_an_offer_lapse(self):
        held = (
            Appointment.objects.filter(
                wish_offer__state=WishOffer.State.OPEN, status=Status.RESERVED
            )
            .order_by("hold_expires_at")
            .first()
        )
        if held is not None and held.hold_expires_at < LAST_MOMENT:
            self.clock.now = held.hold_expires_at + timedelta(minutes=1)

    @rule(minutes=st.sampled_from([1, 15, 59, 61, 240, 900]))
    def time_passes(self, minutes):
        """The minute job runs meanwhile, as it does every minute."""
        self.clock.now = min(self.now + timedelta(minutes=minutes), LAST_MOMENT)
        self.minute_job()

    @rule()
    def minute_job(self):
        rounds.tend(now=self.now)
        self.tended = True

    # Appointments ---------------------------------------------------------------------------

    @rule(start=st.sampled_from(STARTS), services=st.integers(0, 3), online=st.booleans())
    def book(self, start, services, online):
        self.bookings += 1
        try:
            booking.book(
                location=self.location,
                items=self.items(services),
                start=start,
                contact=booking.Contact("Max", f"b{self.bookings}@example.org"),
                channel=Channel.ONLINE if online else Channel.PHONE,
                now=self.now,
            )
        except SlotTaken:
            pass
        except BookingError as error:  # passed or too soon: the clock moved on
            assert start <= self.now, error

    @rule(pick=st.integers(0, 30), then_the_minute_job=st.booleans())
    def cancel_an_appointment(self, pick, then_the_minute_job):
        """A citizen cancels a booking, or the office a held offer."""
        appointment = _pick(
            Appointment.objects.filter(status__in=[Status.BOOKED, Status.RESERVED]), pick
        )
        if appointment is None:
            return
        try:
            booking.cancel(appointment=appointment, now=self.now, channel=Channel.PHONE)
        except NotChangeable:
            assert not appointment.is_changeable(now=self.now)
        if then_the_minute_job:
            self.minute_job()

    # Roster ---------------------------------------------------------------------------------

    @rule(clerk=st.integers(0, 1), day=st.integers(0, 1), hours=st.sampled_from(CHANGED_BLOCKS),
          online=st.booleans())  # fmt: skip
    def add_a_block(self, clerk, day, hours, online):
        try:
            rosters.create_block(
                staff=self.clerks[clerk], location=self.location, weekday=day,
                start_time=hours[0], end_time=hours[1], valid_from=DAYS[0], valid_until=None,
                online_bookable=online, now=self.now,
            )  # fmt: skip
        except rosters.RosterError:
            pass  # it overlaps a block of the clerk

    @rule(pick=st.integers(0, 20), last=st.integers(0, 1))
    def end_a_block(self, pick, last):
        block = _pick(RosterBlock.objects.filter(location=self.location), pick)
        if block is not None:
            rosters.end_block(block=block, last_day=DAYS[last] - timedelta(days=1), now=self.now)

    @rule(clerk=st.integers(0, 1), day=st.integers(0, 1), first=st.integers(0, 3),
          quarters=st.integers(1, 3))  # fmt: skip
    def add_an_absence(self, clerk, day, first, quarters):
        start = berlin(2026, 12, 7 + day, 9, 0) + first * QUARTER
        try:
            rosters.add_absence(
                staff=self.clerks[clerk], start=start, end=start + quarters * QUARTER,
                reason=Absence.Reason.SICKNESS, now=self.now,
            )  # fmt: skip
        except rosters.RosterError:
            pass  # it overlaps an absence of the clerk

    @precondition(lambda self: Absence.objects.exists())
    @rule(pick=st.integers(0, 20))
    def remove_an_absence(self, pick):
        absence = _pick(Absence.objects.all(), pick)
        if absence is not None:
            rosters.remove_absence(absence=absence, now=self.now)

    # What must hold -------------------------------------------------------------------------

    @invariant()
    def promises_hold(self):
        assert self.failed_tasks == []  # the immediate task backend swallows errors
        self.no_clerk_is_booked_twice_at_once()
        self.every_offer_and_its_wish_agree()
        self.no_time_is_offered_twice_at_once()
        self.each_new_offer_went_to_the_oldest_wish_it_fits()
        self.tended = False

    def no_clerk_is_booked_twice_at_once(self):
        holding = Appointment.objects.filter(location=self.location, status__in=HOLDING)
        for clerk in self.clerks:
            ordered = sorted(holding.filter(staff=clerk), key=lambda a: a.start)
            for first, second in zip(ordered, ordered[1:], strict=False):
                assert second.start >= first.end, (first, second)

    def every_offer_and_its_wish_agree(self):
        for wish in Wish.objects.prefetch_related("offers__appointment"):
            states = [offer.state for offer in wish.offers.all()]
            opened = states.count(WishOffer.State.OPEN)
            assert (wish.status == Wish.Status.OFFERED) == (opened == 1), (wish.status, states)
            assert opened <= 1
            assert (wish.status == Wish.Status.FULFILLED) == (WishOffer.State.ACCEPTED in states), (
                wish.status,
                states,
            )
            assert states.count(WishOffer.State.ACCEPTED) <= 1
            if wish.status == Wish.Status.UNVERIFIED:
                assert states == [] and wish.verified_at is None
            for offer in wish.offers.all():
                assert offer.state in WishOffer.State.values
                if offer.state == WishOffer.State.OPEN:
                    held = offer.appointment
                    # Ended by the office or lapsed: the minute job notes it.
                    assert held.status in (Status.RESERVED, Status.CANCELLED, Status.EXPIRED)
                    if self.tended:
                        assert held.status == Status.RESERVED
                        assert held.hold_expires_at > self.now

    def no_time_is_offered_twice_at_once(self):
        held = list(
            Appointment.objects.filter(
                wish_offer__state=WishOffer.State.OPEN, status=Status.RESERVED
            )
        )
        for first in held:
            for second in held:
                if first.pk != second.pk and first.staff_id == second.staff_id:
                    assert first.end <= second.start or second.end <= first.start

    def each_new_offer_went_to_the_oldest_wish_it_fits(self):
        made = list(
            WishOffer.objects.exclude(pk__in=self.seen_offers)
            .select_related("wish", "appointment")
            .order_by("pk")
        )
        self.seen_offers |= {offer.pk for offer in made}
        oracle = Oracle(self)
        waiting = list(
            Wish.objects.filter(status=Wish.Status.WAITING).prefetch_related(
                "items__service", "offers__appointment"
            )
        )
        for offer in made:
            for older in waiting:
                if _place(older) >= _place(offer.wish):
                    continue
                # The older wish got nothing: the time was no fit for it, even without what
                # this step held for wishes behind it.
                behind = {
                    other.appointment_id for other in made if _place(other.wish) > _place(older)
                }
                assert not oracle.fits(older, offer.appointment.start, ignore=behind), (
                    f"{offer.wish} got {offer.appointment.start} before older {older}"
                )
        if self.tended:
            for wish in waiting:
                assert oracle.first_fit(wish) is None, (wish, oracle.first_fit(wish))


class Oracle:
    """Where a wish fits, in wall-clock quarters: the clerk's online roster blocks on that day,
    without their absences and the appointments that hold time (a held offer until its hold
    ends; a cancelled time at once, the wish-list comes before the re-release)."""

    def __init__(self, machine: WishListMachine):
        self.now = machine.now
        self.today = self.now.astimezone(BERLIN).date()
        self.skills = {
            clerk.pk: set(clerk.skills.values_list("pk", flat=True)) for clerk in machine.clerks
        }
        self.blocks = list(
            RosterBlock.objects.filter(location=machine.location, online_bookable=True)
        )
        self.absences = list(Absence.objects.all())
        self.appointments = [
            a
            for a in Appointment.objects.filter(location=machine.location, status__in=HOLDING)
            if not a.is_stale_hold(now=self.now)
        ]

    def first_fit(self, wish: Wish) -> datetime | None:
        for day in DAYS:
            start = datetime.combine(day, time(0), tzinfo=BERLIN)
            for _quarter in range(24 * 4):
                if self.fits(wish, start, ignore=set()):
                    return start
                start += QUARTER
        return None

    def fits(self, wish: Wish, start: datetime, *, ignore: set[int]) -> bool:
        local = start.astimezone(BERLIN)
        day = local.date()
        rows = list(wish.items.all())
        minutes = sum(
            row.service.duration_minutes + (row.quantity - 1) * row.service.additional_minutes
            for row in rows
        )
        end = local + timedelta(minutes=-(-minutes // 15) * 15)
        offered = {offer.appointment.start for offer in wish.offers.all()}
        if (
            start < self.now
            or not self.today <= day <= wish.latest_date
            or not wish.weekdays >> day.weekday() & 1
            or (wish.earliest_time and local.time() < wish.earliest_time)
            or (wish.latest_time and end.time() > wish.latest_time)
            or start in offered
        ):
            return False
        services = {row.service_id for row in rows}
        return any(
            services <= skills and self._free(clerk, local, end, ignore)
            for clerk, skills in self.skills.items()
        )

    def _free(self, clerk: int, start: datetime, end: datetime, ignore: set[int]) -> bool:
        moment = start
        while moment < end:
            if not any(
                self._rostered(block, moment) for block in self.blocks if block.staff_id == clerk
            ):
                return False
            moment += QUARTER
        if any(a.staff_id == clerk and a.start < end and a.end > start for a in self.absences):
            return False
        return not any(
            a.staff_id == clerk and a.pk not in ignore and a.start < end and a.end > start
            for a in self.appointments
        )

    @staticmethod
    def _rostered(block: RosterBlock, moment: datetime) -> bool:
        day = moment.date()
        return (
            block.weekday == day.weekday()
            and block.valid_from <= day
            and (block.valid_until is None or day <= block.valid_until)
            and block.start_time <= moment.time() < block.end_time  # blocks end on quarters
        )


def _pick(queryset, number: int):
    rows = list(queryset.order_by("pk"))
    return rows[number % len(rows)] if rows else None


def _place(wish: Wish) -> tuple:
    return (wish.verified_at, wish.pk)


def test_the_wish_list_keeps_its_promises_in_any_order(clock):
    WishListMachine.clock = clock
    run_state_machine_as_test(
        WishListMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )
