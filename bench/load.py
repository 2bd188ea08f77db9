"""Load-test Tending the way production runs it, against a synthetic practice (bench/make_practice.py).

    .venv/bin/python bench/load.py [--database-url URL] [--mode mixed|saturate|connections]
                                   [--rate 100 | --rate-of-floor F [--find-highest]] [--duration 300]
                                   [--kill] [--json out.json]

It starts the production profile (``TENDING_ENV=production``, generated secrets, gunicorn with
the Procfile's options, the task worker, a local SMTP sink) on a free port, signs in as many
different people through ``/accounts/login/`` (with CSRF, and TOTP for staff), then:

- ``mixed`` (default): an open-loop mix modelled on a busy hour at ``--rate`` requests a second
  for ``--duration`` seconds from several processes (keep-alive HTTP): clients checking in,
  opening their journey, playing and logging a practice, writing in the journal, booking, reading
  and sending messages (the open page polling for new ones), their questionnaires, safety plan,
  invoices and who has opened their record; clients whose care ended opening their ending summary;
  therapists opening their caseload and calendar, a client's record, journey, notes, formulation,
  safety plan, ending and money, their messages inbox and a conversation (polling), writing notes;
  the owner's home, reports (a month and a whole year), billing settings and audit log; the
  administrator's office calendar, clients and inbox;
  visitors opening the practice page and booking a consultation. Every GET page people use is in
  the mix; the weights and why are beside ``MIX``. Latency is measured from the
  moment each request was due, so a server that falls behind shows it (no coordinated omission).
  With ``--kill`` the server gets SIGKILL half-way, is restarted, and the run goes on; every write
  acknowledged (a 2xx, or the redirect a successful form post answers with) is then looked up in
  the database.
  With ``--rate-of-floor F`` (issue 22) the rate is not given but measured: the framework floor is
  saturated first for ``--floor-seconds`` (5) over the connections saturate mode uses (16), and the mix
  is offered at F times that rate. The JSON then holds the floor, F, the offered rate and a
  ``verdict``: pass when the whole run's p95 <= 150 ms and p99 <= 500 ms with no error and every
  acknowledged write found (the issue's mark, at F = 0.4 for 5 minutes). ``--find-highest`` searches:
  F = 0.3, 0.4, 0.5 ... (``--step`` 0.1, up to ``--max-rate-of-floor`` 1.0), each run
  ``--step-duration`` (60) seconds after measuring the floor again, stopping at the first that fails;
  it reports each step and the highest F that held. A short step is a search, not the proof: confirm
  that F with one ``--duration 300`` run (on 5 December an F that held for 60 s did not hold for 300).
  Every mixed run first warms the server with the mix at ``--warm-up-rate`` (20) requests/s for
  ``--warm-up`` (20) seconds, not counted, and reports each run in ten-second slices (``timeline``), each with
  the cores the web workers, the task worker, PostgreSQL, the generator and the whole machine used
  (``bench/watch.py``); on PostgreSQL, ``postgres_background`` says what checkpoints, autovacuum and autoanalyze
  ran meanwhile.
- ``saturate``: for each page in turn, 16 connections in a closed loop (``--connections``) for
  ``--page-seconds``; requests per second of each page against the framework floor (a trivial
  page behind the same middleware, ``/bench/floor``) measured in the same run. With ``--floor-between`` the
  floor is measured again (``--floor-seconds``) between every two pages, and each page also gets
  ``share_of_adjacent_floors``, its rate over the mean of the floor runs either side of it: the measure to
  read on a machine whose speed drifts within a run.
- ``connections``: 200 simultaneous connections (``--connections``) in a closed loop; requests
  queue, none may fail.

It prints one JSON document: per page p50/p95/p99 (ms), count, errors; throughput; the floor and
each page's ratio to it; and, for writes, how many were acknowledged and found.
"""

import argparse
import http.client
import multiprocessing as mp
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    BENCH_DIR,
    GUNICORN,
    PASSWORD,
    PYTHON,
    ROOT,
    base_env,
    bench_secrets,
    database_url,
    free_port,
    print_report,
    setup_django,
    totp_now,
)
from bench.watch import CpuWatch, cpu_slices, pg_background, pg_background_during  # noqa: E402

# ---------------------------------------------------------------------------------------------
# The server


class Server:
    """gunicorn (as in the Procfile), the task worker and an SMTP sink, in their own process groups."""

    def __init__(
        self, url: str, *, workers: int, port: int | None = None, worker_class: str = "sync", threads: int = 1
    ):
        self.url = url
        self.workers = workers
        self.worker_class = worker_class
        self.threads = threads
        self.port = port or free_port()
        self.smtp_port = free_port()
        self.env = base_env(url, production=True)
        self.env.update(
            TENDING_SMTP_HOST="127.0.0.1",
            TENDING_SMTP_PORT=str(self.smtp_port),
            TENDING_SMTP_TLS="false",
            # Eight visitor browsers per generator process stand for many visitors; the per-address
            # consultation limit (10 an hour) would otherwise refuse the mix's bookings.
            TENDING_BOOKING_RATE_LIMIT="1000000",
            TENDING_TRUSTED_PROXY_COUNT="1",
            ALLOWED_HOSTS="127.0.0.1",
        )
        self.web = None
        self.helpers: dict[str, subprocess.Popen] = {}  # by part: "smtp", "worker"
        self.log = open(BENCH_DIR / "logs" / f"server-{self.port}.log", "ab")  # noqa: SIM115 - closed in stop()

    def _spawn(self, args):
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=self.log, stderr=self.log, start_new_session=True)

    def prepare(self):
        # The Procfile's release step: apps land migrations after the data was made.
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=ROOT, env=self.env, check=True)
        subprocess.run([PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=self.env, check=True)

    def start(self, *, helpers: bool = True):
        if helpers and not self.helpers:
            self.helpers["smtp"] = self._spawn(
                [PYTHON, "-m", "aiosmtpd", "-n", "-c", "aiosmtpd.handlers.Sink", "-l", f"127.0.0.1:{self.smtp_port}"]
            )
            self.helpers["worker"] = self._spawn([PYTHON, "manage.py", "db_worker", "--interval", "1"])
        args = [
            GUNICORN,
            "tending.wsgi",
            "--workers",
            str(self.workers),
            "--bind",
            f"127.0.0.1:{self.port}",
            "--forwarded-allow-ips=127.0.0.1",
            "--no-control-socket",
            "--backlog",
            "2048",
            "--timeout",
            "60",
        ]
        if self.worker_class != "sync":
            args += ["--worker-class", self.worker_class, "--threads", str(self.threads)]
        self.web = self._spawn(args)
        self.wait_ready()

    def wait_ready(self, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.web.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.web.returncode}; see {self.log.name}")
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
                if conn.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer /healthz within {timeout} s; see {self.log.name}")

    def parts(self) -> dict[int, str]:
        """The process group of each part this server started (each runs in a session of its own)."""
        found = {self.web.pid: "web"} if self.web else {}
        found.update({helper.pid: part for part, helper in self.helpers.items()})
        return found

    def kill(self):
        """SIGKILL gunicorn's whole process group: master and workers, mid-request."""
        os.killpg(self.web.pid, signal.SIGKILL)
        self.web.wait()

    def stop(self):
        for proc in [self.web, *self.helpers.values()]:
            if proc is not None and proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
        for proc in [self.web, *self.helpers.values()]:
            if proc is not None:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
        self.log.close()


# ---------------------------------------------------------------------------------------------
# A small keep-alive HTTP client with a cookie jar per person


class Failed(Exception):
    pass


class Browser:
    """One person's cookies; requests go over whichever keep-alive connection the caller holds."""

    def __init__(self, port: int, email: str = "", role: str = "visitor"):
        self.port = port
        self.email = email
        self.role = role
        self.cookies: dict[str, str] = {}
        self.lock = threading.Lock()  # one request at a time per person, as a browser tab would
        # Each person comes from their own address (RFC 2544's benchmarking range), as the TLS proxy
        # would report it; the server trusts one proxy hop (TENDING_TRUSTED_PROXY_COUNT=1).
        n = random.getrandbits(17)
        self.address = f"198.{18 + (n >> 16)}.{(n >> 8) & 255}.{n & 255}"

    def headers(self, method: str, extra=None) -> dict:
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "User-Agent": "tending-bench",
            "Accept": "text/html",
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if method == "POST":
            origin = f"https://127.0.0.1:{self.port}"
            headers.update(Origin=origin, Referer=origin + "/")
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        headers.update(extra or {})
        return headers

    def take_cookies(self, response):
        for name, value in response.getheaders():
            if name.lower() != "set-cookie":
                continue
            pair = value.split(";", 1)[0]
            key, _, val = pair.partition("=")
            if "max-age=0" in value.lower() or val in ('""', ""):
                self.cookies.pop(key.strip(), None)
            else:
                self.cookies[key.strip()] = val.strip()

    def form(self, data: dict) -> str:
        return urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **data}, doseq=True)


class Connection:
    """A keep-alive connection that reconnects when the server closed it (gunicorn sync workers do)."""

    def __init__(self, port: int, timeout: float = 60):
        self.port = port
        self.timeout = timeout
        self.conn = None

    def send(self, browser: Browser, method: str, path: str, data: dict | None = None, extra=None):
        body = browser.form(data) if method == "POST" else None
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
            try:
                self.conn.request(method, path, body=body, headers=browser.headers(method, extra))
                response = self.conn.getresponse()
                content = response.read()
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError) as error:
                # A connection the server had already closed between requests: reconnect once.
                self.close()
                if attempt == 2:
                    raise Failed(type(error).__name__) from None
                continue
            except (OSError, http.client.HTTPException) as error:
                self.close()
                raise Failed(type(error).__name__) from None
            browser.take_cookies(response)
            if response.getheader("Connection", "").lower() == "close":
                self.close()
            return response.status, response.getheader("Location", ""), content
        raise Failed("unreachable")

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def sign_in(port: int, email: str, role: str, totp_secret: str) -> Browser:
    browser = Browser(port, email, role)
    conn = Connection(port)
    status, _, _ = conn.send(browser, "GET", "/accounts/login/")
    if status != 200:
        raise Failed(f"login page answered {status}")
    status, location, _ = conn.send(browser, "POST", "/accounts/login/", {"login": email, "password": PASSWORD})
    if status != 302:
        raise Failed(f"sign-in for {email} answered {status}")
    if "/2fa/" in location:
        # The code of the current 30 s window, tried again in the next window if the answer came back too
        # late (allauth accepts the current window only, and a code only once): on a busy machine a POST can
        # cross the window's end, and then neither the next nor the previous code would do.
        tried, step = set(), urlsplit(location).path
        for _attempt in range(3):
            code = totp_now(totp_secret)
            if code in tried:
                time.sleep(30.2 - time.time() % 30)
                code = totp_now(totp_secret)
            tried.add(code)
            status, location, _ = conn.send(browser, "POST", step, {"code": code})
            if status == 302:
                break
        if status != 302:
            raise Failed(f"two-factor step for {email} answered {status}")
    status, _, _ = conn.send(browser, "GET", "/home/")
    if status != 302 or "sessionid" not in browser.cookies:
        raise Failed(f"{email} is not signed in after the login ({status})")
    conn.close()
    return browser


# ---------------------------------------------------------------------------------------------
# The people and the mix


@dataclass
class Person:
    email: str
    role: str  # client / therapist / visitor
    cookies: dict = field(default_factory=dict)
    clients: list = field(default_factory=list)  # therapist: client uuids
    drafts: list = field(default_factory=list)  # therapist: draft note uuids
    documents: list = field(default_factory=list)  # their own invoices (client) or their clients' (therapist)
    newest_message: int = 0  # client: the newest message id in their conversation with their therapist
    conversations: list = field(default_factory=list)  # therapist: client uuids with the most messages first
    newest_by_client: dict = field(default_factory=dict)  # therapist: client uuid -> newest message id (polling)
    endings: list = field(default_factory=list)  # therapist: uuids of their clients with an ending
    entries: list = field(default_factory=list)  # client: their journal entries; therapist: signed notes
    staff: list = field(default_factory=list)  # owner: the therapists' staff uuids (their billing pages)
    receipts: list = field(default_factory=list)  # their own payments (client) or their clients' (therapist)
    links: list = field(default_factory=list)  # client: signed links to their invoices, as the emails carry


def _therapists_of(practice) -> list[str]:
    """The uuids of ``practice``'s therapists (the owner's pages of one therapist's billing)."""
    from practice.models import StaffMember

    return [str(u) for u in StaffMember.objects.filter(practice=practice).therapists().values_list("uuid", flat=True)]


def load_people(url: str, *, clients: int, therapists: int, seed: int) -> dict:
    """Pick the people to sign in as, and what they can open, from the benchmark database."""
    setup_django(url)
    # Imported here, after setup_django(): models need the app registry, and the script's options come first.
    from django.db import connections
    from django.db.models import Count
    from django.utils import timezone

    from ending.models import Ending
    from journal.models import Entry
    from messaging.models import Conversation
    from money.links import document_token
    from money.models import Invoice, Payment
    from notes.models import SessionNote
    from practice.models import Client, Practice, StaffMember

    rng = random.Random(seed)
    practice = Practice.objects.filter(slug__startswith="bench-").order_by("pk").first()
    if practice is None:
        raise SystemExit("No synthetic practice in this database: run bench/make_practice.py first.")
    active = list(Client.objects.filter(practice=practice, care_status="active").values_list("user__email", flat=True))
    chosen_clients = rng.sample(active, min(clients, len(active)))
    staff = list(StaffMember.objects.filter(practice=practice, is_therapist=True).select_related("user"))
    chosen_staff = rng.sample(staff, min(therapists, len(staff)))
    documents = {}
    for email, uuid_ in Invoice.objects.filter(client__user__email__in=chosen_clients).values_list(
        "client__user__email", "uuid"
    ):
        documents.setdefault(email, []).append(str(uuid_))
    receipts = {}
    for email, uuid_ in Payment.objects.filter(client__user__email__in=chosen_clients).values_list(
        "client__user__email", "uuid"
    ):
        receipts.setdefault(email, []).append(str(uuid_))
    newest = dict(
        Conversation.objects.care()
        .filter(client__user__email__in=chosen_clients)
        .values_list("client__user__email", "last_message_id")
    )
    entries = {}
    for email, uuid_ in (
        Entry.objects.filter(client__user__email__in=chosen_clients)
        .order_by("-pk")
        .values_list("client__user__email", "uuid")
    ):
        if len(entries.setdefault(email, [])) < 10:
            entries[email].append(str(uuid_))
    people = [
        Person(
            email=e,
            role="client",
            documents=documents.get(e, [])[-20:],
            receipts=receipts.get(e, [])[-20:],
            links=[document_token("invoice", uuid_) for uuid_ in documents.get(e, [])[-5:]],
            newest_message=newest.get(e, 0),
            entries=entries.get(e, []),
        )
        for e in chosen_clients
    ]
    week_ago = timezone.now() - timezone.timedelta(days=7)
    for member in chosen_staff:
        client_uuids = [
            str(u)
            for u in Client.objects.filter(therapist=member, care_status="active").values_list("uuid", flat=True)[:40]
        ]
        drafts = [
            str(u)
            for u in SessionNote.objects.filter(
                author=member, signed_at__isnull=True, created_at__gte=week_ago
            ).values_list("uuid", flat=True)
        ]
        invoices = [str(u) for u in Invoice.objects.filter(therapist=member).values_list("uuid", flat=True)[:40]]
        paid = [str(u) for u in Payment.objects.filter(invoice__therapist=member).values_list("uuid", flat=True)[:40]]
        # Conversations with many messages: the ones whose page costs most if paging is wrong.
        talked = [
            str(u)
            for u in Conversation.objects.care()
            .filter(client__therapist=member, client__care_status="active")
            .annotate(length=Count("messages"))
            .order_by("-length")
            .values_list("client__uuid", flat=True)[:20]
        ]
        newest_by_client = {
            str(u): last
            for u, last in Conversation.objects.care()
            .filter(client__uuid__in=talked)
            .values_list("client__uuid", "last_message_id")
        }
        ended = [
            str(u)
            for u in Ending.objects.filter(therapist=member)
            .exclude(state=Ending.State.WITHDRAWN)
            .values_list("client__uuid", flat=True)[:20]
        ]
        signed = [
            str(u)
            for u in SessionNote.objects.filter(author=member, signed_at__isnull=False)
            .order_by("-pk")
            .values_list("uuid", flat=True)[:20]
        ]
        people.append(
            Person(
                email=member.user.email,
                role="therapist",
                entries=signed,
                clients=client_uuids,
                drafts=drafts,
                documents=invoices,
                receipts=paid,
                conversations=talked,
                newest_by_client=newest_by_client,
                endings=ended,
            )
        )
    # Clients whose care has ended come back to their ending page (and its follow-ups): a tenth as many as
    # the active clients signed in, each with an ending.
    ended_clients = list(
        Ending.objects.filter(client__practice=practice, state=Ending.State.ENDED)
        .order_by("client__pk")
        .values_list("client__user__email", flat=True)
        .distinct()
    )
    for email in rng.sample(ended_clients, min(max(1, clients // 10), len(ended_clients))):
        people.append(Person(email=email, role="ended_client"))
    # The owner (the office's reports, the record openings) and the administrator (the office's calendar,
    # clients and inbox, issue 18), who have TOTP like every staff member.
    owner = StaffMember.objects.filter(practice=practice, is_owner=True).select_related("user").first()
    if owner is not None:
        first_clients = Client.objects.filter(practice=practice, care_status="active").order_by("pk")
        people.append(
            Person(
                email=owner.user.email,
                role="owner",
                clients=[str(u) for u in first_clients.values_list("uuid", flat=True)[:40]],
                staff=_therapists_of(practice),
            )
        )
    administrator = (
        StaffMember.objects.filter(practice=practice, is_administrator=True, is_active=True)
        .select_related("user")
        .first()
    )
    if administrator is not None:
        office = [
            str(u)
            for u in Conversation.objects.office()
            .filter(client__practice=practice)
            .values_list("client__uuid", flat=True)[:20]
        ]
        people.append(Person(email=administrator.user.email, role="administrator", conversations=office))
    connections.close_all()
    return {"practice_slug": practice.slug, "people": people}


BUILTIN_SLUGS = ("soothing-rhythm-breathing", "grounding-5-4-3-2-1", "body-scan", "self-compassion-break")
SLOT_RE = {
    "session": re.compile(r'href="(/sessions/book/[^/"]+/)"'),
    "consult": re.compile(r'href="(/p/[^/"]+/book/[^/"]+/)"'),
}
REVISION_RE = re.compile(r'name="revision"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="revision"')


@dataclass
class Step:
    page: str
    method: str
    path: str
    data: dict | None = None
    ok: tuple = (200,)
    extra: dict | None = None
    write: str = ""  # the kind of write, for the durability check
    marker: str = ""


# weight, role, action name: arrivals per hundred in a busy evening hour of a 2,000-client practice.
# The model (docs/benchmarks.md, "The mix"): about 20 requests/s in that hour come almost all from
# clients on their phones; 20 therapists, even each making a request every ten seconds all hour,
# make at most 2 requests/s (10%); visitors a few per cent. Until 2026-11-26 the mix gave therapists
# 26 arrivals in 92; until issue 22 it was the first 29 rows below (110 arrivals, money's pages
# measured at saturation only); those mixes' results stay in docs/benchmarks.md.
#
# Issue 22 puts every page people use into the mix (the weights sum to 121.3, so its shares are those
# of the table over 121.3). Why these weights:
# - Messages (issue 19) are a few per cent of client arrivals: opening the conversation 3, sending 1,
#   and the open page polling every ten seconds 4 (a conversation stays open a minute or two); a
#   therapist opens their inbox 1 and a conversation 1, and that open page polls too (1).
# - Clients' other own pages, each opened a few times a week at most: their questionnaires waiting 1
#   (every fortnight), reading back a journal entry 1, what helps me 0.5, their safety plan 0.5, "who has opened my record" 0.3 (a page of trust, rarely
#   opened), their invoices 0.5 and one invoice 0.3 (money is monthly: rare).
# - Clients whose care ended (issue 20) come back to their ending summary now and then: 0.5.
# - Therapists' other pages: their calendar 1 (as often as the caseload in a working day, less in the
#   evening), "since we last met" 1 (before each session), a signed note read again 0.5, alerts 0.3, the client list 0.3, a client's
#   safety plan 0.3 and ending 0.2; money (issue 17): the overview 0.3, a client's money 0.3, an invoice
#   0.2, their billing details 0.1, the fees 0.05, recording a payment 0.1 (money pages are rare: a few a day
#   per therapist); the owner's billing settings, a therapist's billing and a whole year's books 0.02 each.
# - The owner (issue 18's reports, home, the audit log) and the administrator (the office's calendar,
#   clients, inbox and consultation requests) work in office hours; in the evening hour a few requests:
#   0.1 to 0.3 each. They are in the mix so that every page is exercised, and in saturate's default list.
MIX = [
    (15, "client", "client_home"),
    (9, "client", "checkin_form"),
    (9, "client", "checkin_save"),
    (12, "client", "journey"),
    (6, "client", "practices"),
    (6, "client", "practice_play"),
    (5, "client", "practice_log"),
    (6, "client", "journal"),
    (3, "client", "journal_new"),
    (3, "client", "journal_save"),
    (4, "client", "sessions"),
    (1, "client", "book_session"),
    (2, "client", "self_care"),
    (2, "therapist", "therapist_home"),
    (2, "therapist", "caseload"),
    (2, "therapist", "client_record"),
    (1, "therapist", "client_journey"),
    (1, "therapist", "client_notes"),
    (1, "therapist", "formulation"),
    (1, "therapist", "note_write"),
    (3, "visitor", "practice_page"),
    (1, "visitor", "consult_slots"),
    (1, "visitor", "consult_book"),
    (4, "client", "floor"),
    (3, "client", "messages_client"),
    (1, "client", "message_send"),
    (4, "client", "messages_poll"),
    (1, "therapist", "messages_inbox"),
    (1, "therapist", "messages_staff"),
    # Issue 22: every other page.
    (1, "therapist", "messages_staff_poll"),
    (1, "client", "measures_waiting"),
    (1, "client", "journal_entry"),
    (0.5, "client", "what_helps"),
    (0.5, "therapist", "note_detail"),
    (0.5, "client", "safety_plan"),
    (0.3, "client", "record_openings"),
    (0.5, "client", "my_invoices"),
    (0.3, "client", "my_document"),
    (0.5, "ended_client", "ending_client"),
    (1, "therapist", "agenda"),
    (1, "therapist", "since_last_met"),
    (0.3, "therapist", "alerts"),
    (0.3, "therapist", "caseload_clients"),
    (0.3, "therapist", "client_safety_plan"),
    (0.2, "therapist", "ending_staff"),
    (0.3, "therapist", "money_overview"),
    (0.3, "therapist", "client_money"),
    (0.2, "therapist", "invoice_page"),
    (0.1, "therapist", "my_billing"),
    (0.05, "therapist", "money_fees"),
    (0.1, "therapist", "payment_form"),
    (0.1, "owner", "owner_home"),
    (0.05, "owner", "money_reports"),
    (0.02, "owner", "money_year"),
    (0.02, "owner", "money_settings"),
    (0.02, "owner", "staff_billing"),
    (0.05, "owner", "audit_log"),
    (0.05, "owner", "owner_openings"),
    (0.3, "administrator", "office_calendar"),
    (0.2, "administrator", "office_clients"),
    (0.2, "administrator", "office_inbox"),
    (0.1, "administrator", "office_conversation"),
    (0.1, "administrator", "consult_requests"),
]
# Pages measured at saturation (``--pages``) but not part of the mix: issue 17's forms and receipts, each
# opened a few times a month (a client's billing, a fee agreed with them, a receipt read again, an invoice
# opened from its email's signed link).
SATURATE_ONLY: list = [
    ("therapist", "billing_form"),
    ("therapist", "agreed_fee_form"),
    ("therapist", "receipt_page"),
    ("client", "my_receipt"),
    ("client", "document_link"),
]
WRITES = {
    "checkin_save",
    "practice_log",
    "journal_save",
    "book_session",
    "consult_book",
    "note_write",
    "message_send",
}


def steps_for(action: str, person: Person, slug: str, rng: random.Random) -> list:
    """The requests one arrival makes. Flows that need a page first (booking, notes) make two."""
    marker = f"bench-{uuid.uuid4().hex[:16]}"
    practice_slug = rng.choice(BUILTIN_SLUGS)
    some_client = rng.choice(person.clients) if person.clients else None
    match action:
        case "client_home":
            return [Step("client_home", "GET", "/me/")]
        case "checkin_form":
            return [Step("checkin_form", "GET", "/checkin/")]
        case "checkin_save":
            data = {
                "feelings": rng.sample(["calm", "tired", "hopeful", "anxious"], 2),
                "mood": rng.randint(2, 9),
                "energy": rng.randint(2, 9),
                "peace": rng.randint(2, 9),
                "self_kindness": rng.randint(2, 9),
                "note": marker,
            }
            return [
                Step("checkin_save", "POST", "/checkin/?another=1", data, ok=(302,), write="checkin", marker=marker)
            ]
        case "journey":
            return [Step("journey", "GET", "/journey/")]
        case "practices":
            return [Step("practices", "GET", "/practices/")]
        case "practice_play":
            return [Step("practice_play", "GET", f"/practices/play/{practice_slug}/")]
        case "practice_log":
            data = {"length": "short", "calm_before": 3, "calm_after": 6, "kindness_before": 4, "kindness_after": 6}
            data["word"] = marker[-12:]
            return [
                Step(
                    "practice_log",
                    "POST",
                    f"/practices/after/{practice_slug}/",
                    data,
                    ok=(302,),
                    write="practice_log",
                    marker=marker[-12:],
                )
            ]
        case "journal":
            return [Step("journal", "GET", "/journal/")]
        case "journal_new":
            return [Step("journal_new", "GET", "/journal/new/")]
        case "journal_save":
            body = f"A quieter day. I made tea and sat by the window for a while. {marker}"
            data = {"prompt": "free", "entry": "", "body": body}
            return [Step("journal_save", "POST", "/journal/new/", data, ok=(302,), write="journal", marker=marker)]
        case "sessions":
            return [Step("sessions", "GET", "/sessions/")]
        case "book_session":
            return [
                Step("sessions", "GET", "/sessions/"),
                Step("book_session", "POST", "", ok=(302, 409), write="booking"),
            ]
        case "self_care":
            return [Step("self_care", "GET", "/self-care/")]
        case "floor":
            return [Step("floor", "GET", "/bench/floor")]
        case "messages_client":  # messaging:mine
            return [Step("messages_client", "GET", "/messages/")]
        case "messages_poll":  # messaging:poll, kind "care", after the newest message the page showed
            # 204 when nothing came: htmx leaves the page as it is.
            return [
                Step("messages_poll", "GET", f"/messages/my/care/new/?after={person.newest_message}", ok=(200, 204))
            ]
        case "message_send":  # messaging:send; the form's key is the message's idempotency key, looked up after
            key = str(uuid.uuid4())
            data = {"body": f"Thank you, that helped this week. See you on Tuesday. {marker}", "key": key}
            return [
                Step("messages_client", "GET", "/messages/"),
                Step("message_send", "POST", "/messages/my/care/send/", data, ok=(302,), write="message", marker=key),
            ]
        case "messages_inbox":  # messaging:inbox
            return [Step("messages_inbox", "GET", "/messages/staff/")]
        case "messages_staff":  # messaging:conversation, with a client who has many messages
            who = rng.choice(person.conversations[:5]) if person.conversations else some_client
            return [Step("messages_staff", "GET", f"/messages/staff/{who}/")]
        case "messages_staff_poll":  # messaging:staff_poll: the open conversation asks for what came after
            who = rng.choice(person.conversations[:5]) if person.conversations else some_client
            after = person.newest_by_client.get(who, 0)
            return [Step("messages_staff_poll", "GET", f"/messages/staff/{who}/new/?after={after}", ok=(200, 204))]
        case "journal_entry":  # reading back one of their entries
            if not person.entries:
                return [Step("journal", "GET", "/journal/")]
            return [Step("journal_entry", "GET", f"/journal/{rng.choice(person.entries)}/")]
        case "what_helps":
            return [Step("what_helps", "GET", "/practices/what-helps-me/")]
        case "note_detail":  # a signed note, read again before the next session
            if not person.entries:
                return [Step("client_notes", "GET", f"/notes/clients/{some_client}/")]
            return [Step("note_detail", "GET", f"/notes/{rng.choice(person.entries)}/")]
        case "measures_waiting":
            return [Step("measures_waiting", "GET", "/measures/")]
        case "safety_plan":
            return [Step("safety_plan", "GET", "/safety-plan/")]
        case "record_openings":  # dataprivacy:openings
            return [Step("record_openings", "GET", "/my-data/who-has-opened-my-record/")]
        case "ending_client":  # ending:mine, for a client whose care ended
            return [Step("ending_client", "GET", "/ending/")]
        case "agenda":
            return [Step("agenda", "GET", "/calendar/")]
        case "since_last_met":
            return [Step("since_last_met", "GET", f"/caseload/clients/{some_client}/since-we-last-met/")]
        case "alerts":
            return [Step("alerts", "GET", "/alerts/")]
        case "caseload_clients":
            return [Step("caseload_clients", "GET", "/caseload/clients/")]
        case "client_safety_plan":
            return [Step("client_safety_plan", "GET", f"/safety-plan/clients/{some_client}/")]
        case "ending_staff":  # ending:staff_summary, for one of their clients with an ending
            who = rng.choice(person.endings) if person.endings else some_client
            return [Step("ending_staff", "GET", f"/ending/staff/{who}/")]
        case "owner_home":
            return [Step("owner_home", "GET", "/owner/")]
        case "audit_log":
            return [Step("audit_log", "GET", "/owner/audit/")]
        case "owner_openings":  # dataprivacy:owner_openings
            return [Step("owner_openings", "GET", f"/my-data/clients/{some_client}/record-openings/")]
        case "office_calendar":
            return [Step("office_calendar", "GET", "/office/calendar/")]
        case "office_clients":
            return [Step("office_clients", "GET", "/office/clients/")]
        case "office_inbox":
            return [Step("office_inbox", "GET", "/messages/office/")]
        case "office_conversation":
            if not person.conversations:
                return [Step("office_inbox", "GET", "/messages/office/")]
            return [Step("office_conversation", "GET", f"/messages/office/{rng.choice(person.conversations)}/")]
        case "consult_requests":
            return [Step("consult_requests", "GET", "/requests/")]
        case "my_invoices":
            return [Step("my_invoices", "GET", "/money/mine/")]
        case "money_overview":
            return [Step("money_overview", "GET", "/money/")]
        case "client_money":
            return [Step("client_money", "GET", f"/money/clients/{some_client}/")]
        case "my_document" | "invoice_page":
            if not person.documents:  # a client with no invoice yet: their list instead, counted apart
                return [Step("my_invoices_no_document", "GET", "/money/mine/")]
            where = "/money/mine/" if action == "my_document" else "/money/invoices/"
            return [Step(action, "GET", f"{where}{rng.choice(person.documents)}/")]
        case "money_fees":
            return [Step("money_fees", "GET", "/money/fees/")]
        case "my_billing":
            return [Step("my_billing", "GET", "/money/me/")]
        case "money_reports":
            return [Step("money_reports", "GET", "/money/reports/")]
        case "money_year":  # this year's books (the synthetic practice bills its last twelve months)
            return [Step("money_year", "GET", f"/money/reports/?year={datetime.now(UTC).year}")]
        case "money_settings":
            return [Step("money_settings", "GET", "/money/settings/")]
        case "staff_billing":
            return [Step("staff_billing", "GET", f"/money/staff/{rng.choice(person.staff)}/")]
        case "payment_form":
            return [Step("payment_form", "GET", f"/money/clients/{some_client}/payments/new/")]
        case "billing_form":
            return [Step("billing_form", "GET", f"/money/clients/{some_client}/billing/")]
        case "agreed_fee_form":
            return [Step("agreed_fee_form", "GET", f"/money/clients/{some_client}/agreed-fees/")]
        case "document_link":  # an invoice opened from its email, signed in or not
            if not person.links:  # never invoiced: their list instead, counted apart
                return [Step("document_link_none", "GET", "/money/mine/")]
            return [Step("document_link", "GET", f"/money/d/invoice/{rng.choice(person.links)}/")]
        case "receipt_page" | "my_receipt":
            if not person.receipts:  # nobody paid yet: their money instead, counted apart
                return [Step(f"{action}_none", "GET", "/money/mine/" if action == "my_receipt" else "/money/")]
            where = "/money/mine/receipts/" if action == "my_receipt" else "/money/receipts/"
            return [Step(action, "GET", f"{where}{rng.choice(person.receipts)}/")]
        case "therapist_home":
            return [Step("therapist_home", "GET", "/caseload/")]
        case "caseload":
            return [Step("caseload", "GET", "/caseload/")]
        case "client_record":
            return [Step("client_record", "GET", f"/therapist/clients/{some_client}/")]
        case "client_journey":
            return [Step("client_journey", "GET", f"/journey/clients/{some_client}/")]
        case "client_notes":
            return [Step("client_notes", "GET", f"/notes/clients/{some_client}/")]
        case "formulation":
            return [Step("formulation", "GET", f"/formulation/clients/{some_client}/")]
        case "note_write":
            if not person.drafts:
                return [Step("client_notes", "GET", f"/notes/clients/{some_client}/")]
            note = rng.choice(person.drafts)
            return [
                Step("note_edit", "GET", f"/notes/{note}/write/"),
                Step(
                    "note_save",
                    "POST",
                    f"/notes/{note}/write/",
                    {"free_text": f"We talked about rest and the critic. {marker}"},
                    extra={"HX-Request": "true"},
                    write="note",
                    marker=f"{note}|{marker}",
                ),
            ]
        case "practice_page":
            return [Step("practice_page", "GET", f"/p/{slug}/")]
        case "consult_slots":
            return [Step("consult_slots", "GET", f"/p/{slug}/book/")]
        case "consult_book":
            email = f"{marker}@visitor.bench.test"
            data = {"name": "A visitor", "email": email, "mode": "online", "note": "", "website": "", "key": marker}
            return [
                Step("consult_slots", "GET", f"/p/{slug}/book/"),
                Step("consult_form", "GET", ""),
                Step("consult_book", "POST", "", data, ok=(302, 409), write="consultation", marker=email),
            ]
    raise ValueError(action)


def run_steps(conn: Connection, browser: Browser, steps: list, rng: random.Random, due: float, record):
    """Make one arrival's requests in order; a later step may use what an earlier page showed."""
    previous = b""
    chosen = ""
    for step in steps:
        path, data = step.path, dict(step.data or {})
        if step.page == "book_session":
            found = SLOT_RE["session"].findall(previous.decode(errors="replace"))
            if not found:
                return
            path = rng.choice(found[:30])
            data = {"mode": rng.choice(["in_person", "online"]), "key": uuid.uuid4().hex}
            step.marker = data["key"]
        elif step.page == "consult_form":
            found = SLOT_RE["consult"].findall(previous.decode(errors="replace"))
            if not found:
                return
            path = chosen = rng.choice(found[:40])
        elif step.page == "consult_book":
            path = chosen
        elif step.page == "note_save":
            match = REVISION_RE.search(previous.decode(errors="replace"))
            if not match:
                return
            data["revision"] = match.group(1) or match.group(2)
        started = time.monotonic()
        try:
            status, location, content = conn.send(browser, step.method, path, data or None, step.extra)
        except Failed as error:
            record(step, "conn:" + str(error), time.monotonic() - due, "", started)
            return
        record(step, status, time.monotonic() - due, location, started)
        if status not in step.ok and not (step.method == "GET" and status == 200):
            return
        previous = content
        due = time.monotonic()  # the next step of a flow is due when the page it needs has arrived


# ---------------------------------------------------------------------------------------------
# Worker processes


def _browser_from(person: Person, port: int) -> Browser:
    browser = Browser(port, person.email, person.role)
    browser.cookies = dict(person.cookies)
    return browser


def pick_action(rng, weights, total):
    pick = rng.uniform(0, total)
    for w, role, action in weights:
        pick -= w
        if pick <= 0:
            return role, action
    return weights[-1][1], weights[-1][2]


def open_loop_worker(index, port, people, slug, rate, duration, start_at, threads, seed, queue):
    """Poisson arrivals at ``rate`` a second, each handed to a thread; latency counted from when it was due."""
    rng = random.Random(seed)
    roles = {role for _w, role, _a in MIX} - {"visitor"}
    browsers = {role: [_browser_from(p, port) for p in people if p.role == role] for role in roles}
    browsers["visitor"] = [Browser(port) for _ in range(8)]
    by_email = {p.email: p for p in people}
    weights = [(w, role, action) for w, role, action in MIX if browsers.get(role)]
    total = sum(w for w, _, _ in weights)
    results = []
    results_lock = threading.Lock()
    work: list = []
    work_cv = threading.Condition()
    done = threading.Event()

    def record(step, status, seconds, location, started):
        with results_lock:
            results.append((step.page, status, seconds, step.write, step.marker, location, step.ok, started))

    def thread_main():
        conn = Connection(port)
        trng = random.Random(rng.random())
        while True:
            with work_cv:
                while not work and not done.is_set():
                    work_cv.wait(0.5)
                if not work:
                    return
                due, browser, steps = work.pop(0)
            wait = due - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            with browser.lock:
                run_steps(conn, browser, steps, trng, due, record)
        conn.close()

    pool = [threading.Thread(target=thread_main, daemon=True) for _ in range(threads)]
    for t in pool:
        t.start()
    while time.time() < start_at:
        time.sleep(0.01)
    began = time.monotonic()
    next_due = began
    while next_due < began + duration:
        role, action = pick_action(rng, weights, total)
        browser = rng.choice(browsers[role])
        person = by_email.get(browser.email, Person("", "visitor"))
        steps = steps_for(action, person, slug, rng)
        with work_cv:
            work.append((next_due, browser, steps))
            work_cv.notify()
        next_due += rng.expovariate(rate)
        sleep = next_due - time.monotonic() - 0.05
        if sleep > 0:
            time.sleep(sleep)
    # Let the last arrivals finish (bounded), then report.
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        with work_cv:
            if not work:
                break
        time.sleep(0.1)
    done.set()
    with work_cv:
        work_cv.notify_all()
    for t in pool:
        t.join(timeout=70)
    queue.put((index, results))


def _measured_by(action, pool, slug):
    """The people of ``pool`` whose requests for ``action`` are that page, or all of them when none are.

    Each thread keeps one person, and a person without what a page shows asks for another page instead (a
    client with no journal entry reads their journal, a therapist without a signed note the notes list, someone
    without a document their list). Those threads would leave the page a fraction of the window and its req/s,
    and so its share of the floor, too low: until 4 December the journal entry and the signed note were
    measured that way, the documents not."""
    rng = random.Random(0)
    own = [p for p in pool if any(step.page == action for step in steps_for(action, p, slug, rng))]
    return own or pool


def closed_loop_worker(index, port, people, slug, action, connections, duration, start_at, seed, queue):
    """``connections`` threads, each sending its next request as soon as the last one answered."""
    role = next(r for r, a in [(r, a) for _, r, a in MIX] + SATURATE_ONLY if a == action)
    pool_people = _measured_by(action, [p for p in people if p.role == role] or [Person("", "visitor")], slug)
    results = []
    lock = threading.Lock()

    def record(step, status, seconds, location, started):
        with lock:
            results.append((step.page, status, seconds, step.write, step.marker, location, step.ok, started))

    def thread_main(n):
        trng = random.Random(f"{seed}-{n}")
        person = pool_people[n % len(pool_people)]
        browser = _browser_from(person, port) if person.email else Browser(port)
        conn = Connection(port, timeout=120)
        while time.time() < start_at:
            time.sleep(0.005)
        end = time.monotonic() + duration
        while time.monotonic() < end:
            steps = steps_for(action, person, slug, trng)
            run_steps(conn, browser, steps, trng, time.monotonic(), record)
        conn.close()

    threads = [threading.Thread(target=thread_main, args=(n,), daemon=True) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put((index, results))


def run_processes(target, count, args_for):
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args_for(i), queue)) for i in range(count)]
    for p in procs:
        p.start()
    results = []
    reported = 0
    while reported < len(procs):
        try:
            results.extend(queue.get(timeout=5)[1])
            reported += 1
        except Exception:  # noqa: BLE001 - queue.Empty: check that the generators are still alive
            if all(p.exitcode is not None for p in procs) and queue.empty():
                raise SystemExit("A load-generator process died; see the traceback above.") from None
    for p in procs:
        p.join()
    return results


# ---------------------------------------------------------------------------------------------
# Summaries


def percentile(values, q):
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1))))
    return round(ordered[k] * 1000, 1)


def timeline(results, first: float | None = None, every: float = 10.0) -> list[dict]:
    """The run in slices of ``every`` seconds by when each request was sent, counted from ``first`` (the first
    request's sending by default): its count, p50 and p95.

    A run's p95 alone cannot say whether it was slow throughout or only at the start (a cold server) or in
    one stretch (something else on the machine): the slices can.
    """
    if not results:
        return []
    first = min(r[7] for r in results) if first is None else first
    slices: dict[int, list] = {}
    for r in results:
        slices.setdefault(int((r[7] - first) // every), []).append(r[2])
    return [
        {"from_s": round(n * every), "count": len(lat), "p50_ms": percentile(lat, 50), "p95_ms": percentile(lat, 95)}
        for n, lat in sorted(slices.items())
    ]


def summarise(results, seconds):
    pages: dict[str, dict] = {}
    for page, status, latency, _write, _marker, _loc, ok, _started in results:
        entry = pages.setdefault(page, {"latencies": [], "errors": 0, "statuses": {}, "conflicts": 0})
        entry["statuses"][str(status)] = entry["statuses"].get(str(status), 0) + 1
        good = status in ok or (status == 200 and 200 in ok)
        if isinstance(status, int) and status == 409 and 409 in ok:
            entry["conflicts"] += 1
        if not good:
            entry["errors"] += 1
        entry["latencies"].append(latency)
    out = {}
    for page, entry in sorted(pages.items()):
        lat = entry["latencies"]
        out[page] = {
            "count": len(lat),
            "errors": entry["errors"],
            "statuses": entry["statuses"],
            "p50_ms": percentile(lat, 50),
            "p95_ms": percentile(lat, 95),
            "p99_ms": percentile(lat, 99),
            "req_per_s": round(len(lat) / seconds, 2) if seconds else None,
        }
        if entry["conflicts"]:
            out[page]["slot_taken_409"] = entry["conflicts"]
    everything = [r[2] for r in results]
    total = {
        "count": len(results),
        "errors": sum(p["errors"] for p in out.values()),
        # Of those: the server answered 5xx, or never answered (refused, reset, timed out).
        "http_5xx": sum(1 for r in results if isinstance(r[1], int) and r[1] >= 500),
        "connection_errors": sum(1 for r in results if isinstance(r[1], str)),
        "p50_ms": percentile(everything, 50),
        "p95_ms": percentile(everything, 95),
        "p99_ms": percentile(everything, 99),
        "req_per_s": round(len(results) / seconds, 2) if seconds else None,
    }
    floor = out.get("floor")
    if floor and floor["p50_ms"]:
        for page, stats in out.items():
            if page != "floor" and stats["p50_ms"]:
                stats["p50_over_floor"] = round(stats["p50_ms"] / floor["p50_ms"], 2)
                stats["p95_over_floor"] = round(stats["p95_ms"] / floor["p95_ms"], 2)
    return out, total


def verify_writes(url: str, results, since) -> dict:
    """Look up every acknowledged write in the database."""
    setup_django(url)
    # Imported here, after setup_django(): models need the app registry, and the script's options come first.
    from django.db import connections

    from bookings.models import Appointment, Consultation
    from checkins.models import CheckIn
    from journal.models import Entry
    from messaging.models import Message
    from mindfulness.models import ExerciseLog
    from notes.models import SessionNote

    acked: dict[str, list] = {}
    last_note_save: dict[str, tuple] = {}
    for _page, status, _lat, write, marker, location, ok, started in results:
        if write and isinstance(status, int) and status in ok and status != 409:
            acked.setdefault(write, []).append((marker, location))
            if write == "note":
                note, _, text = marker.partition("|")
                if note not in last_note_save or started > last_note_save[note][0]:
                    last_note_save[note] = (started, text)
    found = {}
    if acked.get("checkin"):
        notes = {c.note for c in CheckIn.objects.filter(updated_at__gte=since) if c.note}
        found["checkin"] = sum(1 for m, _ in acked["checkin"] if m in notes)
    if acked.get("journal"):
        uuids = {loc.rstrip("/").rsplit("/", 1)[-1] for _, loc in acked["journal"]}
        bodies = {str(e.uuid): e.body for e in Entry.objects.filter(uuid__in=uuids)}
        found["journal"] = sum(
            1 for m, loc in acked["journal"] if m in bodies.get(loc.rstrip("/").rsplit("/", 1)[-1], "")
        )
    if acked.get("practice_log"):
        words = {p.word for p in ExerciseLog.objects.filter(practised_at__gte=since) if p.word}
        found["practice_log"] = sum(1 for m, _ in acked["practice_log"] if m in words)
    if acked.get("booking"):
        keys = set(Appointment.objects.filter(created_at__gte=since).values_list("idempotency_key", flat=True))
        found["booking"] = sum(1 for m, _ in acked["booking"] if m in keys)
    if acked.get("consultation"):
        emails = set(Consultation.objects.filter(created_at__gte=since).values_list("email", flat=True))
        found["consultation"] = sum(1 for m, _ in acked["consultation"] if m in emails)
    if acked.get("message"):
        keys = {str(k) for k in Message.objects.filter(sent_at__gte=since).values_list("idempotency_key", flat=True)}
        found["message"] = sum(1 for m, _ in acked["message"] if m in keys)
    if acked.get("note"):
        # An autosave replaces the note's text, so what must be there is each note's last acknowledged save.
        texts = {str(n.uuid): n.free_text for n in SessionNote.objects.filter(uuid__in=list(last_note_save))}
        found["note"] = sum(1 for note, (_, m) in last_note_save.items() if m in texts.get(note, ""))
        acked["note"] = list(last_note_save.items())
    connections.close_all()
    return {"acknowledged": {k: len(v) for k, v in acked.items()}, "found": found}


# ---------------------------------------------------------------------------------------------


def sign_in_everyone(port, people, totp_secret, procs=4):
    """Sign everyone in (real sign-ins: Argon2, CSRF, TOTP for staff), in parallel."""

    def one(person):
        browser = sign_in(port, person.email, person.role, totp_secret)
        person.cookies = browser.cookies

    errors = []
    chunks = [people[i::procs] for i in range(procs)]

    def run(chunk):
        for person in chunk:
            try:
                one(person)
            except Failed as error:
                errors.append(f"{person.email}: {error}")

    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit("Sign-in failed: " + "; ".join(errors[:5]))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--mode", choices=["mixed", "saturate", "connections"], default="mixed")
    parser.add_argument("--rate", type=float, default=100, help="requests a second (mixed)")
    parser.add_argument(
        "--rate-of-floor",
        type=float,
        metavar="F",
        help="mixed: measure the floor first and offer F times its rate (overrides --rate); pass/fail in the JSON",
    )
    parser.add_argument("--floor-seconds", type=float, default=5, help="seconds the floor is saturated for F")
    parser.add_argument(
        "--find-highest",
        action="store_true",
        help="mixed: step F from --rate-of-floor (default 0.3) by --step until a run fails; report the highest that held",
    )
    parser.add_argument("--step", type=float, default=0.1, help="--find-highest: how much F grows each run")
    parser.add_argument("--step-duration", type=float, default=60, help="--find-highest: seconds of each run")
    parser.add_argument("--max-rate-of-floor", type=float, default=1.0, help="--find-highest: stop after this F")
    parser.add_argument("--duration", type=float, default=300, help="seconds (mixed, connections)")
    parser.add_argument(
        "--warm-up", type=float, default=20, help="mixed: seconds of the mix, not counted, first (0: none)"
    )
    parser.add_argument("--warm-up-rate", type=float, default=20, help="mixed: requests a second while warming up")
    parser.add_argument("--page-seconds", type=float, default=10, help="seconds per page (saturate)")
    parser.add_argument("--connections", type=int, default=None, help="16 (saturate) or 200 (connections)")
    parser.add_argument("--procs", type=int, default=4, help="load-generator processes")
    parser.add_argument("--threads", type=int, default=16, help="threads per process (mixed)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", 3)))
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--gunicorn-threads", type=int, default=1)
    parser.add_argument("--clients", type=int, default=200, help="different clients to sign in as")
    parser.add_argument("--therapists", type=int, default=20, help="different therapists to sign in as")
    parser.add_argument("--pages", default="", help="saturate: comma-separated pages (default: every GET page)")
    parser.add_argument(
        "--floor-between",
        action="store_true",
        help="saturate: the floor again between every two pages (--floor-seconds), each page's share of those beside it",
    )
    parser.add_argument("--kill", action="store_true", help="SIGKILL the server half-way and check every write")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", help="also write the result here")
    args = parser.parse_args(argv)
    if args.find_highest and args.rate_of_floor is None:
        args.rate_of_floor = 0.3
    if args.kill and args.find_highest:
        parser.error("--kill and --find-highest do not go together")

    url = database_url(args.database_url)
    (BENCH_DIR / "logs").mkdir(parents=True, exist_ok=True)
    # A SIGTERM (a timeout, Ctrl-C from a supervisor) still stops the server we started.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    found = load_people(url, clients=args.clients, therapists=args.therapists, seed=args.seed)
    people, slug = found["people"], found["practice_slug"]
    totp_secret = bench_secrets()["TOTP_SECRET"]
    server = Server(url, workers=args.workers, worker_class=args.worker_class, threads=args.gunicorn_threads)
    server.prepare()
    server.start()
    report = {
        "mode": args.mode,
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "gunicorn": {"workers": args.workers, "worker_class": args.worker_class, "threads": args.gunicorn_threads},
        "generator": {"procs": args.procs},
        "people": {
            "clients": sum(p.role == "client" for p in people),
            "therapists": sum(p.role == "therapist" for p in people),
        },
    }
    try:
        began = time.time()
        sign_in_everyone(server.port, people, totp_secret)
        report["sign_in_seconds"] = round(time.time() - began, 1)
        if args.mode == "mixed":
            report.update(run_mixed(args, server, people, slug, url))
        elif args.mode == "saturate":
            report.update(run_saturate(args, server, people, slug))
        else:
            report.update(run_connections(args, server, people, slug))
    finally:
        server.stop()
    print_report(report, args.json)
    return report


def run_mixed(args, server, people, slug, url):
    warmed = warm_up(args, server, people, slug, url)
    out = (
        run_rate_of_floor(args, server, people, slug, url)
        if args.rate_of_floor is not None
        else mixed_at(args, server, people, slug, url, args.rate, args.duration)
    )
    return {"warm_up": warmed, **out}


def warm_up(args, server, people, slug, url) -> dict | None:
    """The mix at a gentle rate for ``--warm-up`` seconds before anything is measured; its times are not counted.

    A new server's workers compile each page's templates, build its kept reads and prepare its statements on
    first use. Counted, that start made the first step of ``--find-highest`` slow in its first ten seconds
    (p95 156 ms there against 26-46 ms in the rest of the step), and near capacity such a backlog takes most of
    a step to drain. Its writes are still checked: a write lost while warming is reported.
    """
    if not args.warm_up:
        return None
    gentle = argparse.Namespace(**{**vars(args), "kill": False})  # --kill is for the measured run only
    run = mixed_at(gentle, server, people, slug, url, args.warm_up_rate, args.warm_up)
    return {
        "seconds": args.warm_up,
        "rate": args.warm_up_rate,
        "requests": run["total"]["count"],
        "errors": run["total"]["errors"],
        "writes_lost": sum(run["writes"]["lost"].values()),
    }


def mixed_at(args, server, people, slug, url, rate, duration):
    since = datetime.now(UTC)
    start_at = time.time() + 1.0
    per_proc = rate / args.procs
    # Roles with fewer people than generator processes (the owner, the administrator) go to every process,
    # so their pages keep their weight in the mix whichever process draws them.
    few = [p for p in people if sum(q.role == p.role for q in people) < args.procs]

    def split(i):
        mine = [p for p in people[i :: args.procs] if p not in few] + few
        return (i, server.port, mine, slug, per_proc, duration, start_at, args.threads, args.seed * 100 + i)

    killer = None
    kill_info = {}
    if args.kill:

        def kill_and_restart():
            time.sleep(1.0 + duration / 2)
            kill_info["killed_at_s"] = round(time.time() - start_at, 1)
            server.kill()
            t0 = time.time()
            server.start(helpers=False)
            watch.groups.update(server.parts())
            kill_info["restart_seconds"] = round(time.time() - t0, 2)

        killer = threading.Thread(target=kill_and_restart)
    # Where the machine's time goes, second by second, and what PostgreSQL does on its own meanwhile.
    watch = CpuWatch(server.parts())
    background = pg_background(url)
    watch.start()
    if killer:
        killer.start()
    results = run_processes(open_loop_worker, args.procs, split)
    watch.stop()
    seconds = duration
    if killer:
        killer.join()
    pages, total = summarise(results, seconds)
    out = {"rate_target": round(rate, 1), "duration_s": duration, "pages": pages, "total": total}
    first = min((r[7] for r in results), default=0.0)  # when the first request was sent (monotonic clock)
    out["timeline"] = timeline(results, first)
    if results:
        cores = cpu_slices(watch.samples, first)
        for entry in out["timeline"]:
            entry["cores"] = cores.get(entry["from_s"], {})
        out["postgres_background"] = pg_background_during(
            background, pg_background(url), first + time.time() - time.monotonic()
        )
    if args.kill:
        out["kill"] = kill_info
        # Requests that died with the server are expected; the check is that no acknowledged write was lost.
    out["writes"] = verify_writes(url, results, since)
    lost = {k: v - out["writes"]["found"].get(k, 0) for k, v in out["writes"]["acknowledged"].items()}
    out["writes"]["lost"] = lost
    return out


def run_saturate(args, server, people, slug):
    connections = args.connections or 16
    pages = [p.strip() for p in args.pages.split(",") if p.strip()] or [
        a for _, role, a in MIX if a not in WRITES and a not in {"floor", "therapist_home"}
    ]
    # With --floor-between the floor is saturated again between every two pages (for --floor-seconds), and each
    # page is also given its share of the floors either side of it: on a machine whose speed drifts within a run
    # (a neighbour's load), the floor at the start and the end can differ by half, and a page measured minutes
    # from both is compared with neither.
    order = (
        [a for page in pages for a in ("floor", page)] + ["floor"] if args.floor_between else ["floor", *pages, "floor"]
    )
    per_page = {}
    floor_runs = []
    sequence = []  # (action, {page: requests a second}), in the order run
    for action in order:
        seconds = args.floor_seconds if args.floor_between and action == "floor" else args.page_seconds
        stats = saturate_page(args, server, people, slug, action, connections, seconds)
        for page, values in stats.items():
            if action == "floor":
                floor_runs.append(values)
            else:
                per_page[page] = values
        sequence.append((action, {page: values["req_per_s"] for page, values in stats.items()}))
    floor_rps = statistics.mean(r["req_per_s"] for r in floor_runs)
    for values in per_page.values():
        values["share_of_floor"] = round(values["req_per_s"] / floor_rps, 3) if floor_rps else None
    if args.floor_between:
        for page, share in shares_of_adjacent_floors(sequence).items():
            per_page[page]["share_of_adjacent_floors"] = share
    return {
        "connections": connections,
        "page_seconds": args.page_seconds,
        "floor": {"req_per_s_runs": [r["req_per_s"] for r in floor_runs], "req_per_s": round(floor_rps, 1)},
        "pages": per_page,
    }


def shares_of_adjacent_floors(sequence: list[tuple[str, dict[str, float]]]) -> dict[str, float | None]:
    """Each page's requests a second over the mean of the floor runs just before and just after its action's.

    ``sequence`` is (action, {page: requests a second}) in the order run, the floor's action and page being
    "floor". A page with no floor run beside it, or whose floors served nothing, has None.
    """
    shares = {}
    for i, (action, pages) in enumerate(sequence):
        if action == "floor":
            continue
        neighbours = sequence[max(i - 1, 0) : i] + sequence[i + 1 : i + 2]
        floors = [run.get("floor", 0) for a, run in neighbours if a == "floor"]
        floor = statistics.mean(floors) if floors else 0
        for page, rps in pages.items():
            shares[page] = round(rps / floor, 3) if floor else None
    return shares


def saturate_page(args, server, people, slug, action, connections, seconds) -> dict:
    """One page in a closed loop over ``connections`` connections for ``seconds``: its summary per page."""
    start_at = time.time() + 0.5

    def split(i):
        share = connections // args.procs + (1 if i < connections % args.procs else 0)
        return (i, server.port, people, slug, action, share, seconds, start_at, args.seed * 100 + i)

    results = run_processes(closed_loop_worker, min(args.procs, connections), split)
    stats, _total = summarise(results, seconds)
    return stats


# The mark for the mix (issue 22): at F times the floor, for the whole run.
PASS_MARK = {"p95_ms": 150, "p99_ms": 500, "errors": 0, "lost_writes": 0}


def measure_floor(args, server, people, slug) -> dict:
    """The framework floor now: ``/bench/floor`` saturated as saturate mode does (same connections)."""
    connections = args.connections or 16
    stats = saturate_page(args, server, people, slug, "floor", connections, args.floor_seconds)
    floor = stats.get("floor") or {"req_per_s": 0, "errors": 0}
    return {
        "connections": connections,
        "seconds": args.floor_seconds,
        "req_per_s": floor["req_per_s"],
        "p50_ms": floor.get("p50_ms"),
        "errors": floor["errors"],
    }


def verdict(out: dict) -> dict:
    """Pass or fail against PASS_MARK, with the reasons it failed."""
    total = out["total"]
    lost = sum(out["writes"]["lost"].values())
    missed = []
    if total["p95_ms"] is None or total["p95_ms"] > PASS_MARK["p95_ms"]:
        missed.append(f"p95 {total['p95_ms']} ms > {PASS_MARK['p95_ms']} ms")
    if total["p99_ms"] is None or total["p99_ms"] > PASS_MARK["p99_ms"]:
        missed.append(f"p99 {total['p99_ms']} ms > {PASS_MARK['p99_ms']} ms")
    if total["errors"]:
        missed.append(f"{total['errors']} errors")
    if lost:
        missed.append(f"{lost} acknowledged writes not found")
    return {"mark": PASS_MARK, "pass": not missed, "missed": missed}


def run_rate_of_floor(args, server, people, slug, url):
    """Measure the floor, then offer F times its rate for ``--duration``; judge the run against the mark.

    With ``--find-highest``: F = 0.3, 0.4, 0.5 ... (``--step``), each for ``--step-duration`` seconds with the
    floor measured again before it (the machine may have changed), up to the first F that fails; the
    highest F that held is reported. Runs that short are a search, not the proof: the proof is one
    ``--duration`` run at that F.
    """
    if not args.find_highest:
        floor = measure_floor(args, server, people, slug)
        out = {"floor": floor, "rate_of_floor": args.rate_of_floor}
        out.update(mixed_at(args, server, people, slug, url, args.rate_of_floor * floor["req_per_s"], args.duration))
        out["offered_req_per_s"] = out.pop("rate_target")
        out["verdict"] = verdict(out)
        return out
    steps = []
    highest = None
    f = args.rate_of_floor
    while f <= args.max_rate_of_floor + 1e-9:
        floor = measure_floor(args, server, people, slug)
        run = mixed_at(args, server, people, slug, url, f * floor["req_per_s"], args.step_duration)
        judged = verdict(run)
        steps.append(
            {
                "rate_of_floor": round(f, 2),
                "floor_req_per_s": floor["req_per_s"],
                "offered_req_per_s": run["rate_target"],
                "served_req_per_s": run["total"]["req_per_s"],
                "p50_ms": run["total"]["p50_ms"],
                "p95_ms": run["total"]["p95_ms"],
                "p99_ms": run["total"]["p99_ms"],
                "errors": run["total"]["errors"],
                "writes_lost": sum(run["writes"]["lost"].values()),
                "pass": judged["pass"],
                "missed": judged["missed"],
                "timeline": run["timeline"],
            }
        )
        if not judged["pass"]:
            break
        highest = round(f, 2)
        f += args.step
    return {"find_highest": {"step_duration_s": args.step_duration, "steps": steps, "highest_rate_of_floor": highest}}


def run_connections(args, server, people, slug):
    connections = args.connections or 200
    actions = [a for _, role, a in MIX if role == "client" and a in {"client_home", "journey", "checkin_form", "floor"}]
    start_at = time.time() + 1.0

    def split(i):
        share = connections // args.procs + (1 if i < connections % args.procs else 0)
        return (i, server.port, people, slug, actions[i % len(actions)], share, args.duration, start_at, args.seed + i)

    results = run_processes(closed_loop_worker, args.procs, split)
    pages, total = summarise(results, args.duration)
    return {"connections": connections, "duration_s": args.duration, "pages": pages, "total": total}


if __name__ == "__main__":
    main()
