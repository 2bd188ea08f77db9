"""The audit log's periodic job, run by the clock (``TENDING_SCHEDULE``) or cron as a management command.

- ``audit_verify --checkpoint`` (every five minutes): check each chain from the last signed
  checkpoint, then write a new checkpoint when everything holds.
- ``audit_verify --full`` (daily): check the whole of every chain, from its first row.

Each chain's result is kept on its head row (``AuditChain``), where the owner's banner reads it.
"""

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from audit.checkpoints import CheckpointError, checkpoint_load, checkpoint_sign, checkpoint_write
from audit.models import SYSTEM, AuditChain
from audit.verify import SHOWN, Report, verify_chains


@dataclass
class Verified:
    report: Report
    from_checkpoint: bool  # False when walked from the first row
    written: Path | None  # the new checkpoint, when one was asked for and everything held


def verify(*, full: bool = False, checkpoint: bool = False, against=()) -> Verified:
    """The ``audit_verify`` job: check the chains (against the configured checkpoint and any files in
    ``against``), record each chain's result, and write a new checkpoint only when all holds."""
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
    _record(report)
    written = None
    if checkpoint and report.ok:
        written = checkpoint_write(checkpoint_sign(report.heads(), last_id=report.last_id))
    return Verified(report=report, from_checkpoint=not full and bool(checkpoints), written=written)


def _record(report: Report) -> None:
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
        AuditChain.objects.filter(name=name).update(verified_at=now, verified_ok=not problem, problem=problem[:2000])
