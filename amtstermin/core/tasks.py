"""Background tasks. Enqueued inside the transaction that causes them: the task table is the outbox."""

from django_tasks import task


@task()
def send_appointment_mail(*, appointment_id: int, event: str) -> None:
    """Send the email for `event` (MailEvent value) of an appointment, once. Filled in by the outbox work."""
