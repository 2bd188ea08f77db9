"""How fast is the journey page with five years of history?

    .venv/bin/python bench/journey.py [--requests 60] [--clients 20] [--years 5] [--databases sqlite,postgres]
                                      [--postgres-url postgres://postgres@127.0.0.1:5432/tending_h4_bench]

For each database it builds, in a fresh database, a synthetic practice with bench/make_practice.py's
generator (``--clients`` clients over ``--years`` years: check-ins in runs with gaps, PHQ-9 and GAD-7
fortnightly, WHO-5 and SCS-SF four-weekly, PHQ-15 eight-weekly, weekly sessions) and takes its
longest-staying client, then times server-side responses through Django's test client (full
middleware, templates, audit writes; no network) for:

  minimal           the journey page of a client with no history (same app, same shell)
  client month/year/all   the client's own journey at each time span
  therapist all     the therapist's view of the same client (outcome, item detail, audited read)

and prints p50/p95 (ms) per page plus the query count of each. The parent runs each
database in a child process so settings are read once per database.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.make_practice import longest_staying_client, make  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
DEFAULT_PG = "postgres://postgres@127.0.0.1:5432/tending_h4_bench"


def child(requests: int, *, clients: int, years: float) -> dict:
    make(os.environ["DATABASE_URL"], therapists=1, clients=clients, years=years, seed="journey")
    # Django is set up by make(), so models are imported once it is.
    from django.db import connection
    from django.test import Client as HttpClient
    from django.urls import reverse

    from bookings.models import Appointment
    from checkins.models import CheckIn
    from measures.models import MeasureResponse
    from tending.testing.factories import ClientFactory, UserFactory

    full = longest_staying_client()
    therapist = full.therapist
    empty = ClientFactory(therapist=therapist, user=UserFactory(email=f"empty{os.getpid()}@bench.test"))

    def signed_in(user):
        http = HttpClient()
        http.force_login(user, backend="accounts.backends.ModelBackend")
        return http

    journey = reverse("journey:mine")
    span = f"{years:g} year" + ("" if years == 1 else "s")
    pages = {
        "minimal (no history)": (signed_in(empty.user), journey + "?range=all"),
        "client, month": (signed_in(full.user), journey + "?range=month"),
        "client, year": (signed_in(full.user), journey + "?range=year"),
        f"client, all ({span})": (signed_in(full.user), journey + "?range=all"),
        f"therapist, all ({span})": (
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--databases", default="sqlite,postgres")
    parser.add_argument("--postgres-url", default=DEFAULT_PG)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.requests, clients=args.clients, years=args.years)))
        return
    for database in args.databases.split(","):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(DEBUG="false", TENDING_ENV="development")
        workdir = tempfile.mkdtemp(prefix="tending-bench-journey-")
        if database == "sqlite":
            env["DATABASE_URL"] = f"sqlite:///{workdir}/journey.sqlite3"
        else:
            env["DATABASE_URL"] = args.postgres_url  # the child empties it (make_practice.make)
        env["TENDING_VAR_DIR"] = workdir
        out = subprocess.run(  # noqa: S603 - our own script
            [PYTHON, __file__, "--child", "--requests", str(args.requests)]
            + ["--clients", str(args.clients), "--years", str(args.years)],
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
