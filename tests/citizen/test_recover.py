"""A citizen who lost the mail gets the manage link again by reference number and email address.

The answer never tells whether the pair matched: same status, same page, and the same work (a
queued task either way; only the worker looks the pair up).
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pytest_django.asserts import assertContains, assertRedirects

from amtstermin.core import booking, limits
from amtstermin.core.items import Item
from amtstermin.core.models import Appointment, Channel, Status
from tests.conftest import berlin

pytestmark = pytest.mark.django_db

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday afternoon
MONDAY_0930 = berlin(2026, 12, 7, 9, 30)
EMAIL = "erika@example.org"


@pytest.fixture
def booked(office, clock):
    """Erika's booked appointment for Monday, its mails already read."""
    appointment = booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=MONDAY_0930,
        contact=booking.Contact(name="Erika Mustermann", email=EMAIL),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    mail.outbox.clear()
    return appointment


def ask(client, reference: str, email: str):
    return client.post(reverse("citizen:recover"), {"reference": reference, "email": email})


def manage_link(message) -> str:
    return re.search(r"https?://[^/\s]+(/termin/verwalten/[^/\s]+/)", message.body).group(1)


def test_citizen_finds_the_form_from_the_start_page(client):
    response = client.get(reverse("citizen:start"))
    assertContains(response, "Termin verwalten")
    assertContains(response, f'href="{reverse("citizen:recover")}"')


def test_citizen_gets_a_fresh_manage_link_that_opens_the_appointment(client, booked):
    # Typed as people type: lower case, without dashes, the address in capitals.
    typed = booked.reference.replace("-", "").lower()
    response = ask(client, typed, "  Erika@Example.org ")
    assertRedirects(response, reverse("citizen:recover_sent"))
    assertContains(client.get(response.url), "Bitte sehen Sie in Ihr E-Mail-Postfach")
    [message] = mail.outbox
    assert message.to == [EMAIL]
    assert message.subject.startswith("Der Link zu Ihrem Termin: Montag, 7. Dezember 2026")
    assert "Sie haben den Link zu Ihrem Termin angefordert." in message.body
    page = client.get(manage_link(message))
    assertContains(page, booked.reference)
    assertContains(page, "Personalausweis")


def test_stranger_gets_the_same_answer_and_no_mail_for_a_wrong_pair(client, booked, office):
    right = ask(client, booked.reference, EMAIL)
    mail.outbox.clear()
    other = booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=MONDAY_0930 + timedelta(hours=1),
        contact=booking.Contact(name="Max Muster", email="max@example.org"),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    mail.outbox.clear()
    unknown = "0000-0000-0"
    assert not Appointment.objects.filter(reference=unknown).exists()
    wrong = [
        ask(client, booked.reference, "mallory@example.org"),  # someone else's address
        ask(client, other.reference, EMAIL),  # a real reference, not hers
        ask(client, unknown, EMAIL),  # a well-formed reference nobody holds
    ]
    for response in wrong:
        assert response.status_code == right.status_code
        assert response["Location"] == right["Location"]
    assert mail.outbox == []


def test_the_page_queues_the_same_task_whether_or_not_the_pair_matches(client, booked, db_tasks):
    # As in production: the task waits in the database for a worker, so the page did no lookup.
    ask(client, booked.reference, EMAIL)
    ask(client, booked.reference, "mallory@example.org")
    queued = DBTaskResult.objects.filter(task_path__endswith="send_manage_link_mail")
    assert [task.args_kwargs["kwargs"]["reference"] for task in queued] == [booked.reference] * 2
    # The typed address is kept only as a keyed digest in the task table.
    assert EMAIL not in str(list(queued.values_list("args_kwargs", flat=True)))
    assert mail.outbox == []


@pytest.mark.parametrize("status", [Status.CANCELLED, Status.DONE, Status.NO_SHOW])
def test_no_link_is_sent_for_an_appointment_that_is_no_longer_active(client, booked, status):
    booked.status = status
    booked.save(update_fields=["status"])
    ask(client, booked.reference, EMAIL)
    assert mail.outbox == []


def test_no_link_is_sent_once_the_appointment_is_over(client, booked, clock):
    clock.now = booked.end + timedelta(minutes=1)
    ask(client, booked.reference, EMAIL)
    assert mail.outbox == []


def test_a_held_appointment_gets_its_confirm_link_again(client, office, clock):
    office.location.requires_email_confirmation = True
    office.location.save()
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=MONDAY_0930,
        contact=booking.Contact(name="Erika Mustermann", email=EMAIL),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    assert held.status == Status.RESERVED
    mail.outbox.clear()
    ask(client, held.reference, EMAIL)
    [message] = mail.outbox
    confirm = re.search(r"https?://[^/\s]+(/termin/bestaetigen/[^/\s]+/)", message.body).group(1)
    client.post(confirm)
    held.refresh_from_db()
    assert held.status == Status.BOOKED


def test_one_mail_per_ten_minutes_however_often_it_is_asked_for(client, booked, clock):
    clock.now = NOW
    ask(client, booked.reference, EMAIL)
    ask(client, booked.reference, EMAIL)
    assert len(mail.outbox) == 1
    clock.now = NOW + timedelta(minutes=10)
    ask(client, booked.reference, EMAIL)
    first, second = mail.outbox
    assert manage_link(first) != manage_link(second)
    for message in (first, second):  # the older link keeps working
        assertContains(client.get(manage_link(message)), booked.reference)


def test_citizen_who_mistypes_the_reference_is_told_so(client, booked):
    typo = booked.reference[:-1] + ("0" if booked.reference[-1] != "0" else "1")
    response = ask(client, typo, EMAIL)
    assert response.status_code == 422
    assertContains(response, "Fehler:", status_code=422)
    assertContains(response, "Das ist keine gültige Vorgangsnummer.", status_code=422)
    response = ask(client, "x" * 5000, "not an address")
    assertContains(response, "Bitte geben Sie eine E-Mail-Adresse wie", status_code=422)
    assert mail.outbox == []


def test_a_client_asking_too_often_is_slowed_down(client, booked):
    for _ in range(limits.MANAGE_LINK.posts):
        assert ask(client, "0000-0000-0", EMAIL).status_code == 302
    response = ask(client, booked.reference, EMAIL)
    assert response.status_code == 429
    assertContains(response, "Zu viele Versuche", status_code=429)
    assert mail.outbox == []


def test_a_link_that_does_not_work_leads_to_the_form(client):
    response = client.get(reverse("citizen:appointment", kwargs={"token": "no-such-key"}))
    assertContains(response, f'href="{reverse("citizen:recover")}"', status_code=404)
    assertContains(response, "Link erneut anfordern", status_code=404)
