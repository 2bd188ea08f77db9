from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from backups.sealing import BackupKeyError
from backups.services import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup and check it against its manifest. --verify restores into a scratch database "
        "and removes it afterwards; --into restores into a new SQLite file or PostgreSQL database."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup folder (it holds manifest.json).")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument("--verify", action="store_true", help="Restore into a scratch database and verify.")
        mode.add_argument("--into", help="A new SQLite file path or PostgreSQL database name to restore into.")
        parser.add_argument("--keep", action="store_true", help="With --verify, keep the scratch database.")

    def handle(self, *args, backup, verify, into, keep, **options):
        try:
            report = backup_restore(folder=backup, into=into, keep=keep)
        except (BackupError, BackupKeyError) as error:
            raise CommandError(f"Restore failed: {error}") from error
        for problem in report.problems:
            self.stderr.write(problem)
        summary = f"{report.tables} tables, {report.rows} rows, restored into {report.target} in {report.seconds:.2f}s"
        if not report.ok:
            raise CommandError(f"Verification failed ({len(report.problems)} problems): {summary}")
        self.stdout.write(self.style.SUCCESS(f"Verified against the manifest: {summary}"))
