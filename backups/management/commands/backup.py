from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.sealing import BackupKeyError
from backups.services import BackupError, backup_create, load_manifest


class Command(BaseCommand):
    help = "Make a consistent, encrypted backup of the database with a manifest of row counts and checksums."

    def add_arguments(self, parser):
        parser.add_argument("--dir", type=Path, help="Where to put it (default TENDING_BACKUP_DIR).")

    def handle(self, *args, dir=None, **options):
        try:
            folder = backup_create(directory=dir)
        except (BackupError, BackupKeyError) as error:
            raise CommandError(str(error)) from error
        manifest = load_manifest(folder)
        rows = sum(table["rows"] for table in manifest["tables"].values())
        self.stdout.write(
            f"Backed up {len(manifest['tables'])} tables, {rows} rows, {manifest['bytes']} bytes "
            f"in {manifest['seconds']:.2f}s"
        )
        self.stdout.write(str(folder))
