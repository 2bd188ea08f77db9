"""The caseload and formulation pages for a therapist with 150 clients and five years of history.

Run: .venv/bin/python bench/caseload.py
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/tending_h6 .venv/bin/python bench/caseload.py
SQLite runs in a temporary folder (or TENDING_VAR_DIR); a PostgreSQL database named in
DATABASE_URL is created if missing, then emptied and filled. ``--reuse`` times an already
built practice again without rebuilding it (same DATABASE_URL or TENDING_VAR_DIR). Pages are timed in process through the full middleware stack
(Django's test client), 60 requests each after one warm-up. Prints a Markdown table for
docs/benchmarks-caseload.md.
"""

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
if not os.environ.get("DATABASE_URL") and not os.environ.get("TENDING_VAR_DIR"):
    os.environ["TENDING_VAR_DIR"] = tempfile.mkdtemp(prefix="tending-caseload-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")


def _ensure_postgres_database(url: str) -> None:
    parsed = urlparse(url)
    if parsed.scheme not in {"postgres", "postgresql"}:
        return
    import psycopg

    name = parsed.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


_ensure_postgres_database(os.environ.get("DATABASE_URL", ""))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client as HttpClient  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from bookings.models import Appointment  # noqa: E402
from checkins.models import CheckIn  # noqa: E402
from formulation.models import Cause, CauseStatus, Symptom, SymptomStatus  # noqa: E402
from formulation.services import insights_refresh  # noqa: E402
from journal.models import Entry  # noqa: E402
from measures.models import MeasureResponse  # noqa: E402
from notes.models import SessionNote  # noqa: E402
from risk.models import RiskAlert  # noqa: E402
from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory, UserFactory  # noqa: E402

CLIENTS = 150
YEARS = 5
RUNS = 60
NOW = datetime.now(UTC).replace(microsecond=0)
START = NOW - timedelta(days=365 * YEARS)


def build():
    if os.environ.get("DATABASE_URL"):
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
    else:
        call_command("migrate", verbosity=0)
    rng = random.Random(6)
    practice = PracticeFactory(slug=f"bench-{time.time_ns()}")
    ana = StaffFactory(practice=practice, user=UserFactory(email="bench-ana@example.test"))
    clients = [ClientFactory(therapist=ana) for _ in range(CLIENTS)]
    counts = dict.fromkeys(("appointments", "notes", "measures", "checkins", "journal", "formulation rows"), 0)
    for index, client in enumerate(clients):
        with transaction.atomic():
            # Fortnightly sessions at a fixed weekly slot per client, so none overlap: 75 slots a week.
            slot = index // 2
            first = START - timedelta(days=START.weekday()) + timedelta(weeks=index % 2)
            first = first.replace(hour=7 + slot // 5, minute=0, second=0) + timedelta(days=slot % 5)
            sessions = []
            when = first
            while when < NOW + timedelta(days=14):
                sessions.append(
                    Appointment(
                        practice=practice,
                        therapist=ana,
                        client=client,
                        kind="session",
                        start=when,
                        end=when + timedelta(minutes=50),
                        blocked_until=when + timedelta(minutes=60),
                        status="completed" if when < NOW else "confirmed",
                    )
                )
                when += timedelta(weeks=2)
            Appointment.objects.bulk_create(sessions)
            past = [a for a in Appointment.objects.filter(client=client, start__lt=NOW)]
            SessionNote.objects.bulk_create(
                SessionNote(
                    appointment=a,
                    client=client,
                    author=ana,
                    holder=ana,
                    mind="Spoke about the week, worry at work and a kinder moment at home. " * 3,
                    body="Tight shoulders, sleeping better.",
                    causes_work="The inner critic showed up around a small mistake.",
                    risk="Asked about safety; none.",
                    signed_at=a.end + timedelta(hours=2),
                )
                for a in past
            )
            counts["appointments"] += len(sessions)
            counts["notes"] += len(past)
            measures = []
            for month in range(YEARS * 12):
                at = START + timedelta(days=30 * month + index % 20)
                phq = max(0, 18 - month // 4 + rng.randint(-2, 2))
                measures += [
                    MeasureResponse(
                        client=client,
                        instrument="phq9",
                        instrument_version="1",
                        answers=[1] * 9,
                        completed_at=at,
                        total=min(27, phq),
                        band="moderate",
                    ),
                    MeasureResponse(
                        client=client,
                        instrument="gad7",
                        instrument_version="1",
                        answers=[1] * 7,
                        completed_at=at,
                        total=min(21, max(0, phq - 3)),
                        band="mild",
                    ),
                    MeasureResponse(
                        client=client,
                        instrument="scs_sf",
                        instrument_version="1",
                        answers=[3] * 12,
                        completed_at=at,
                        total=2.5 + rng.random(),
                        band="moderate",
                    ),
                ]
            MeasureResponse.objects.bulk_create(measures)
            counts["measures"] += len(measures)
            checkins = [
                CheckIn(
                    client=client,
                    local_date=(START + timedelta(weeks=w)).date(),
                    mood=rng.randint(2, 8),
                    sleep=rng.randint(2, 8),
                    peace=rng.randint(2, 8),
                    self_kindness=rng.randint(2, 8),
                )
                for w in range(YEARS * 52)
            ]
            CheckIn.objects.bulk_create(checkins)
            counts["checkins"] += len(checkins)
            entries = [
                Entry(
                    client=client,
                    body="Something I wanted you to see. " * 5,
                    is_draft=False,
                    shared_at=START + timedelta(days=30 * m + 3),
                    created_at=START + timedelta(days=30 * m + 2),
                )
                for m in range(YEARS * 12)
            ]
            Entry.objects.bulk_create(entries)
            counts["journal"] += len(entries)
            causes = [Cause(client=client, hypothesis=f"Hypothesis {k}", created_by=ana) for k in range(2)]
            Cause.objects.bulk_create(causes)
            symptoms = [
                Symptom(client=client, kind=kind, created_by=ana)
                for kind in ("anxiety", "panic_attacks", "sleep_problems", "low_mood")
            ]
            Symptom.objects.bulk_create(symptoms)
            rows = []
            for s_index, symptom in enumerate(symptoms):
                for step in range(30):
                    rows.append(
                        SymptomStatus(
                            symptom=symptom,
                            status="present" if step < 29 else "easing",
                            severity=max(0, 8 - step // 5 - s_index),
                            recorded_by=ana,
                            on=(START + timedelta(days=60 * step + s_index)).date(),
                        )
                    )
            SymptomStatus.objects.bulk_create(rows)
            CauseStatus.objects.bulk_create(
                CauseStatus(cause=c, status=st, on=(START + timedelta(days=400 * k)).date(), recorded_by=ana)
                for c in causes
                for k, st in enumerate(("open", "working", "working", "easing", "easing"))
            )
            for c_index, cause in enumerate(causes):
                cause.symptoms.set(symptoms[c_index * 2 : c_index * 2 + 3])
            counts["formulation rows"] += len(rows) + 10
            insights_refresh(client=client)
            if index % 15 == 0:
                RiskAlert.objects.create(
                    client=client, therapist=ana, source="phq9_item9", escalate_after=NOW + timedelta(hours=4)
                )
    return ana, clients, counts


class QueryCounter:
    # Counted with an execute wrapper: the test client's request_started signal resets
    # connection.queries, which would hide them from CaptureQueriesContext.
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(http, url):
    http.get(url)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(RUNS):
        start = time.perf_counter()
        http.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return counter.count, statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main():
    setup_test_environment()
    started = time.perf_counter()
    if "--reuse" in sys.argv:
        from practice.models import Client, StaffMember

        ana = StaffMember.objects.get(user__email="bench-ana@example.test")
        clients = list(Client.objects.for_therapist(ana).order_by("id"))
        counts = {
            "appointments": Appointment.objects.filter(therapist=ana).count(),
            "notes": SessionNote.objects.filter(author=ana).count(),
            "measures": MeasureResponse.objects.filter(client__therapist=ana).count(),
            "checkins": CheckIn.objects.filter(client__therapist=ana).count(),
            "journal": Entry.objects.filter(client__therapist=ana).count(),
            "formulation rows": SymptomStatus.objects.filter(symptom__client__therapist=ana).count()
            + CauseStatus.objects.filter(cause__client__therapist=ana).count(),
        }
    else:
        ana, clients, counts = build()
    built = time.perf_counter() - started
    http = HttpClient()
    http.force_login(ana.user, backend="accounts.backends.ModelBackend")
    client = clients[7]
    rows = [
        ("minimal page (/healthz)", "/healthz"),
        ("caseload home", "/caseload/"),
        ("client list (50 a page)", "/caseload/clients/"),
        ("formulation of one client", f"/formulation/clients/{client.uuid}/"),
        ("since we last met", f"/caseload/clients/{client.uuid}/since-we-last-met/"),
    ]
    load = os.getloadavg()[0]
    print(f"\n{connection.vendor}, Python {sys.version.split()[0]}; built in {built:.0f} s; load average {load:.1f}")
    print("history: " + ", ".join(f"{n:,} {label}" for label, n in counts.items()) + f" for {CLIENTS} clients")
    print("\n| page | queries | p50 ms | p95 ms |\n|---|---|---|---|")
    for label, url in rows:
        queries, p50, p95 = timed(http, url)
        print(f"| {label} | {queries} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
