from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from audit.checkpoints import CheckpointError, checkpoint_load, checkpoint_sign, checkpoint_write
from audit.models import SYSTEM, AuditChain
from audit.verify import SHOWN, verify_chains


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
        checkpoints, problems = [], []
        for path in [Path(settings.TENDING_AUDIT_CHECKPOINT), *against]:
            try:
                loaded = checkpoint_load(path)
            except CheckpointError as error:
                problems.append(f"checkpoint {error}")
                continue
            if loaded is None:
                if path != Path(settings.TENDING_AUDIT_CHECKPOINT):
                    problems.append(f"checkpoint {path} does not exist")
                continue
            checkpoints.append((f"the checkpoint of {loaded['at']} ({path.name})", loaded))
        report = verify_chains(full=full, checkpoints=checkpoints)
        report.problems.extend(problems)
        self._record(report)
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
        written = ""
        if checkpoint:
            path = checkpoint_write(checkpoint_sign(report.heads(), last_id=report.last_id))
            written = f" Checkpoint written to {path}."
        mode = "from the first row" if full or not checkpoints else "from the last checkpoint"
        self.stdout.write(
            self.style.SUCCESS(
                f"The audit chains hold ({len(report.chains)} chains, {mode}): {report.checked} rows checked.{written}"
            )
        )

    @staticmethod
    def _record(report) -> None:
        """Keep each chain's result on its head row, where the owner's banner reads it."""
        now = timezone.now()
        general = "; ".join(report.problems)
        results = {name: "; ".join(chain.problems[:SHOWN]) for name, chain in report.chains.items()}
        results.setdefault(SYSTEM, "")
        if general:  # a checkpoint that does not hold concerns every practice: shown on the system chain
            results[SYSTEM] = "; ".join(filter(None, [general, results[SYSTEM]]))
        existing = set(AuditChain.objects.filter(name__in=results).values_list("name", flat=True))
        AuditChain.objects.bulk_create(
            [AuditChain(name=name) for name in results if name not in existing], ignore_conflicts=True
        )
        for name, problem in results.items():
            AuditChain.objects.filter(name=name).update(
                verified_at=now, verified_ok=not problem, problem=problem[:2000]
            )
