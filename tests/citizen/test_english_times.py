"""English pages give times without a full stop of their own ("9:35 AM"), so a time at the end
of a sentence is followed by one full stop, not two (it was "by 6:09 p.m..")."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Channel
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)  # a Friday afternoon
MONDAY_0930 = berlin(2026, 12, 7, 9, 30)
EMAIL = "erika@example.org"


@pytest.mark.django_db
def test_english_hold_time_ends_its_sentence_with_one_full_stop(client, office, settings):
    office.location.requires_email_confirmation = True
    office.location.save()
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card, 1)],
        start=MONDAY_0930,
        contact=booking.Contact(name="Erika Mustermann", email=EMAIL, language="en"),
        channel=Channel.ONLINE,
        now=NOW,
    ).appointment
    [message] = mail.outbox
    confirm = re.search(r"https?://[^/\s]+/termin/bestaetigen/([^/\s]+)/", message.body).group(1)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.get(reverse("citizen:appointment", kwargs={"token": confirm}))

    text = re.sub(r"\s+", " ", response.content.decode())
    until = held.hold_expires_at.astimezone(office.location.zone)
    assert f"by {until:%-I:%M} {until:%p}. Otherwise" in text
    assert ".." not in text.replace("...", "")
