"""No global lock (issue 22): do audited reads of two practices wait on each other?

    .venv/bin/python bench/chains.py [--database-url postgres://…/sh_chains] [--seconds 20]
                                     [--connections 4] [--workers 2] [--json out.json]

PostgreSQL only. The database must hold at least two synthetic practices, made with
``bench/make_practice.py --scale 2`` (for a smoke run: ``--therapists 4 --clients 120 --years 2 --scale 2
--reset --database-url …``). The script starts **two app servers** (gunicorn as ``bench/load.py``
starts it, through its ``Server``), one for each practice, signs in one therapist of each, and has
``--connections`` closed-loop connections per practice open that therapist's clients' records
(``/therapist/clients/<uuid>/``: every opening appends audit rows to the practice's chain, which locks
the chain's head row, ``audit.services._claim_head``) at saturation. Two phases:

1. practice A alone for ``--seconds``;
2. practices A and B together for ``--seconds``.

Meanwhile a sampler looks at ``pg_stat_activity`` every 20 ms for backends waiting on a lock
(``wait_event_type = 'Lock'``) and, for each, the backends blocking it (``pg_blocking_pids``): a wait is
*on the chain head* when the waiting statement is the chain-head upsert (``audit_auditchain``), and
*across practices* when the waiter's chain (the practice UUID in its statement) differs from the
blocker's (the practice UUID in the blocker's current statement, when it names one). It prints one JSON
document: requests/s of A alone and of A with B (and of B), lock waits seen per phase, and those across
practices. The per-practice claim holds when no wait across practices is seen; throughput of A
falling when B runs says little on its own on a shared machine (both servers share the CPU), which is
why the lock sampling is the evidence.
"""

import argparse
import json
import re
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DIR, bench_secrets, database_url, is_postgres, setup_django  # noqa: E402
from bench.load import Connection, Failed, Server, sign_in  # noqa: E402

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# Waiting backends and who blocks them, with both statements (to read which chain each works on).
WAITS_SQL = """
SELECT w.pid, w.query, b.pid, b.query
  FROM pg_stat_activity w
  JOIN LATERAL unnest(pg_blocking_pids(w.pid)) AS blocker(pid) ON true
  JOIN pg_stat_activity b ON b.pid = blocker.pid
 WHERE w.datname = current_database() AND w.wait_event_type = 'Lock'
"""


def practices_and_people(url: str) -> list[dict]:
    """For the first two synthetic practices: the practice UUID, one therapist and their active clients."""
    setup_django(url)
    # Imported once Django is set up for the benchmark database.
    from django.db import connections

    from practice.models import Client, Practice, StaffMember

    found = []
    for practice in Practice.objects.filter(slug__startswith="bench-").order_by("pk")[:2]:
        therapist = (
            StaffMember.objects.filter(practice=practice, is_therapist=True, clients__care_status="active")
            .select_related("user")
            .order_by("pk")
            .first()
        )
        clients = [
            str(u)
            for u in Client.objects.filter(therapist=therapist, care_status="active").values_list("uuid", flat=True)
        ]
        found.append({"practice": str(practice.uuid), "email": therapist.user.email, "clients": clients})
    connections.close_all()
    if len(found) < 2:
        raise SystemExit("Two synthetic practices are needed: bench/make_practice.py --scale 2 --reset ...")
    return found


class Traffic:
    """``connections`` closed-loop connections of one signed-in therapist opening their clients' records."""

    def __init__(self, port: int, browser, clients: list[str], connections: int):
        self.port, self.browser, self.clients, self.connections = port, browser, clients, connections
        self.done = self.errors = 0
        self.lock = threading.Lock()

    def run(self, until: float):
        def loop(n):
            conn = Connection(self.port)
            i = n
            while time.monotonic() < until:
                path = f"/therapist/clients/{self.clients[i % len(self.clients)]}/"
                i += self.connections
                try:
                    status, _, _ = conn.send(self.browser, "GET", path)
                    ok = status == 200
                except Failed:
                    ok = False
                with self.lock:
                    self.done += ok
                    self.errors += not ok
            conn.close()

        threads = [threading.Thread(target=loop, args=(n,)) for n in range(self.connections)]
        return threads


class Sampler:
    """Polls pg_stat_activity for lock waits until stopped; counts waits on the chain head, and across practices."""

    def __init__(self, url: str, practices: dict[str, str]):
        import psycopg  # imported here: the script's options and Django come first

        self.conn = psycopg.connect(url, autocommit=True)
        self.practices = practices  # practice UUID -> "A" / "B"
        self.samples = 0
        self.waits = {"any": 0, "chain_head": 0, "across_practices": 0, "same_practice": 0, "blocker_unknown": 0}
        self.stop = threading.Event()

    def _chain_of(self, query: str) -> str | None:
        for uuid in UUID_RE.findall(query or ""):
            if uuid in self.practices:
                return self.practices[uuid]
        return None

    def run(self):
        while not self.stop.is_set():
            rows = self.conn.execute(WAITS_SQL).fetchall()
            self.samples += 1
            for _pid, query, _blocker, blocker_query in rows:
                self.waits["any"] += 1
                if "audit_auditchain" not in (query or ""):
                    continue
                self.waits["chain_head"] += 1
                mine, theirs = self._chain_of(query), self._chain_of(blocker_query)
                if theirs is None:
                    self.waits["blocker_unknown"] += 1
                elif mine != theirs:
                    self.waits["across_practices"] += 1
                else:
                    self.waits["same_practice"] += 1
            time.sleep(0.02)

    def take(self) -> dict:
        taken = {"samples": self.samples, **self.waits}
        self.samples = 0
        self.waits = dict.fromkeys(self.waits, 0)
        return taken


def phase(traffics: list[Traffic], sampler: Sampler, seconds: float) -> dict:
    for traffic in traffics:
        traffic.done = traffic.errors = 0
    sampler.take()
    until = time.monotonic() + seconds
    threads = [thread for traffic in traffics for thread in traffic.run(until)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    return {
        "seconds": round(elapsed, 1),
        "requests_per_second": [round(t.done / elapsed, 1) for t in traffics],
        "errors": [t.errors for t in traffics],
        "lock_waits": sampler.take(),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=4, help="closed-loop connections per practice")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per app server")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    if not is_postgres(url):
        raise SystemExit("bench/chains.py measures PostgreSQL's row locks: give a postgres:// --database-url")
    (BENCH_DIR / "logs").mkdir(parents=True, exist_ok=True)  # the servers' logs, as bench/load.py keeps them
    people = practices_and_people(url)
    totp = bench_secrets()["TOTP_SECRET"]
    servers = [Server(url, workers=args.workers), Server(url, workers=args.workers)]
    servers[0].prepare()  # migrate and collect static once, as the Procfile's release step does
    sampler = Sampler(url, {people[0]["practice"]: "A", people[1]["practice"]: "B"})
    watcher = threading.Thread(target=sampler.run, daemon=True)
    try:
        for server in servers:
            server.start(helpers=False)
        traffics = [
            Traffic(
                server.port, sign_in(server.port, who["email"], "therapist", totp), who["clients"], args.connections
            )
            for server, who in zip(servers, people, strict=True)
        ]
        watcher.start()
        # Warm both servers (templates, connections) before measuring.
        phase(traffics, sampler, 3)
        alone = phase(traffics[:1], sampler, args.seconds)
        together = phase(traffics, sampler, args.seconds)
    finally:
        sampler.stop.set()
        for server in servers:
            server.stop()
    result = {
        "database": url.rsplit("@", 1)[-1],
        "servers": 2,
        "workers_per_server": args.workers,
        "connections_per_practice": args.connections,
        "page": "/therapist/clients/<uuid>/ (audited read)",
        "a_alone": alone,
        "a_and_b": together,
        "a_rps_alone": alone["requests_per_second"][0],
        "a_rps_with_b": together["requests_per_second"][0],
        "b_rps_with_a": together["requests_per_second"][1],
        "chain_waits_across_practices": alone["lock_waits"]["across_practices"]
        + together["lock_waits"]["across_practices"],
    }
    text = json.dumps(result, indent=2)
    print(text)
    if args.json:
        Path(args.json).write_text(text)


if __name__ == "__main__":
    main()
