"""core/sql.py: batches keep the order and the errors of statements run one by one, and insert()
writes what the ORM would."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from amtstermin.core import sql
from amtstermin.core.models import AccessToken, Appointment, AppointmentEvent
from tests import factories
from tests.conftest import berlin

NOW = berlin(2026, 12, 4, 15, 0)

pytestmark = pytest.mark.django_db(transaction=True)  # each batch in a transaction of its own


@pytest.fixture
def appointment(office):
    return factories.online_booking(office, berlin(2026, 12, 7, 9, 0), now=NOW)


def test_a_batch_answers_every_statement_in_the_order_sent(appointment):
    name = sql.column(Appointment, "name")
    with transaction.atomic(), sql.batch() as batch:
        update = f"UPDATE {sql.table(Appointment)} SET {name} = %s WHERE id = %s"
        batch.run((update, ["Erika Musterfrau", appointment.pk]))
        # Sent after the update, read after the batch: it sees the update.
        after = batch.send(
            (f"SELECT {name} FROM {sql.table(Appointment)} WHERE id = %s", [appointment.pk])
        )
        count = batch.send((f"SELECT COUNT(*) FROM {sql.table(Appointment)}", []))
    assert after.rows() == [("Erika Musterfrau",)]
    assert count.rows() == [(1,)]


def test_an_error_in_a_batch_is_djangos_and_undoes_the_transaction(appointment):
    before = sorted(AccessToken.objects.values_list("digest", flat=True))
    digest = before[0]
    with pytest.raises(IntegrityError), transaction.atomic(), sql.batch():
        sql.execute(
            sql.insert(AccessToken(appointment=appointment, digest="b" * 64, created_at=NOW))
        )
        # The same digest twice: the unique constraint refuses the second key.
        sql.execute(sql.insert(AccessToken(appointment=appointment, digest=digest, created_at=NOW)))
    assert sorted(AccessToken.objects.values_list("digest", flat=True)) == before
    assert connection.in_atomic_block is False


def test_insert_fills_the_defaults_the_orm_would(appointment):
    with transaction.atomic():
        sql.execute(
            sql.insert(
                AppointmentEvent(
                    appointment=appointment,
                    kind=AppointmentEvent.Kind.MAIL_RESENT,
                    at=NOW,
                    channel="desk",
                )
            )
        )
    written = AppointmentEvent.objects.filter(kind=AppointmentEvent.Kind.MAIL_RESENT).get()
    assert written.detail == {} and written.staff is None and written.at == NOW


def test_writes_in_a_row_go_out_as_one_statement_and_keep_their_order(appointment):
    kinds = ["resent", "contact", "reassigned"]
    with CaptureQueriesContext(connection) as sent, transaction.atomic(), sql.batch() as batch:
        for kind in kinds:
            event = AppointmentEvent(appointment=appointment, kind=kind, at=NOW, channel="desk")
            sql.execute(sql.insert(event))
        sql.execute(
            sql.insert(AccessToken(appointment=appointment, digest="c" * 64, created_at=NOW))
        )
        # A read first sends what is held: it sees the rows made before it.
        seen = batch.send(
            (f"SELECT COUNT(*) FROM {sql.table(AppointmentEvent)} WHERE kind = %s", [kinds[0]])
        )
    writes = [query["sql"] for query in sent.captured_queries if "WITH held_" in query["sql"]]
    assert len(writes) == (1 if connection.vendor == "postgresql" else 0)
    assert seen.rows() == [(1,)]
    events = AppointmentEvent.objects.filter(kind__in=kinds).order_by("pk")
    assert [event.kind for event in events] == kinds  # ids in the order made
    assert AccessToken.objects.filter(digest="c" * 64).exists()


def test_together_answers_as_the_statements_alone_would(appointment):
    ids = (f"SELECT id FROM {sql.table(Appointment)} ORDER BY id", [])
    count = (f"SELECT COUNT(*) FROM {sql.table(AccessToken)}", [])
    with CaptureQueriesContext(connection) as sent, transaction.atomic(), sql.batch() as batch:
        listed, counted, nothing = batch.together(sql.Listed(ids), count, None)
        alone = batch.send(ids), batch.send(count)
    assert listed.rows() == alone[0].rows() == [(appointment.pk,)]
    assert counted.rows() == alone[1].rows() == [(AccessToken.objects.count(),)]
    assert nothing.rows() == []
    # One SELECT for both on PostgreSQL; SQLite runs each (nothing to save there).
    selects = [query for query in sent.captured_queries if query["sql"].startswith("SELECT")]
    assert len(selects) == (1 if connection.vendor == "postgresql" else 2) + 2
