from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.jobs import verify
from audit.verify import SHOWN


class Command(BaseCommand):
    help = (
        "Verify the audit log's keyed chains against the last signed checkpoint (or from the first row with "
        "--full); exit non-zero and say what broke. --checkpoint writes a new checkpoint when all holds."
    )

    def add_arguments(self, parser):
        parser.add_argument("--full", action="store_true", help="Walk every chain from its first row.")
        parser.add_argument(
            "--checkpoint", action="store_true", help="When everything holds, write a new signed checkpoint."
        )
        parser.add_argument(
            "--against",
            type=Path,
            action="append",
            default=[],
            help="Also check against this checkpoint file or backup manifest.json (repeatable).",
        )

    def handle(self, *args, full, checkpoint, against, **options):
        verified = verify(full=full, checkpoint=checkpoint, against=against)
        report = verified.report
        if not report.ok:
            lines = [*report.problems]
            for name, chain in sorted(report.chains.items()):
                if chain.problems:
                    more = f" (and {len(chain.problems) - SHOWN} more)" if len(chain.problems) > SHOWN else ""
                    lines.append(f"chain {name}: " + "; ".join(chain.problems[:SHOWN]) + more)
            ids = report.broken_ids
            shown = ", ".join(str(row_id) for row_id in ids[:200]) + (
                f" and {len(ids) - 200} more" if len(ids) > 200 else ""
            )
            broken = f"{len(ids)} of {report.checked} rows checked do not hold: ids {shown}. " if ids else ""
            raise CommandError(
                f"The audit log does not hold ({report.checked} rows checked). {broken}"
                + ". ".join(lines)
                + ". No new checkpoint was written: the last good one stays until this is resolved."
            )
        written = f" Checkpoint written to {verified.written}." if verified.written else ""
        mode = "from the last checkpoint" if verified.from_checkpoint else "from the first row"
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit chains hold ({len(report.chains)} chains, {mode}): {report.checked} rows checked.{written}"
            )
        )
