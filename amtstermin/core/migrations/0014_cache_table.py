"""The database cache's table (settings.py: the shared cache when REDIS_URL is unset).

Created here rather than by `manage.py createcachetable`, so `migrate` alone sets up a server:
a forgotten extra step would break every page. Created whatever the cache setting, so switching
from Redis back to the database needs no step either.
"""

from django.core.management.commands.createcachetable import Command as CreateCacheTable
from django.db import migrations

TABLE = "amtstermin_cache"  # settings.CACHES["default"]["LOCATION"] without Redis


def create(apps, schema_editor):
    command = CreateCacheTable()
    command.verbosity = 0  # set by the command line otherwise
    command.create_table(schema_editor.connection.alias, TABLE, dry_run=False)


def drop(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(TABLE)}")


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0013_opening_hours"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]
