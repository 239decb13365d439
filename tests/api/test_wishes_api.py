"""The wish-list through the API: leave a wish, prove the mailbox with the mailed key, answer
the offered time. The same rules and mails as the core's (tests/core/test_wishes.py).

The `office` fixture opens Monday to Friday 08–12; the clock stands on Friday 4 December 2026,
15:00 in Berlin. The wishes ask for Monday 7 December between 09:00 and 09:30 (one
Personalausweis takes 15 minutes): the starts 09:00 to 09:15 fit, on a 5-minute grid.
"""

import re

import pytest
from django.core import mail

from amtstermin.core import booking, limits
from amtstermin.core.models import Appointment, Status, Wish, WishOffer
from tests.citizen.conftest import solved_captcha

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "easy_captcha")]


def wish_body(office, **changes) -> dict:
    return {
        "items": [{"service": office.id_card.pk, "quantity": 1}],
        "locations": [office.location.pk],
        "weekdays": [0],
        "earliest_time": "09:00",
        "latest_time": "09:30",
        "latest_date": "2026-12-07",
        "name": "Erika Mustermann",
        "email": "erika@example.org",
        "consent": True,
        "altcha": solved_captcha(),
        **changes,
    }


def mailed_key(kind: str) -> str:
    """The key in the last mail's link to the wish page of `kind` ("bestaetigen", "angebot")."""
    return re.search(rf"/termin/wunsch/([^/\s]+)/{kind}/", mail.outbox[-1].body).group(1)


def offered_wish(api, office, **changes) -> str:
    """A wish left and verified through the API, offered the Monday 09:00; its browser key."""
    left = api.post("/wishes", wish_body(office, **changes))
    assert left.status_code == 201, left.data
    assert api.post(f"/wishes/{mailed_key('bestaetigen')}/verify").status_code == 200
    return left.data["key"]


def test_a_wish_waits_for_its_mailbox_then_is_offered_the_first_fitting_time(api, office):
    left = api.post("/wishes", wish_body(office, urgent_reason="Reise am 14.12."))
    assert left.status_code == 201, left.data
    assert left.data["status"] == Wish.Status.UNVERIFIED
    assert left.data["weekdays"] == [0]
    assert (left.data["earliest_time"], left.data["latest_time"]) == ("09:00", "09:30")
    assert left.data["urgent"] is True
    key = left.data["key"]
    assert api.get(f"/wishes/{key}").data["reference"] == left.data["reference"]
    assert api.get(f"/wishes/{key}/offer").status_code == 404  # nothing offered yet
    # The browser's key proves nothing about the mailbox; the mailed one does.
    assert api.post(f"/wishes/{key}/verify").status_code == 404
    verified = api.post(f"/wishes/{mailed_key('bestaetigen')}/verify")
    assert verified.status_code == 200
    assert verified.data["status"] == Wish.Status.OFFERED
    offer = api.get(f"/wishes/{key}/offer")
    assert offer.status_code == 200
    assert offer.data["start"] == "2026-12-07T08:00:00+00:00"  # 09:00 in Berlin
    assert offer.data["end"] == "2026-12-07T08:15:00+00:00"
    assert offer.data["location"] == office.location.pk
    assert offer.data["hold_expires_at"] == "2026-12-04T16:00:00+00:00"  # two hours


def test_accepting_books_the_time_with_a_link_key_of_its_own(api, office):
    key = offered_wish(api, office)
    accepted = api.post(f"/wishes/{key}/offer/accept")
    assert accepted.status_code == 200, accepted.data
    assert accepted.data["status"] == Status.BOOKED
    assert accepted.data["start"] == "2026-12-07T08:00:00+00:00"
    assert accepted.data["reference"] and accepted.data["waiting_number"]
    assert accepted.data["links"]["manage"].endswith(f"/termin/verwalten/{accepted.data['key']}/")
    assert booking.find_by_token(accepted.data["key"]).reference == accepted.data["reference"]
    assert accepted.data["reference"] in mail.outbox[-1].body  # the usual confirmation
    assert api.get(f"/wishes/{key}").data["status"] == Wish.Status.FULFILLED
    again = api.post(f"/wishes/{key}/offer/accept")  # twice is harmless
    assert again.status_code == 200
    assert again.data["reference"] == accepted.data["reference"]
    assert api.get(f"/wishes/{key}/offer").status_code == 404  # no open offer left


def test_declining_keeps_the_place_and_the_next_time_is_offered(api, office):
    key = offered_wish(api, office)
    declined = api.post(f"/wishes/{key}/offer/decline")
    assert declined.status_code == 200
    # Never offered the same time again: the next fitting one instead.
    assert api.get(f"/wishes/{key}/offer").data["start"] == "2026-12-07T08:05:00+00:00"
    declined_hold = WishOffer.objects.get(state=WishOffer.State.DECLINED).appointment
    assert declined_hold.status == Status.CANCELLED
    assert api.post(f"/wishes/{key}/offer/accept").data["start"] == "2026-12-07T08:05:00+00:00"
    # An accepted offer cannot be declined afterwards.
    gone = api.post(f"/wishes/{key}/offer/decline")
    assert gone.status_code == 422
    assert gone.data["type"].endswith("/offer-gone")


def test_cancelling_gives_the_held_time_back(api, office):
    key = offered_wish(api, office)
    held = WishOffer.objects.get().appointment
    cancelled = api.post(f"/wishes/{key}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.data["status"] == Wish.Status.CANCELLED
    held.refresh_from_db()
    assert held.status == Status.CANCELLED
    assert api.get(f"/wishes/{key}/offer").status_code == 404
    assert api.post(f"/wishes/{key}/offer/accept").data["type"].endswith("/offer-gone")


@pytest.mark.parametrize(
    ("changes", "kind"),
    [
        ({"altcha": None}, "check-failed"),
        ({"consent": False}, "no-consent"),
        ({"language": "xx"}, "unknown-language"),
        ({"locations": [987654]}, "not-offered"),
        ({"earliest_time": "9:00"}, "invalid-input"),
        ({"weekdays": [7]}, "invalid-input"),
        ({"weekdays": []}, "invalid-input"),
        ({"earliest_time": "10:00", "latest_time": "09:00"}, "outside-window"),
        ({"latest_date": "2026-12-03"}, "outside-window"),
        ({"email": "not-an-address"}, "invalid-contact"),
    ],
)
def test_a_wish_breaking_a_rule_is_a_422_naming_it(api, office, changes, kind):
    answer = api.post("/wishes", wish_body(office, **changes))
    assert answer.status_code == 422, answer.data
    assert answer["Content-Type"] == "application/problem+json"
    assert answer.data["type"].endswith(f"/{kind}")
    assert not Wish.objects.exists()


def test_a_mailbox_waits_once_for_a_set_of_services(api, office):
    offered_wish(api, office)
    again = api.post("/wishes", wish_body(office, email="Erika+zwei@Example.org"))
    assert again.status_code == 422
    assert again.data["type"].endswith("/already-wishing")


def test_wishes_count_against_the_booking_limit(api, office, settings):
    """The same limit as reservations from one network: a bot gains nothing by wishing."""
    for _ in range(limits.BOOKING.posts):
        body = wish_body(office, email=f"b{_}@example.org")
        assert api.post("/wishes", body).status_code == 201
    refused = api.post("/wishes", wish_body(office, email="last@example.org"))
    assert refused.status_code == 429
    assert refused["Retry-After"]
    assert Wish.objects.count() == limits.BOOKING.posts
    assert not Appointment.objects.exists()


def test_unknown_keys_are_404_problems(api):
    for path in ("/wishes/nope", "/wishes/nope/offer"):
        assert api.get(path).status_code == 404
    for path in ("verify", "cancel", "offer/accept", "offer/decline"):
        answer = api.post(f"/wishes/nope/{path}")
        assert answer.status_code == 404
        assert answer.data["type"].endswith("/not-found")
