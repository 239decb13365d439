"""Appointments by staff and end: the capacity loader reads a range without the history."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0018_accessibility_statement_feedback_sign_language")]

    operations = [
        migrations.AddIndex(
            model_name="appointment",
            index=models.Index(fields=["staff", "end"], name="appointment_staff_end"),
        ),
    ]
