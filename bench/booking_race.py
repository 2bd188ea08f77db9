"""Race N concurrent public consultation bookings at M free slots, through gunicorn.

    .venv/bin/python bench/booking_race.py --attempts 50 --slots 10            # fresh SQLite
    .venv/bin/python bench/booking_race.py --database-url postgres://postgres@127.0.0.1:5432/tending_bench
    .venv/bin/python bench/booking_race.py --url http://127.0.0.1:8000 --slug willow-tree

Without ``--url`` it makes a fresh database (a temporary SQLite file, or drops and
recreates the PostgreSQL database named in ``--database-url``), migrates it,
creates a practice whose one therapist has free consultation times, starts
gunicorn on a free port, and stops it at the end. Every attempt runs in its own
process with its own cookies and CSRF token: all fetch the form first, wait at a
barrier, then POST at once. Prints one JSON line:
{"attempts", "slots", "booked", "conflicts", "errors", "p95_ms", ...}.
"""

import argparse
import http.cookiejar
import json
import multiprocessing
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")

SETUP = """
import json
from datetime import time
from bookings.models import Availability, BookingSettings, Kind, WorkingHours
from bookings.slots import free_slots
from practice.models import Practice, StaffMember
from accounts.models import User
practice, _ = Practice.objects.get_or_create(slug="bench", defaults={"name": "Bench Practice"})
user = User.objects.filter(email="therapist@bench.test").first() or User.objects.create_user("therapist@bench.test", None, name="Bench Therapist")
staff, _ = StaffMember.objects.get_or_create(user=user, defaults={"practice": practice, "is_therapist": True})
for weekday in range(7):
    WorkingHours.objects.get_or_create(therapist=staff, weekday=weekday, start_time=time(9), end_time=time(17))
Availability.objects.update_or_create(therapist=staff, defaults={"minimum_notice_hours": 0})
BookingSettings.objects.get_or_create(practice=practice)
slots = free_slots(staff, Kind.CONSULTATION)
print(json.dumps({"slug": practice.slug, "therapist": str(staff.uuid), "slots": [s.key for s in slots[:%(slots)d]]}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def attempt(args):
    """One visitor in their own process: fetch the form, wait for everyone, then book."""
    base, slug, therapist, slot, n, barrier, results = args
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect())
    url = f"{base}/p/{slug}/book/{slot}/?with={therapist}"
    try:
        page = opener.open(url, timeout=60).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        key = re.search(r'name="key" value="([^"]*)"', page).group(1)
    except Exception as error:  # noqa: BLE001 - counted as an error
        barrier.wait()
        results.put({"status": 0, "ms": 0, "error": f"form: {error!r}"})
        return
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "name": f"Visitor {n}",
            "email": f"visitor{n}@bench.test",
            "mode": "online",
            "key": key,
            "tz": "Europe/London",
        }
    ).encode()
    request = urllib.request.Request(url, data=data, headers={"Referer": url})
    barrier.wait()
    started = time.perf_counter()
    try:
        response = opener.open(request, timeout=120)
        status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except Exception as error:  # noqa: BLE001
        results.put({"status": 0, "ms": (time.perf_counter() - started) * 1000, "error": repr(error)})
        return
    results.put({"status": status, "ms": (time.perf_counter() - started) * 1000})


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def p95(values):
    ordered = sorted(values)
    if not ordered:
        return 0
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def prepare(database_url: str | None, slots: int, workdir: Path) -> tuple[dict, dict]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TENDING_", "DJANGO_", "DATABASE_URL"))}
    env.update(
        TENDING_ENV="development",
        TENDING_VAR_DIR=str(workdir),
        TENDING_BOOKING_RATE_LIMIT="100000",
        DJANGO_SETTINGS_MODULE="tending.settings",
        PYTHONPATH=str(ROOT),
        LOG_LEVEL="WARNING",
    )
    if database_url:
        parsed = urllib.parse.urlparse(database_url)
        name = parsed.path.lstrip("/")
        admin = parsed._replace(path="/postgres").geturl()
        for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
            subprocess.run(["psql", admin, "-q", "-c", sql], check=True, capture_output=True)
        env["DATABASE_URL"] = database_url
    manage = [PYTHON, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input", "-v0"], env=env, check=True, cwd=ROOT)
    out = subprocess.run(
        [*manage, "shell", "-c", SETUP % {"slots": slots}],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    return env, json.loads(out.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--attempts", "-n", type=int, default=50)
    parser.add_argument("--slots", "-m", type=int, default=10)
    parser.add_argument("--url", help="an already running server (with the slots free and a high rate limit)")
    parser.add_argument("--slug", help="with --url: the practice's slug")
    parser.add_argument("--therapist", help="with --url: the therapist's UUID")
    parser.add_argument("--slot-keys", help="with --url: comma-separated slot keys (YYYYMMDDTHHMMZ)")
    parser.add_argument(
        "--database-url", help="PostgreSQL URL of a database to drop and recreate (default: fresh SQLite)"
    )
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers")
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="tending-race-"))
    server = None
    try:
        if args.url:
            base = args.url.rstrip("/")
            info = {"slug": args.slug, "therapist": args.therapist, "slots": args.slot_keys.split(",")[: args.slots]}
        else:
            env, info = prepare(args.database_url, args.slots, workdir)
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            server = subprocess.Popen(
                [GUNICORN, "tending.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}",
                 "--no-control-socket", "--log-level", "warning", "--timeout", "120"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            for _ in range(200):
                try:
                    urllib.request.urlopen(f"{base}/healthz", timeout=1)
                    break
                except OSError:
                    time.sleep(0.1)
            else:
                raise SystemExit("gunicorn did not start")
        if len(info["slots"]) < args.slots:
            raise SystemExit(f"only {len(info['slots'])} free slots")
        manager = multiprocessing.Manager()
        barrier = manager.Barrier(args.attempts)
        results = manager.Queue()
        jobs = [
            (base, info["slug"], info["therapist"], info["slots"][n % args.slots], n, barrier, results)
            for n in range(args.attempts)
        ]
        processes = [multiprocessing.Process(target=attempt, args=(job,)) for job in jobs]
        for process in processes:
            process.start()
        for process in processes:
            process.join(timeout=300)
        outcomes = [results.get() for _ in range(results.qsize())]
        booked = sum(1 for o in outcomes if o["status"] == 302)
        conflicts = sum(1 for o in outcomes if o["status"] == 409)
        errors = len(outcomes) - booked - conflicts + (args.attempts - len(outcomes))
        summary = {
            "attempts": args.attempts,
            "slots": args.slots,
            "booked": booked,
            "conflicts": conflicts,
            "errors": errors,
            "p95_ms": round(p95([o["ms"] for o in outcomes if o["status"]]), 1),
            "max_ms": round(max((o["ms"] for o in outcomes), default=0), 1),
            "database": "postgresql" if args.database_url else ("sqlite" if not args.url else "given"),
            "workers": args.workers,
        }
        if not args.url:
            check = subprocess.run(
                [PYTHON, str(ROOT / "manage.py"), "shell", "-c",
                 "from bookings.models import Appointment as A; a=list(A.objects.active().order_by('start'));"
                 "print(len(a), sum(1 for x,y in zip(a,a[1:]) if x.blocked_until > y.start))"],
                env=env, cwd=ROOT, capture_output=True, text=True, check=True,
            )  # fmt: skip
            rows, overlaps = check.stdout.strip().splitlines()[-1].split()
            summary["rows"], summary["overlaps"] = int(rows), int(overlaps)
        print(json.dumps(summary))
        if server is not None and server.poll() is not None:
            sys.stderr.write(server.stderr.read().decode())
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
