"""Where the machine's time went during a benchmark run.

A run's p95 can be spoilt by a stretch of slow seconds (docs/benchmarks.md, "Issue 22, fourteenth pass": 884 ms
at 80 s of a five-minute run, 61-108 ms either side). ``CpuWatch`` samples /proc once a second and says how many
cores each part of the system used: the web workers, the task worker, PostgreSQL, the load generator itself, and
everything else on the machine. ``pg_background`` snapshots what PostgreSQL did on its own (checkpoints,
autovacuum, autoanalyze), so two snapshots say what of that fell inside the run and when.

Linux only (it reads /proc); elsewhere the watch reports nothing rather than failing the run.
"""

import os
import threading
import time
from pathlib import Path

PROC = Path("/proc")
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _stat(pid_dir: Path) -> tuple[str, int, int] | None:
    """(command name, process group, CPU ticks used so far) of one process, or None if it has gone."""
    try:
        text = (pid_dir / "stat").read_text()
    except OSError:
        return None
    # "pid (comm) state ppid pgrp ...": the name may hold spaces and brackets, so split at the last ")".
    head, _, rest = text.rpartition(")")
    fields = rest.split()
    comm = head.partition("(")[2]
    return comm, int(fields[2]), int(fields[11]) + int(fields[12])


def _machine_busy() -> int:
    """Ticks all cores spent doing anything but idling or waiting for the disk, since boot."""
    values = [int(v) for v in (PROC / "stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values[:8]) - idle


def classify(comm: str, pgrp: int, groups: dict[int, str], own_pgrp: int) -> str:
    """Which part of the system a process belongs to: by process group for the servers the benchmark started
    (each in a session of its own), by name for PostgreSQL, and the generator by the group it runs in."""
    if pgrp in groups:
        return groups[pgrp]
    if comm.startswith("postgres"):
        return "postgres"
    if pgrp == own_pgrp:
        return "load"
    return "other"


class CpuWatch(threading.Thread):
    """Samples every ``every`` seconds until stopped; ``samples`` holds (when, seconds covered, cores by part),
    "when" on the monotonic clock, as the load generator stamps its requests.

    ``groups`` maps a process group id to its part's name ("web", "worker"...). A process that started and
    ended between two samples is not seen by its part but still counts in "machine", the busy cores of the
    whole machine, so the parts never add up to more than what was spent.
    """

    def __init__(self, groups: dict[int, str], *, every: float = 1.0):
        super().__init__(daemon=True)
        self.groups = dict(groups)
        self.every = every
        self.own_pgrp = os.getpgrp()
        self.samples: list[tuple[float, float, dict[str, float]]] = []
        self._done = threading.Event()
        self.available = (PROC / "stat").exists()

    def _read(self) -> tuple[float, int, dict[int, tuple[str, int]]]:
        used: dict[int, tuple[str, int]] = {}
        for pid_dir in PROC.iterdir():
            if not pid_dir.name.isdigit():
                continue
            found = _stat(pid_dir)
            if found is not None:
                comm, pgrp, ticks = found
                used[int(pid_dir.name)] = (classify(comm, pgrp, self.groups, self.own_pgrp), ticks)
        return time.monotonic(), _machine_busy(), used

    def run(self):
        if not self.available:
            return
        last_at, last_busy, last = self._read()
        while not self._done.wait(self.every):
            at, busy, now = self._read()
            seconds = at - last_at
            cores: dict[str, float] = {}
            for pid, (part, ticks) in now.items():
                # A process first seen now started since the last sample: all its ticks are in this interval.
                before = last[pid][1] if pid in last and last[pid][0] == part else 0
                cores[part] = cores.get(part, 0.0) + (ticks - before) / TICKS / seconds
            cores["machine"] = (busy - last_busy) / TICKS / seconds
            self.samples.append((at, seconds, cores))
            last_at, last_busy, last = at, busy, now

    def stop(self):
        self._done.set()
        self.join()


def cpu_slices(samples, first: float, every: float = 10.0) -> dict[int, dict[str, float]]:
    """Cores used by each part, averaged over slices of ``every`` seconds counted from ``first`` (on the monotonic
    clock, as the run's timeline counts), keyed by the slice's start in whole seconds. A sample belongs to the
    slice its interval ended in."""
    totals: dict[int, dict[str, float]] = {}
    covered: dict[int, float] = {}
    for ended, seconds, cores in samples:
        if ended < first:
            continue
        n = int((ended - first) // every)
        covered[n] = covered.get(n, 0.0) + seconds
        slot = totals.setdefault(n, {})
        for part, used in cores.items():
            slot[part] = slot.get(part, 0.0) + used * seconds
    return {
        round(n * every): {part: round(total / covered[n], 2) for part, total in sorted(parts.items())}
        for n, parts in sorted(totals.items())
    }


def pg_background(url: str) -> dict | None:
    """PostgreSQL's own work so far: checkpoints (timed and requested) and each table's autovacuum and
    autoanalyze counts with when each last ran. None on another database or when it cannot be read."""
    if not url.startswith(("postgres://", "postgresql://")):
        return None
    try:
        import psycopg
    except ImportError:
        return None
    with psycopg.connect(url, autocommit=True) as conn:
        # PostgreSQL 17 moved the checkpoint counts to pg_stat_checkpointer; earlier versions keep them here.
        try:
            timed, requested = conn.execute("SELECT num_timed, num_requested FROM pg_stat_checkpointer").fetchone()
        except psycopg.errors.UndefinedTable:
            timed, requested = conn.execute(
                "SELECT checkpoints_timed, checkpoints_req FROM pg_stat_bgwriter"
            ).fetchone()
        tables = {
            name: {
                "autovacuum": vacuums,
                "autoanalyze": analyzes,
                "last_autovacuum": last_vacuum.timestamp() if last_vacuum else None,
                "last_autoanalyze": last_analyze.timestamp() if last_analyze else None,
            }
            for name, vacuums, analyzes, last_vacuum, last_analyze in conn.execute(
                "SELECT relname, autovacuum_count, autoanalyze_count, last_autovacuum, last_autoanalyze"
                " FROM pg_stat_user_tables"
            )
        }
    return {"checkpoints": timed + requested, "tables": tables}


def pg_background_during(before: dict | None, after: dict | None, first: float) -> dict | None:
    """What PostgreSQL did on its own between two ``pg_background`` snapshots: the number of checkpoints, and
    for each table autovacuumed or autoanalysed, how often and when it last was, in seconds after ``first`` (a
    wall-clock time: PostgreSQL stamps them so)."""
    if before is None or after is None:
        return None
    ran = []
    for name, now in sorted(after["tables"].items()):
        was = before["tables"].get(name, {"autovacuum": 0, "autoanalyze": 0})
        for kind in ("autovacuum", "autoanalyze"):
            if now[kind] > was[kind]:
                last = now[f"last_{kind}"]
                ran.append(
                    {"table": name, "kind": kind, "times": now[kind] - was[kind], "last_at_s": round(last - first, 1)}
                )
    ran.sort(key=lambda r: r["last_at_s"])
    return {"checkpoints": after["checkpoints"] - before["checkpoints"], "vacuum_and_analyze": ran}
