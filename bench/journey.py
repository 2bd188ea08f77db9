"""How fast is the journey page with five years of history?

    .venv/bin/python bench/journey.py [--requests 60] [--databases sqlite,postgres]
                                      [--postgres-url postgres://postgres@127.0.0.1:5432/tending_h4_bench]

For each database it builds, in a fresh database, one client with five years of
daily check-ins (1,826), fortnightly PHQ-9, GAD-7 and WHO-5, monthly PHQ-15 and
SCS-SF (about 520 forms) and weekly sessions (261), then times server-side
responses through Django's test client (full middleware, templates, audit
writes; no network) for:

  minimal           the journey page of a client with no history (same app, same shell)
  client month/year/all   the client's own journey at each time span
  therapist all     the therapist's view of the same client (outcome, item detail, audited read)

and prints p50/p95 (ms) per page plus the query count of each. The parent runs each
database in a child process so settings are read once per database.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/tending_h4_bench"


def child(requests: int) -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tending.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.urls import reverse
    from django.utils import timezone

    call_command("migrate", verbosity=0)

    from bookings.models import Appointment
    from checkins.models import CheckIn
    from measures.demo import answers_for
    from measures.models import MeasureResponse
    from measures.scoring import score
    from tending.testing.factories import ClientFactory, PracticeFactory, StaffFactory, UserFactory

    practice = PracticeFactory(slug=f"bench-{os.getpid()}")
    therapist = StaffFactory(practice=practice, user=UserFactory(email=f"t{os.getpid()}@bench.test"))
    full = ClientFactory(therapist=therapist, user=UserFactory(email=f"full{os.getpid()}@bench.test"))
    empty = ClientFactory(therapist=therapist, user=UserFactory(email=f"empty{os.getpid()}@bench.test"))
    today = timezone.localdate()
    days = 5 * 365 + 1
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                client=full,
                local_date=today - dt.timedelta(days=d),
                feelings=["calm"],
                mood=d % 11,
                energy=(d * 3) % 11,
                tension=(d * 5) % 11,
                sleep=(d * 7) % 11,
                peace=(d * 2) % 11,
                fulfilment=(d * 4) % 11,
                self_kindness=(d * 6) % 11,
            )
            for d in range(days)
        ),
        batch_size=500,
    )
    now = timezone.now()
    forms = []
    for fortnight in range(days // 14):
        at = now - dt.timedelta(days=days - fortnight * 14)
        instruments = ["phq9", "gad7", "who5"] + (["phq15", "scs_sf"] if fortnight % 2 == 0 else [])
        for instrument in instruments:
            target = {"phq9": 12, "gad7": 9, "who5": 12, "phq15": 8, "scs_sf": 3.0}[instrument]
            vector = answers_for(instrument, target, fortnight % 3 - 1)
            result = score(instrument, vector)
            forms.append(
                MeasureResponse(
                    client=full,
                    instrument=instrument,
                    instrument_version="bench",
                    answers=vector,
                    completed_at=at,
                    total=result["total"],
                    band=result["band"],
                )
            )
    MeasureResponse.objects.bulk_create(forms, batch_size=500)
    Appointment.objects.bulk_create(
        (
            Appointment(
                practice=practice,
                therapist=therapist,
                client=full,
                start=now - dt.timedelta(weeks=w, hours=1),
                end=now - dt.timedelta(weeks=w, minutes=10),
                blocked_until=now - dt.timedelta(weeks=w),
                status=Appointment.Status.COMPLETED,
            )
            for w in range(1, 5 * 52 + 2)
        ),
        batch_size=500,
    )

    def signed_in(user):
        http = HttpClient()
        http.force_login(user, backend="accounts.backends.ModelBackend")
        return http

    journey = reverse("journey:mine")
    pages = {
        "minimal (no history)": (signed_in(empty.user), journey + "?range=all"),
        "client, month": (signed_in(full.user), journey + "?range=month"),
        "client, year": (signed_in(full.user), journey + "?range=year"),
        "client, all (5 years)": (signed_in(full.user), journey + "?range=all"),
        "therapist, all (5 years)": (
            signed_in(therapist.user),
            reverse("journey:client", kwargs={"client_uuid": full.uuid}) + "?range=all",
        ),
    }
    results = {}
    for name, (http, url) in pages.items():
        for _ in range(5):  # warm up caches, connections and templates
            assert http.get(url).status_code == 200  # noqa: S101 - a benchmark that measured errors is worthless
        queries: list[str] = []

        def count(execute, sql, params, many, context, seen=queries):
            seen.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            http.get(url)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            response = http.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200  # noqa: S101
        timings.sort()
        results[name] = {
            "p50": round(statistics.median(timings), 1),
            "p95": round(timings[max(0, int(len(timings) * 0.95) - 1)], 1),
            "queries": len(queries),
            "bytes": len(response.content),
        }
    from django.conf import settings

    return {
        "debug": settings.DEBUG,
        "vendor": connection.vendor,
        "checkins": CheckIn.objects.filter(client=full).count(),
        "forms": MeasureResponse.objects.filter(client=full).count(),
        "sessions": Appointment.objects.filter(client=full).count(),
        "requests": requests,
        "pages": results,
    }


def fresh_postgres(url: str) -> None:
    from urllib.parse import urlparse

    import psycopg

    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    admin = parsed._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')  # the bench's own throwaway database
        conn.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.requests)))
        return
    for database in args.databases.split(","):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(DEBUG="false", TENDING_ENV="development")
        workdir = tempfile.mkdtemp(prefix="tending-bench-journey-")
        if database == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{workdir}/journey.sqlite3"
        else:
            fresh_postgres(args.postgres_url)
            env["DATABASE_URL"] = args.postgres_url
        env["TENDING_VAR_DIR"] = workdir
        out = subprocess.run(  # noqa: S603 - our own script
            [PYTHON, __file__, "--child", "--requests", str(args.requests)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode:
            sys.exit(f"{database} run failed:\n{out.stderr[-3000:]}")
        out = out.stdout
        found = json.loads(out.strip().splitlines()[-1])
        print(
            f"\n{found['vendor']}: {found['checkins']} check-ins, {found['forms']} forms, "
            f"{found['sessions']} sessions; {found['requests']} requests per page; DEBUG={found['debug']}"
        )
        print(f"{'page':28} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'KiB':>6}")
        for name, r in found["pages"].items():
            print(f"{name:28} {r['p50']:>8} {r['p95']:>8} {r['queries']:>8} {r['bytes'] // 1024:>6}")


if __name__ == "__main__":
    main()
