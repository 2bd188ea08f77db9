"""In-process timings for issue 5's pages and writes, for a client with two years of history.

Run: .venv/bin/python bench/h5_pages.py [--clients 20] [--years 2] [--runs 50] [--database-url URL]
(or with DATABASE_URL=postgres://... for PostgreSQL; the database named there is emptied and filled).
SQLite runs in a temporary folder. The practice comes from bench/make_practice.py's generator, every
client staying the whole time; the timed client is the one with the most journal entries and practice
logs. Prints a Markdown table; results go in docs/benchmarks-mindfulness.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.make_practice import make  # noqa: E402


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--years", type=float, default=2)
    parser.add_argument("--runs", type=int, default=50, help="timed requests per page (four times as many writes)")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='tending-h5-bench-')}/h5.sqlite3"
    make(url, therapists=2, clients=args.clients, years=args.years, seed="h5", everyone_stays=True)
    # Django is set up by make(), so models are imported once it is.
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment

    from journal.models import Entry
    from journal.services import entry_save
    from mindfulness.content import EXERCISES
    from mindfulness.models import ExerciseLog
    from mindfulness.services import exercise_log_record
    from practice.models import Client
    from selfcare.models import Tick
    from selfcare.services import tick_record

    def history(client):
        return (
            Entry.objects.filter(client=client).count(),
            ExerciseLog.objects.filter(client=client).count(),
            Tick.objects.filter(activity__client=client).count(),
        )

    setup_test_environment()
    client = max(Client.objects.filter(practice__slug__startswith="bench-"), key=history)
    entries, logs, ticks = history(client)
    http = HttpClient()
    http.force_login(client.user, backend="accounts.backends.ModelBackend")
    rows = []
    for label, page in [
        ("library", "/practices/"),
        ("player", "/practices/play/body-scan/"),
        (f"what helps me ({logs} logs)", "/practices/what-helps-me/"),
        (f"journal list ({entries} entries)", "/journal/"),
        (f"self-care plan ({ticks} ticks)", "/self-care/"),
    ]:
        assert http.get(page).status_code == 200
        med, worst = median_ms(lambda u=page: http.get(u), args.runs)
        rows.append((f"GET {label}", med, worst))
    exercise = EXERCISES[0]
    med, worst = median_ms(
        lambda: exercise_log_record(client=client, exercise=exercise, calm_before=3, calm_after=6), args.runs * 4
    )
    rows.append(("exercise_log_record (1 INSERT)", med, worst))
    activity = client.selfcare_activities.first()
    med, worst = median_ms(lambda: tick_record(activity=activity), args.runs * 4)
    rows.append(("tick_record (1 INSERT)", med, worst))
    med, worst = median_ms(
        lambda: entry_save(client=client, body="A kind word to myself today. " * 20, prompt="free"), args.runs * 4
    )
    rows.append(("entry_save (encrypt, detect, save)", med, worst))
    print(f"\n{connection.vendor}, Python {sys.version.split()[0]}\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| what | median ms | worst ms |\n|---|---|---|")
    for label, med, worst in rows:
        print(f"| {label} | {med:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
