"""Guards for functions that must run inside their caller's transaction.

Row locks (select_for_update) end with the transaction that took them, and a task enqueued
outside one is an outbox row committed on its own: called outside `transaction.atomic`, such a
function would silently lose its guarantee, so it refuses instead.
"""

from django.db import DEFAULT_DB_ALIAS, connections


class TransactionRequired(RuntimeError):
    """A function that locks rows or writes the outbox was called outside transaction.atomic."""


def require_transaction() -> None:
    """Raise TransactionRequired unless the default connection is inside an atomic block."""
    if not connections[DEFAULT_DB_ALIAS].in_atomic_block:  # not through the proxy (sql.db)
        raise TransactionRequired("call this inside transaction.atomic: it relies on the caller's")
