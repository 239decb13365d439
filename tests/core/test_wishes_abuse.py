"""A bot with many mailboxes gains nothing over one person (issue 15, "Must hold").

One mailbox (however it is spelled) holds one open wish per set of services; every further
place in the queue needs a mailbox of its own, proven by the key mailed to it; an unproven wish
is never offered anything; and the queue runs by the moment of that proof, so leaving many
wishes early buys no earlier place.

The `office` fixture opens Monday to Friday 08–12; the wishes ask for Monday 7 December
09:00–10:00 (one Personalausweis: 15 minutes, four starts), all booked at first.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.core import mail

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Wish, WishOffer
from amtstermin.core.wishes import rounds, store
from amtstermin.core.wishes.errors import AlreadyWishing
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)
MONDAY = date(2026, 12, 7)
STARTS = [berlin(2026, 12, 7, 9, 0) + timedelta(minutes=15 * n) for n in range(4)]


def leave(office, mailbox: str, *, items=None, now=NOW) -> store.Left:
    return store.leave(
        items=items or [Item(office.id_card)],
        wanted=store.Wanted(
            locations=[office.location],
            latest_date=MONDAY,
            weekdays=0b0000001,
            earliest_time=time(9, 0),
            latest_time=time(10, 0),
        ),
        wisher=store.Wisher("Erika Mustermann", mailbox),
        now=now,
    )


def mailed_key(wish: Wish) -> str:
    """The key in the link of the mail that asks `wish`'s mailbox to confirm it."""
    body = next(
        m.body
        for m in reversed(mail.outbox)
        if wish.reference in m.body and "/bestaetigen/" in m.body
    )
    return re.search(r"/termin/wunsch/([^/\s]+)/bestaetigen/", body).group(1)


def prove(left: store.Left, *, now) -> Wish:
    """Follow the mailed link, as only the mailbox's reader can."""
    assert store.find_by_token(left.token, mailed=True) is None  # the browser's key proves nothing
    wish = store.find_by_token(mailed_key(left.wish), mailed=True)
    assert wish == left.wish
    return store.verify(wish=wish, now=now)


def book_everything(office) -> list[Appointment]:
    with booking.without_mail():
        return [
            booking.book(
                location=office.location,
                items=[Item(office.id_card)],
                start=start,
                contact=booking.Contact("Max", f"max{n}@example.org"),
                channel=Channel.PHONE,
                now=NOW,
            ).appointment
            for n, start in enumerate(STARTS)
        ]


def free(appointments, *, now) -> None:
    with booking.without_mail():
        for appointment in appointments:
            booking.cancel(appointment=appointment, now=now, channel=Channel.PHONE)


def offered(wish: Wish):
    found = wish.offers.filter(state=WishOffer.State.OPEN).first()
    return found.appointment.start if found else None


@pytest.mark.parametrize(
    "spelling", ["erika@example.org", "Erika+1@Example.org", "ERIKA+wunsch@example.ORG"]
)
def test_one_mailbox_holds_one_open_wish_per_set_of_services(office, spelling):
    book_everything(office)
    prove(leave(office, "erika@example.org"), now=NOW)
    with pytest.raises(AlreadyWishing):
        leave(office, spelling)
    # Another set of services is another wish; the same set again only once the first is over.
    other = leave(office, spelling, items=[Item(office.id_card), Item(office.registration)])
    assert other.wish.status == Wish.Status.UNVERIFIED


def test_two_unproven_wishes_of_one_mailbox_take_one_place(office):
    book_everything(office)
    first = leave(office, "erika@example.org")
    second = leave(office, "Erika+1@Example.org")  # neither holds a place yet
    prove(first, now=NOW)
    with pytest.raises(AlreadyWishing):
        prove(second, now=NOW)
    second.wish.refresh_from_db()
    assert second.wish.status == Wish.Status.UNVERIFIED
    store.cancel(wish=first.wish, now=NOW)
    assert prove(second, now=NOW).status == Wish.Status.WAITING


def test_an_unproven_wish_is_never_offered_anything(office, clock):
    bot = [leave(office, f"bot{n}@example.org") for n in range(5)]
    rounds.tend(now=NOW)
    clock.now = NOW + timedelta(hours=3)
    rounds.tend(now=clock.now)
    assert not WishOffer.objects.exists()
    assert {left.wish.status for left in bot} == {Wish.Status.UNVERIFIED}
    assert Wish.objects.filter(status=Wish.Status.UNVERIFIED).count() == 5


def test_a_bot_with_many_mailboxes_gets_no_earlier_place_than_its_proofs_give(office, clock):
    taken = book_everything(office)
    # The bot leaves its wishes first, from three mailboxes ...
    bot = [leave(office, f"bot{n}@example.org", now=NOW) for n in range(3)]
    # ... Erika leaves hers a minute later and follows her mailed link at once ...
    erika = leave(office, "erika@example.org", now=NOW + timedelta(minutes=1))
    prove(erika, now=NOW + timedelta(minutes=2))
    # ... the bot proves its mailboxes after her, one after the other.
    for n, left in enumerate(bot):
        prove(left, now=NOW + timedelta(minutes=3 + n))
    clock.now = NOW + timedelta(minutes=10)
    # The first time that frees goes to Erika, not to the bot's earlier-left wishes.
    free(taken[:1], now=clock.now)
    rounds.tend(now=clock.now)
    assert offered(erika.wish) == STARTS[0]
    assert [offered(left.wish) for left in bot] == [None, None, None]
    # The others follow the order of the bot's proofs.
    free(taken[1:], now=clock.now)
    rounds.tend(now=clock.now)
    assert [offered(left.wish) for left in bot] == STARTS[1:]
