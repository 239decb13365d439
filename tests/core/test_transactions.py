"""Functions that lock rows or write the outbox refuse to run outside their caller's transaction."""

import pytest
from django.db import transaction

from amtstermin.core import booking
from amtstermin.core.notifications.tasks import schedule_reminder
from amtstermin.core.transactions import TransactionRequired
from tests import factories
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)

pytestmark = pytest.mark.django_db(transaction=True)  # no test-wide atomic block around them


@pytest.fixture
def appointment(office):
    return factories.online_booking(office, berlin(2026, 12, 7, 9, 0), now=NOW)


def test_a_reminder_outside_a_transaction_is_refused(appointment):
    with pytest.raises(TransactionRequired):
        schedule_reminder(appointment, now=NOW)

    with transaction.atomic():
        schedule_reminder(appointment, now=NOW)


def test_a_handover_outside_a_transaction_is_refused(appointment, office):
    with pytest.raises(TransactionRequired):
        booking.reassign(appointment=appointment, staff_id=office.clerk.pk, now=NOW)
