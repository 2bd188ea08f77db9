from django.core.management.base import BaseCommand
from django.db import connection, transaction

from core.crypto import encrypted_fields, key_id_of, key_ring


class Command(BaseCommand):
    help = "Re-seal every encrypted value under the current (first) key of TENDING_FIELD_KEYS."

    def handle(self, *args, **options):
        current, _keys = key_ring()
        total = 0
        for model, field in encrypted_fields():
            table, column = model._meta.db_table, field.column
            pk = model._meta.pk.column
            with connection.cursor() as cursor:
                cursor.execute(
                    # Names come from our own models' metadata, quoted; no user input reaches this SQL.
                    f"SELECT {connection.ops.quote_name(pk)}, {connection.ops.quote_name(column)} "  # noqa: S608  # nosec B608
                    f"FROM {connection.ops.quote_name(table)} WHERE {connection.ops.quote_name(column)} IS NOT NULL"
                )
                stale = [row[0] for row in cursor.fetchall() if key_id_of(row[1]) != current]
            for start in range(0, len(stale), 500):
                with transaction.atomic():
                    for obj in model._default_manager.filter(pk__in=stale[start : start + 500]):
                        obj.save(update_fields=[field.name])
            total += len(stale)
            self.stdout.write(f"{model._meta.label}.{field.name}: {len(stale)} re-sealed")
        self.stdout.write(self.style.SUCCESS(f"{total} values now sealed with key {current!r}"))
