"""Where a page's CPU goes in the app server at saturation: py-spy samples one gunicorn worker.

    .venv/bin/python bench/spy.py --database-url URL --pages client_record,caseload [--seconds 30] [--json out.json]

It starts the server as ``bench/load.py`` does, signs the same people in, and for each page runs saturate mode's
closed loop (16 connections) while ``py-spy record --gil`` samples one worker for the middle of the run. ``--gil``
keeps only the samples where the worker holds Python's lock: its CPU, not its waits for PostgreSQL or for a core,
which an unfiltered sample counts as work (on the client's record at saturation, 42% of a worker's samples). The profile
under load differs from ``bench/queries.py --profile``'s in-process cProfile, which adds a cost to every call and so
overstates code that makes many small ones.

It prints, per page, the share of samples in each part of the request (``PARTS``), the functions with the most
samples of their own, and the functions below the view with the most samples in all. py-spy is not one of Tending's
dependencies: ``pip install py-spy`` into any Python, or give its path with ``--py-spy``; it reads another process's
memory, which needs root or ``ptrace`` allowed.
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BENCH_DIR, bench_secrets, database_url, print_report  # noqa: E402
from bench.load import Server, load_people, saturate_page, sign_in_everyone  # noqa: E402

# Parts of a request, each named by a function its samples pass through; a sample counts for the first that matches
# from the outside in, so the database reads a template sets off count as the template's. "ORM querysets" is building
# and running querysets that are not kept reads; "view" is what is left of the view; "server" what is outside Django
# (gunicorn reading and writing the sockets).
PARTS = (
    ("audit row", "write_page_reads (audit/middleware.py"),
    ("session and user", "get_user (django/contrib/auth/__init__.py"),
    ("templates", "render_to_string (django/template/loader.py"),
    ("templates", "render (django/shortcuts.py"),
    ("kept reads", "CompiledRead."),
    ("other queries", "CursorWrapper.execute (django/db/backends/utils.py"),
    ("ORM querysets", "(django/db/models/"),
    ("view", "BaseHandler._get_response (django/core/handlers/base.py"),
    ("middleware", "BaseHandler.get_response (django/core/handlers/base.py"),
)
# Frames every request passes through: left out of the "most in all" list, where they would fill the top.
_AROUND = ("(gunicorn", "(django/core/handlers/", "middleware", "(django/utils/deprecation.py", "(whitenoise/")


def worker_pid(master: int) -> int:
    """A gunicorn worker of ``master`` (the first it lists)."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if not children:
        raise SystemExit("gunicorn has no workers yet")
    return int(children[0])


def record(py_spy: str, pid: int, seconds: float, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [py_spy, "record", "--pid", str(pid), "--duration", str(int(seconds)), "--rate", "200", "--gil"]
        + ["--nonblocking", "--format", "raw", "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )


def summarise(raw: str, top: int) -> dict:
    """py-spy's folded stacks (``frame;frame;… count`` a line) as shares of the samples."""
    own, within, parts, total = Counter(), Counter(), Counter(), 0
    for line in raw.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        total += n
        # A frame is "function (file:line)": the line is dropped so that a function counts once.
        frames = [frame.rsplit(":", 1)[0] for frame in stack.split(";")]
        own[frames[-1]] += n
        for frame in dict.fromkeys(frames):  # each once, outermost first (so ties keep that order)
            within[frame] += n
        parts[next((name for name, mark in PARTS for f in frames if mark in f), "server")] += n

    def share(n):
        return round(100 * n / total, 1) if total else 0.0

    return {
        "samples": total,
        "parts": {name: share(n) for name, n in parts.most_common()},
        "own": [[frame, share(n)] for frame, n in own.most_common(top)],
        "within": [
            [frame, share(n)]
            for frame, n in within.most_common()
            if not any(mark in frame for mark in _AROUND) and "(<frozen" not in frame
        ][:top],
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url")
    parser.add_argument("--pages", required=True, help="comma-separated pages of bench/load.py's mix")
    parser.add_argument("--seconds", type=float, default=30, help="seconds each page is saturated")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--procs", type=int, default=4, help="load-generator processes")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--py-spy", default=shutil.which("py-spy"), help="py-spy's path (default: on PATH)")
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args(argv)
    if not args.py_spy:
        parser.error("py-spy was not found: pip install py-spy, or give --py-spy PATH")
    url = database_url(args.database_url)
    (BENCH_DIR / "logs").mkdir(parents=True, exist_ok=True)
    found = load_people(url, clients=args.clients, therapists=args.therapists, seed=args.seed)
    people, slug = found["people"], found["practice_slug"]
    server = Server(url, workers=args.workers)
    server.prepare()
    server.start()
    report = {"database": "postgresql" if url.startswith("postgres") else "sqlite", "pages": {}}
    try:
        sign_in_everyone(server.port, people, bench_secrets()["TOTP_SECRET"])
        for page in [p.strip() for p in args.pages.split(",") if p.strip()]:
            # Sampled from a quarter of the way in to a quarter from the end: the workers are warm and still busy.
            raw = Path(tempfile.mkstemp(suffix=".folded")[1])
            spied = {}

            def sample(raw=raw, spied=spied):
                time.sleep(args.seconds / 4)
                spied["run"] = record(args.py_spy, worker_pid(server.web.pid), args.seconds / 2, raw)

            sampler = threading.Thread(target=sample)
            sampler.start()
            stats = saturate_page(args, server, people, slug, page, args.connections, args.seconds)
            sampler.join()
            if spied["run"].returncode != 0:
                raise SystemExit(f"py-spy failed: {spied['run'].stderr.strip()}")
            report["pages"][page] = {
                "req_per_s": stats.get(page, {}).get("req_per_s"),
                **summarise(raw.read_text(), args.top),
            }
            raw.unlink()
    finally:
        server.stop()
    print_report(report, args.json)
    return report


if __name__ == "__main__":
    main()
