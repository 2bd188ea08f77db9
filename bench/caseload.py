"""The caseload and formulation pages for a therapist with 150 clients and five years of history.

Run: .venv/bin/python bench/caseload.py [--clients 150] [--years 5] [--runs 60] [--database-url URL] [--reuse]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/tending_h6 .venv/bin/python bench/caseload.py

The practice comes from bench/make_practice.py's generator: one therapist whose clients all stay the
whole time (``--everyone-stays``), then each client's formulation suggestions are looked for and every
fifteenth client has an open risk alert, as a busy caseload shows them. Without a database URL it runs
on SQLite in a temporary folder; a database named there is emptied and filled. ``--reuse`` times a
practice this script built before again, without rebuilding it (same database URL). Pages are timed in
process through the full middleware stack (Django's test client), ``--runs`` requests each after one warm-up.
Prints a Markdown table for docs/benchmarks-caseload.md.
"""

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.db import connection
from django.db.models import Count

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import setup_django  # noqa: E402
from bench.make_practice import make  # noqa: E402

THERAPIST = "t1-1@bench.tending.test"


def build(url: str, *, clients: int, years: float) -> None:
    make(url, therapists=1, clients=clients, years=years, seed="6", everyone_stays=True)
    # Django is set up by make(), so models are imported once it is.
    from formulation.services import insights_refresh
    from practice.models import Client
    from risk.models import RiskAlert
    from risk.services import risk_alert_raise

    for index, client in enumerate(Client.objects.filter(therapist__user__email=THERAPIST).order_by("pk")):
        insights_refresh(client=client)
        if index % 15 == 0:
            risk_alert_raise(client=client, source=RiskAlert.Source.PHQ9_ITEM9, source_id=f"bench-{client.pk}")


class QueryCounter:
    # Counted with an execute wrapper: the test client's request_started signal resets
    # connection.queries, which would hide them from CaptureQueriesContext.
    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def timed(http, url, runs):
    http.get(url)
    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        response = http.get(url)
    assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        http.get(url)
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return counter.count, statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=150)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--runs", type=int, default=60, help="timed requests per page")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--reuse", action="store_true", help="time the practice already in the database")
    args = parser.parse_args(argv)
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='tending-caseload-bench-')}/caseload.sqlite3"
    started = time.perf_counter()
    if args.reuse:
        setup_django(url)
    else:
        build(url, clients=args.clients, years=args.years)
    built = time.perf_counter() - started
    # Django is set up above, so models are imported once it is.
    from django.test import Client as HttpClient
    from django.test.utils import setup_test_environment

    from bookings.models import Appointment
    from checkins.models import CheckIn
    from formulation.models import CauseStatus, SymptomStatus
    from journal.models import Entry
    from measures.models import MeasureResponse
    from notes.models import SessionNote
    from practice.models import Client, StaffMember

    setup_test_environment()
    ana = StaffMember.objects.select_related("user").get(user__email=THERAPIST)
    caseload = Client.objects.for_therapist(ana)
    counts = {
        "appointments": Appointment.objects.filter(therapist=ana).count(),
        "notes": SessionNote.objects.filter(author=ana).count(),
        "measures": MeasureResponse.objects.filter(client__therapist=ana).count(),
        "checkins": CheckIn.objects.filter(client__therapist=ana).count(),
        "journal": Entry.objects.filter(client__therapist=ana).count(),
        "formulation rows": SymptomStatus.objects.filter(symptom__client__therapist=ana).count()
        + CauseStatus.objects.filter(cause__client__therapist=ana).count(),
    }
    # The client with the most sessions: the fullest "since we last met".
    client = caseload.annotate(sessions=Count("appointments")).order_by("-sessions", "pk").first()
    http = HttpClient()
    http.force_login(ana.user, backend="accounts.backends.ModelBackend")
    rows = [
        ("minimal page (/healthz)", "/healthz"),
        ("caseload home", "/caseload/"),
        ("client list (50 a page)", "/caseload/clients/"),
        ("formulation of one client", f"/formulation/clients/{client.uuid}/"),
        ("since we last met", f"/caseload/clients/{client.uuid}/since-we-last-met/"),
    ]
    load = os.getloadavg()[0]
    print(f"\n{connection.vendor}, Python {sys.version.split()[0]}; built in {built:.0f} s; load average {load:.1f}")
    print("history: " + ", ".join(f"{n:,} {label}" for label, n in counts.items()) + f" for {caseload.count()} clients")
    print("\n| page | queries | p50 ms | p95 ms |\n|---|---|---|---|")
    for label, url in rows:
        queries, p50, p95 = timed(http, url, args.runs)
        print(f"| {label} | {queries} | {p50:.1f} | {p95:.1f} |")


if __name__ == "__main__":
    main()
