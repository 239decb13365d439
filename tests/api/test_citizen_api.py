"""The citizen API: the wizard's steps as calls, with the wizard's rules and answers."""

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from amtstermin.core import api_keys, booking
from amtstermin.core.models import Appointment, AppointmentEvent, OnlineRequest, Service, Status
from tests import factories
from tests.citizen.conftest import (
    CONTACT,
    MONDAY,
    MONDAY_9,
    review_key,
    solved_captcha,
    walk_to_review,
)
from tests.conftest import berlin

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clock", "easy_captcha")]

CITIZEN = {"name": "Erika Mustermann", "email": "erika@example.org", "consent": True}


def reserve_body(office, start, **changes) -> dict:
    return {
        "location": office.location.pk,
        "items": [{"service": office.id_card.pk, "quantity": 2}],
        "start": start.isoformat(),
        **CITIZEN,
        "altcha": solved_captcha(),
        **changes,
    }


def test_services_carry_documents_fees_locations_and_leika_keys(api, office):
    office.id_card.leika_key = "99102013104000"
    office.id_card.save()
    answer = api.get("/services")
    assert answer.status_code == 200
    card = next(found for found in answer.data if found["id"] == office.id_card.pk)
    assert card["leika_key"] == "99102013104000"
    assert card["fee"] == "46.00"
    assert card["locations"] == [office.location.pk]
    assert [document["name"] for document in card["documents"]] == [
        "bisheriger Personalausweis",
        "Code Ihres digitalen Passbilds",
    ]
    place = api.get(f"/locations/{office.location.pk}").data
    assert place["services"] == sorted([office.id_card.pk, office.registration.pk])


def test_days_and_times_follow_quantities_and_the_horizon(api, office):
    days = api.get("/availability/days", items=f"{office.id_card.pk}:2")
    assert days.status_code == 200
    (found,) = days.data
    assert found["location"] == office.location.pk
    assert found["days"][0]["date"] == MONDAY.isoformat()
    assert found["first_free"] == "2026-12-07T07:00:00+00:00"  # Monday 08:00 in Berlin
    assert found["duration_minutes"] == office.id_card.minutes_for(2)  # 25 on a 5-minute grid
    times = api.get(
        "/availability/times",
        items=f"{office.id_card.pk}:2",
        location=office.location.pk,
        date=MONDAY.isoformat(),
    )
    assert times.status_code == 200
    assert times.data["times"][0] == "2026-12-07T07:00:00+00:00"  # 08:00 in Berlin
    past = api.get(
        "/availability/times",
        items=str(office.id_card.pk),
        location=office.location.pk,
        date="2027-06-01",
    )
    assert past.status_code == 422
    assert past["Content-Type"] == "application/problem+json"
    assert past.data["type"].endswith("/outside-horizon")


def test_a_reservation_with_a_solved_challenge_books_and_tells_what_to_bring(api, office):
    answer = api.post("/appointments", reserve_body(office, MONDAY_9))
    assert answer.status_code == 201, answer.data
    body = answer.data
    assert body["status"] == Status.BOOKED
    assert body["start"] == "2026-12-07T08:00:00+00:00"
    assert body["reference"] and body["waiting_number"]
    assert {"name": "bisheriger Personalausweis", "note": "", "count": 2} in body["documents"]
    assert body["links"]["manage"].endswith(f"/termin/verwalten/{body['key']}/")
    appointment = Appointment.objects.get(reference=body["reference"])
    assert appointment.channel == "online"
    assert [item.quantity for item in appointment.items.all()] == [2]
    # The same confirmation mail as the wizard's, with the reference and the link.
    (sent,) = mail.outbox
    assert body["reference"] in sent.body


def test_reserve_reschedule_cancel_make_the_same_history_as_the_pages(api, office):
    key = api.post("/appointments", reserve_body(office, MONDAY_9)).data["key"]
    later = {"start": berlin(2026, 12, 8, 10, 0).isoformat()}
    moved = api.post(f"/appointments/{key}/reschedule", later)
    assert moved.status_code == 200, moved.data
    assert moved.data["start"] == "2026-12-08T09:00:00+00:00"
    assert api.get(f"/appointments/{key}").data["start"] == moved.data["start"]
    cancelled = api.post(f"/appointments/{key}/cancel")
    assert cancelled.status_code == 200
    assert cancelled.data["status"] == Status.CANCELLED
    assert api.post(f"/appointments/{key}/cancel").status_code == 200  # twice is harmless
    appointment = booking.find_by_token(key)
    kinds = list(appointment.events.order_by("at", "pk").values_list("kind", flat=True))
    assert kinds == [
        AppointmentEvent.Kind.BOOKED,
        AppointmentEvent.Kind.RESCHEDULED,
        AppointmentEvent.Kind.CANCELLED,
    ]
    assert len(mail.outbox) == 3  # booked, moved, cancelled


def test_an_api_booking_is_the_same_as_a_wizard_booking(api, office, client):
    """Same channel, status, items, history and mail: only the reference and key differ."""
    walk_to_review(client, office, services=[(office.id_card, 2)])
    client.post(reverse("citizen:contact"), {**CONTACT, "altcha": solved_captcha()})
    client.post(reverse("citizen:review"), {"key": review_key(client)})
    by_wizard = Appointment.objects.get()
    tuesday = api.post("/appointments", reserve_body(office, berlin(2026, 12, 8, 9, 0)))
    by_api = Appointment.objects.get(reference=tuesday.data["reference"])

    def facts(appointment):
        return (
            appointment.channel,
            appointment.status,
            appointment.staff_id,
            appointment.end - appointment.start,
            [(item.service_id, item.quantity) for item in appointment.items.all()],
            [(event.kind, event.channel) for event in appointment.events.all()],
        )

    assert facts(by_api) == facts(by_wizard)
    wizard_mail, api_mail = mail.outbox
    assert api_mail.subject == wizard_mail.subject.replace("Montag, 7.", "Dienstag, 8.")
    assert api_mail.body.replace(by_api.reference, "REF").count("REF") == wizard_mail.body.replace(
        by_wizard.reference, "REF"
    ).count("REF")


def test_without_the_challenge_the_time_is_held_until_the_mailed_key_confirms(api, office):
    answer = api.post("/appointments", reserve_body(office, MONDAY_9, altcha=None))
    assert answer.status_code == 201
    assert answer.data["status"] == Status.RESERVED
    assert answer.data["hold_expires_at"]
    key = answer.data["key"]
    # The key the caller got is not the mailbox's proof.
    assert api.post(f"/appointments/{key}/confirm").status_code == 404
    appointment = Appointment.objects.get(reference=answer.data["reference"])
    (sent,) = mail.outbox
    token = sent.body.split("/termin/bestaetigen/")[1].split("/")[0]
    assert booking.find_by_token(token, mailed=True) == appointment
    confirmed = api.post(f"/appointments/{token}/confirm")
    assert confirmed.status_code == 200
    assert confirmed.data["status"] == Status.BOOKED


def test_a_taken_time_is_a_409_with_the_nearest_free_ones(api, office):
    assert api.post("/appointments", reserve_body(office, MONDAY_9)).status_code == 201
    second = api.post("/appointments", reserve_body(office, MONDAY_9, email="max@example.org"))
    assert second.status_code == 409
    assert second["Content-Type"] == "application/problem+json"
    assert second.data["type"].endswith("/slot-taken")
    assert second.data["alternatives"]
    assert second.data["detail"] == (
        "Diese Uhrzeit wurde gerade vergeben. Bitte wählen Sie eine andere."
    )


def test_problems_speak_german_or_english(api, office, client):
    german = api.get("/availability/days", items="abc")
    assert german.status_code == 422
    english = client.get(
        "/api/v1/availability/days", {"items": "abc"}, headers={"accept-language": "en"}
    )
    assert english.status_code == 422
    assert english.json()["detail"] != german.data["detail"]
    assert english["Content-Language"] == "en"
    invalid = api.post("/appointments", {"location": "x"})
    assert invalid.status_code == 422
    assert invalid.data["errors"]
    broken = api.client.post("/api/v1/appointments", "{", content_type="application/json")
    assert broken.status_code == 400
    assert broken["Content-Type"] == "application/problem+json"


def test_an_idempotency_key_answers_a_repeat_with_the_first_answer(api, office):
    body = reserve_body(office, MONDAY_9)
    first = api.post("/appointments", body, headers={"idempotency-key": "k-1"})
    again = api.post("/appointments", body, headers={"idempotency-key": "k-1"})
    assert first.status_code == again.status_code == 201
    assert again.data["reference"] == first.data["reference"]
    assert again["Idempotent-Replayed"] == "true"
    assert Appointment.objects.count() == 1
    bad = api.post("/appointments", body, headers={"idempotency-key": "ä" * 3})
    assert bad.status_code == 400


def test_unknown_keys_and_ids_are_404_problems(api, office):
    assert api.get("/appointments/nope").status_code == 404
    assert api.get("/services/999999").status_code == 404
    assert api.get("/services/99999999999999999999999").status_code in (404, 422)
    assert api.get("/requests/nope").status_code == 404


def test_a_verified_challenge_gives_a_proof_that_books_once(api, office):
    verified = api.post("/captcha/verify", {"altcha": solved_captcha()})
    assert verified.status_code == 200
    proof = verified.data["proof"]
    first = api.post("/appointments", reserve_body(office, MONDAY_9, altcha=None, proof=proof))
    assert first.status_code == 201
    assert first.data["status"] == Status.BOOKED  # proven: booked at once, not held
    later = berlin(2026, 12, 8, 9, 0)
    again = api.post("/appointments", reserve_body(office, later, altcha=None, proof=proof))
    assert again.status_code == 422
    assert again.data["type"].endswith("/check-failed")
    assert api.post("/captcha/verify", {"altcha": "bm9uc2Vuc2U="}).status_code == 422


def test_a_write_api_key_vouches_for_its_users(api, office):
    secret = api_keys.create(
        name="Landesportal",
        department=office.id_card.department,
        locations=[office.location],
        access="write",
        now=timezone.now(),
    ).secret
    answer = api.post(
        "/appointments",
        reserve_body(office, MONDAY_9, altcha=None),
        headers={"authorization": f"Bearer {secret}"},
    )
    assert answer.status_code == 201
    assert answer.data["status"] == Status.BOOKED


def melderegister_service():
    return factories.service(
        name="Melderegisterauskunft",
        mode=Service.Mode.ONLINE_REQUEST,
        request_kind=OnlineRequest.Kind.MELDEREGISTERAUSKUNFT,
    )


REQUESTER = {
    "name": "Erika Mustermann",
    "email": "erika@example.org",
    "postal_address": "Am Markt 1\n12345 Musterstadt",
}


def test_an_online_request_is_submitted_and_followed_by_its_key(api):
    service = melderegister_service()
    body = {
        "service": service.pk,
        **REQUESTER,
        "data": factories.melderegister_data(),
        "altcha": solved_captcha(),
    }
    answer = api.post("/requests", body)
    assert answer.status_code == 201, answer.data
    assert answer.data["confirmed"] is True
    assert answer.data["status"] == OnlineRequest.Status.SUBMITTED
    status = api.get(f"/requests/{answer.data['key']}")
    assert status.data["reference"] == answer.data["reference"]
    stored = OnlineRequest.objects.get()
    assert stored.data["last_name"] == "Muster"
    assert stored.events.count() == 1  # "submitted", as from the form


def test_an_online_request_breaking_a_rule_is_a_422_naming_it(api):
    service = melderegister_service()
    body = {
        "service": service.pk,
        **REQUESTER,
        "data": factories.melderegister_data(consent=False),
        "altcha": solved_captcha(),
    }
    answer = api.post("/requests", body)
    assert answer.status_code == 422
    assert answer.data["type"].endswith("/no-consent")
    assert not OnlineRequest.objects.exists()
    unconfirmed = api.post(
        "/requests", {**body, "altcha": None, "data": factories.melderegister_data()}
    )
    assert unconfirmed.status_code == 201
    assert unconfirmed.data["confirmed"] is False  # waits for the emailed link
