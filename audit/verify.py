"""Checking the audit chains: each row's link, its place, its key, and every checkpoint's head.

``full`` walks every chain from its first row. Otherwise each chain is walked
from the oldest checkpoint's head onwards (the rows before it were checked when
that checkpoint was written), which keeps the five-minute run short.
"""

from dataclasses import dataclass, field

from audit.models import LEGACY, AuditEvent, chain_name

GENESIS = "0" * 64
SHOWN = 20  # problems named per chain; the rest are counted


@dataclass
class ChainReport:
    name: str
    checked: int = 0
    rows: int = 0
    head: str = GENESIS
    problems: list[str] = field(default_factory=list)
    broken_ids: list[int] = field(default_factory=list)

    def problem(self, text: str, row_id: int | None = None) -> None:
        if row_id is not None:
            self.broken_ids.append(row_id)
        self.problems.append(text)

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Report:
    chains: dict[str, ChainReport] = field(default_factory=dict)
    last_id: int = 0  # the newest row when the check began (a checkpoint written from it records this)
    problems: list[str] = field(default_factory=list)  # about the checkpoints themselves

    @property
    def ok(self) -> bool:
        return not self.problems and all(chain.ok for chain in self.chains.values())

    @property
    def checked(self) -> int:
        return sum(chain.checked for chain in self.chains.values())

    @property
    def broken_ids(self) -> list[int]:
        return sorted(row_id for chain in self.chains.values() for row_id in chain.broken_ids)

    def heads(self) -> dict[str, dict]:
        return {name: {"rows": c.rows, "head": c.head} for name, c in sorted(self.chains.items()) if c.rows}


def _walk_legacy(report: ChainReport) -> None:
    """The rows from before keyed chains: one global plain SHA-256 chain in id order."""
    previous = GENESIS
    for event in AuditEvent.objects.filter(chain=LEGACY).order_by("id").iterator(chunk_size=2000):
        report.checked += 1
        report.rows += 1
        if event.key_id or event.prev_hash != previous or event.compute_hash() != event.hash:
            report.problem(f"row {event.id} of the legacy segment does not hold", event.id)
        previous = report.head = event.hash


def _walk(report: ChainReport, *, start_seq: int = 1, start_link: str | None = None) -> None:
    """Walk a keyed chain from ``start_seq``; the row there must carry ``start_link`` if given."""
    expected_seq, previous = start_seq, None if start_seq > 1 else GENESIS
    rows = AuditEvent.objects.filter(chain=report.name, seq__gte=start_seq).order_by("seq")
    for event in rows.iterator(chunk_size=2000):
        report.checked += 1
        if event.seq != expected_seq:
            missing = f"{expected_seq}" if event.seq == expected_seq + 1 else f"{expected_seq} to {event.seq - 1}"
            report.problem(f"rows {missing} are missing (the row after them is {event.id})", event.id)
        elif start_link is not None and event.seq == start_seq and event.hash != start_link:
            report.problem(f"row {event.id} is not the row the checkpoint signed", event.id)
        if previous is not None and event.prev_hash != previous:
            report.problem(f"row {event.id} does not follow the row before it", event.id)
        elif not event.key_id or event.chain != chain_name(event.practice_id):
            report.problem(f"row {event.id} is not signed as a row of this chain", event.id)
        elif event.compute_hash() is None:
            report.problem(f"row {event.id} was signed with audit key {event.key_id!r}, not in the ring", event.id)
        elif event.compute_hash() != event.hash:
            report.problem(f"row {event.id} was changed after it was written", event.id)
        previous, expected_seq = event.hash, event.seq + 1
        report.rows, report.head = event.seq, event.hash
    if report.checked == 0:  # nothing from the checkpoint on: what is left is compared with it (see _against)
        last = AuditEvent.objects.filter(chain=report.name).order_by("-seq").values_list("seq", "hash").first()
        report.rows, report.head = last or (0, GENESIS)


def _against(report: ChainReport, name: str, head: dict, label: str) -> None:
    """The chain must still reach the checkpoint's head, through the very row it signed."""
    if report.rows < head["rows"]:
        have = f"{report.rows} rows" if report.rows else "no rows"
        report.problem(f"the chain had {head['rows']} rows at {label} and now has {have}: the newest were deleted")
        return
    if name == LEGACY:
        if report.rows != head["rows"] or report.head != head["head"]:
            report.problem(f"the legacy segment differs from {label}")
        return
    link = AuditEvent.objects.filter(chain=name, seq=head["rows"]).values_list("hash", flat=True).first()
    if link != head["head"]:
        report.problem(f"row {head['rows']} is not the row {label} signed")


def verify_chains(*, full: bool, checkpoints: list[tuple[str, dict]] = ()) -> Report:
    """Verify every chain in the database or in ``checkpoints`` ((label, signed checkpoint) pairs, checked already)."""
    report = Report(last_id=AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0)
    # Every chain with rows up to a checkpoint's last id is named in it: only newer rows can start a chain
    # it does not know, so the quick check need not scan the whole table for chain names.
    seen = [cp.get("last_id") for _label, cp in checkpoints]
    rows = AuditEvent.objects.all()
    if seen and not full and all(isinstance(last_id, int) for last_id in seen):
        rows = rows.filter(id__gt=min(seen))
    names = set(rows.values_list("chain", flat=True).distinct().order_by())
    for _label, checkpoint in checkpoints:
        names |= set(checkpoint["chains"])
    for name in sorted(names):
        chain = report.chains[name] = ChainReport(name)
        heads = [(label, cp["chains"][name]) for label, cp in checkpoints if name in cp["chains"]]
        if name == LEGACY and heads and not full:
            # The legacy segment never grows: its length and last link against the checkpoint are enough.
            legacy = AuditEvent.objects.filter(chain=LEGACY)
            chain.rows = legacy.count()
            chain.head = legacy.order_by("-id").values_list("hash", flat=True).first() or GENESIS
        elif name == LEGACY:
            _walk_legacy(chain)
        elif full or not heads:
            _walk(chain)
        else:
            oldest = min(heads, key=lambda pair: pair[1]["rows"])[1]
            _walk(chain, start_seq=oldest["rows"], start_link=oldest["head"])
        for label, head in heads:
            _against(chain, name, head, label)
    return report
