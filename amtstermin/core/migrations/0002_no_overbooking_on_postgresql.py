"""PostgreSQL refuses two holding appointments of one staff member whose times overlap.

SQLite has no exclusion constraints (it is a syntax error there), so this step runs only on
PostgreSQL; on SQLite, book() serialises writers with BEGIN IMMEDIATE and re-checks instead.
"""

from django.db import migrations

HOLDING = "('reserved', 'booked', 'checked_in', 'called', 'done', 'no_show')"

CREATE = f"""
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE core_appointment ADD CONSTRAINT appointment_staff_no_overlap
    EXCLUDE USING gist (staff_id WITH =, tstzrange(start, "end", '[)') WITH &&)
    WHERE (status IN {HOLDING});
"""
DROP = "ALTER TABLE core_appointment DROP CONSTRAINT IF EXISTS appointment_staff_no_overlap;"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(_on_postgresql(CREATE), _on_postgresql(DROP))]
