"""The database cache's table, so that `manage.py migrate` alone gives a working database.

allauth's sign-in throttle and the consultation page's rate limit live in the cache, and
the cache is the database's by default (shared by every worker and app server). Without
its table every sign-in answered 500 until someone ran `createcachetable` by hand.

The table the default settings name (`tending_cache`) is always made, whatever cache
the migrating process is configured with, so a database can be moved between settings;
any other database-cache table in CACHES is made too. Django's own command builds them,
so the columns are exactly the ones its cache backend reads. Changing CACHE_LOCATION on
an existing database later still needs `manage.py createcachetable` once (docs/deploy.md).
"""

from django.conf import settings
from django.core.management import call_command
from django.db import migrations

DEFAULT_TABLE = "tending_cache"
DATABASE_CACHE = "django.core.cache.backends.db.DatabaseCache"


def _tables() -> list[str]:
    configured = [c["LOCATION"] for c in settings.CACHES.values() if c.get("BACKEND") == DATABASE_CACHE]
    return sorted({DEFAULT_TABLE, *configured})


def create_cache_tables(apps, schema_editor):
    # Idempotent: the command skips a table that already exists (a database that ran createcachetable).
    call_command("createcachetable", *_tables(), database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    # Unapplying keeps the table: it holds only throwaway cache entries, and migrating forward
    # again finds it already there.
    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
