"""In-process timings for issue 5's pages and writes, with two years of one client's history.

Run: .venv/bin/python bench/h5_pages.py   (or with DATABASE_URL=postgres://... for PostgreSQL;
the database named there is emptied and filled). SQLite runs in a temporary folder. Prints a
Markdown table; results go in docs/benchmarks-mindfulness.md.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL"):
    os.environ["TENDING_VAR_DIR"] = tempfile.mkdtemp(prefix="tending-h5-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from journal.services import entry_save  # noqa: E402
from mindfulness.content import PRACTICES  # noqa: E402
from mindfulness.services import practice_log_record  # noqa: E402
from selfcare.services import activity_add, tick_record  # noqa: E402
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory  # noqa: E402

DAYS = 730


def build():
    call_command("flush", interactive=False, verbosity=0) if os.environ.get("DATABASE_URL") else None
    call_command("migrate", verbosity=0)
    practice = PracticeFactory(slug=f"bench-{time.time_ns()}")
    therapist = StaffFactory(practice=practice)
    client = ClientFactory(therapist=therapist)
    now = timezone.now()
    for day in range(DAYS):
        when = now - datetime.timedelta(days=day)
        practice_log_record(
            client=client,
            practice=PRACTICES[day % len(PRACTICES)],
            calm_before=3,
            calm_after=5 + day % 3,
            kindness_before=2,
            kindness_after=4,
            word="lighter",
            practised_at=when,
        )
    activities = [activity_add(client=client, area="body", text=f"Thing {n}", rhythm="weekly") for n in range(10)]
    for day in range(0, DAYS, 2):
        tick_record(activity=activities[day % 10], done_at=now - datetime.timedelta(days=day))
    for n in range(500):
        entry_save(client=client, body=f"Entry {n}. A quiet day, some worry, some rest. " * 8, prompt="free")
    return client


def median_ms(fn, runs):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def main():
    setup_test_environment()
    client = build()
    http = HttpClient()
    http.force_login(client.user, backend="accounts.backends.ModelBackend")
    rows = []
    for label, url in [
        ("library", "/practices/"),
        ("player", "/practices/play/body-scan/"),
        ("what helps me (730 logs)", "/practices/what-helps-me/"),
        ("journal list (500 entries)", "/journal/"),
        ("self-care plan (365 ticks)", "/self-care/"),
    ]:
        assert http.get(url).status_code == 200
        med, worst = median_ms(lambda u=url: http.get(u), 50)
        rows.append((f"GET {label}", med, worst))
    practice = PRACTICES[0]
    med, worst = median_ms(
        lambda: practice_log_record(client=client, practice=practice, calm_before=3, calm_after=6), 200
    )
    rows.append(("practice_log_record (1 INSERT)", med, worst))
    activity = client.selfcare_activities.first()
    med, worst = median_ms(lambda: tick_record(activity=activity), 200)
    rows.append(("tick_record (1 INSERT)", med, worst))
    med, worst = median_ms(
        lambda: entry_save(client=client, body="A kind word to myself today. " * 20, prompt="free"), 200
    )
    rows.append(("entry_save (encrypt, detect, save)", med, worst))
    print(f"\n{connection.vendor}, Python {sys.version.split()[0]}\n")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs\n")
    print("| what | median ms | worst ms |\n|---|---|---|")
    for label, med, worst in rows:
        print(f"| {label} | {med:.1f} | {worst:.1f} |")


if __name__ == "__main__":
    main()
