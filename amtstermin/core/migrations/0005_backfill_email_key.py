"""Appointments booked before 0004 get their mailbox key, so the per-address limit counts them."""

from django.db import migrations


def backfill(apps, schema_editor):
    from amtstermin.core.limits import normalise_email

    Appointment = apps.get_model("core", "Appointment")
    pending = Appointment.objects.filter(email_key="").exclude(email="")
    for appointment in pending.only("pk", "email").iterator(chunk_size=2000):
        Appointment.objects.filter(pk=appointment.pk).update(
            email_key=normalise_email(appointment.email)
        )


class Migration(migrations.Migration):
    dependencies = [("core", "0004_online_limits_and_reminders")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
