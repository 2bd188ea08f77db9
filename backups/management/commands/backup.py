from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from backups.sealing import BackupKeyError
from backups.services import BackupError, backup_create, load_manifest
from core.replica import reading_from_replica


class Command(BaseCommand):
    help = "Make a consistent, encrypted backup of the database with a manifest of row counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Where to put it (default TENDING_BACKUP_DIR).")

    def handle(self, *args, dir=None, **options):
        try:
            # From a replica that has replayed everything committed before now (core/replica.py), else the
            # primary; a backup is in no hurry, so it waits at least 5 s for a replica that is behind.
            with reading_from_replica(wait_ms=max(5000, settings.TENDING_REPLICA_WAIT_MS)) as using:
                folder = backup_create(directory=dir, using=using)
        except (BackupError, BackupKeyError) as error:
            raise CommandError(str(error)) from error
        manifest = load_manifest(folder)
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables, {rows} rows, {manifest['bytes']} bytes "
            f"in {manifest['seconds']:.2f}s"
        )
        self.stdout.write(str(folder))
