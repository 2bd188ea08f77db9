"""Bring every sealed value up to date: format v2 (bound to its row) under the current key.

Row by row, each write a compare-and-swap: ``UPDATE … WHERE pk = %s AND column = <what we read>``.
If someone saved the row between our read and our write, their value (already v2, current key:
every save seals that way) stays and we count the row as "changed meanwhile". No row is locked
for longer than one UPDATE, so the command can run while the practice is open.
"""

from django.core.management.base import BaseCommand
from django.db import connection

from core import crypto


def _open(stored: str, field, row) -> str:
    # A seam for tests: the moment between reading a value and writing it back.
    return crypto.decrypt(stored, context=field.context, row=row)


def reseal_field(model, field, *, batch: int = 500) -> dict[str, int]:
    """Reseal one field's stale values. Returns counts: resealed, changed_meanwhile, unreadable."""
    quote = connection.ops.quote_name
    table, column, pk = quote(model._meta.db_table), quote(field.column), quote(model._meta.pk.column)
    row_column = quote(model._meta.get_field("uuid").column)
    counts = {"resealed": 0, "changed_meanwhile": 0, "unreadable": 0}
    last = None
    while True:
        with connection.cursor() as cursor:
            # Names come from our own models' metadata, quoted; no user input reaches this SQL.
            after = f"AND {pk} > %s " if last is not None else ""
            cursor.execute(  # nosemgrep: tending-no-formatted-sql
                f"SELECT {pk}, {row_column}, {column} FROM {table} "  # noqa: S608  # nosec B608
                f"WHERE {column} IS NOT NULL {after}ORDER BY {pk} LIMIT %s",
                [last, batch] if last is not None else [batch],
            )
            rows = cursor.fetchall()
        if not rows:
            return counts
        last = rows[-1][0]
        for key, row, stored in rows:
            if stored == "" or crypto.is_current(stored):
                continue
            try:
                plain = _open(stored, field, row)
            except crypto.DecryptionError:
                counts["unreadable"] += 1
                continue
            fresh = crypto.encrypt(plain, context=field.context, row=row)
            with connection.cursor() as cursor:
                cursor.execute(  # nosemgrep: tending-no-formatted-sql
                    f"UPDATE {table} SET {column} = %s WHERE {pk} = %s AND {column} = %s",  # noqa: S608  # nosec B608
                    [fresh, key, stored],
                )
                counts["resealed" if cursor.rowcount == 1 else "changed_meanwhile"] += 1


class Command(BaseCommand):
    help = "Reseal every encrypted value as v2, bound to its row, under the current (first) key of TENDING_FIELD_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows read at a time (default 500)")

    def handle(self, *args, batch=500, **options):
        current, _keys = crypto.key_ring()
        totals = {"resealed": 0, "changed_meanwhile": 0, "unreadable": 0}
        for model, field in crypto.encrypted_fields():
            counts = reseal_field(model, field, batch=batch)
            for name, n in counts.items():
                totals[name] += n
            if any(counts.values()):
                self.stdout.write(
                    f"{field.context}: {counts['resealed']} resealed, "
                    f"{counts['changed_meanwhile']} changed meanwhile (left as saved), "
                    f"{counts['unreadable']} unreadable"
                )
        self.stdout.write(
            self.style.SUCCESS(
                f"{totals['resealed']} values resealed as {crypto.PREFIX} with key {current!r}; "
                f"{totals['changed_meanwhile']} changed meanwhile and were left as saved"
            )
        )
        if totals["unreadable"]:
            # Never silently: a value no key opens means a key is missing from TENDING_FIELD_KEYS.
            self.stderr.write(self.style.ERROR(f"{totals['unreadable']} values did not open with any key"))
