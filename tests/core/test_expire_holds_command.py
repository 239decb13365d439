from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from amtstermin.core import booking
from amtstermin.core.items import Item
from amtstermin.core.models import Channel, Status
from amtstermin.core.scheduling import availability


@pytest.mark.django_db
def test_the_command_expires_holds_older_than_their_lifetime(office):
    now = timezone.now()
    found = availability.compute(office.location, [Item(office.id_card)], now=now)
    start = found.starts(found.first_day())[0]
    held = booking.book(
        location=office.location,
        items=[Item(office.id_card)],
        start=start,
        contact=booking.Contact(name="Erika", email="erika@example.org"),
        channel=Channel.ONLINE,
        now=now - timedelta(minutes=31),
        require_confirmation=True,
    ).appointment
    out = StringIO()
    call_command("expire_holds", stdout=out)
    held.refresh_from_db()
    assert held.status == Status.EXPIRED
    assert out.getvalue().strip() == "expired=1 requeued=0"
