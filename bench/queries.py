"""Count the database queries each page of the load mix makes, for the same people on any database.

    .venv/bin/python bench/queries.py [--database-url URL] [--json out.json]

A page's query count must not grow with the data (docs/benchmarks.md): run this on a small and a
large synthetic practice and compare. It signs in (``force_login``) as the first active client of
the first synthetic practice and that client's therapist, a client whose care ended (ending pages),
the owner and the administrator, opens every GET page of bench/load.py's mix in-process (a page
whose person the practice lacks is left out), and prints the count and the time of each, as JSON.

``--dump DIR`` writes each page's last response to ``DIR/<page>.html`` with what every response draws anew (the
CSRF token, the scripts' nonce, a form's key, a signed link's signature) blanked, so a change that should not alter
a page can be checked byte for byte against the code before it: run the old code from a ``git worktree`` with the
same ``--dump`` into another folder, then ``diff -r``. Pages that list reads or audit events (the openings, the audit
log) differ by what the other run read.

``--calls`` adds each page's Python function calls per request (cProfile's count over ``--repeat`` requests).
Unlike a time, the count moves by well under 1% from run to run whatever else the machine is doing, so a change can be
compared before and after on a machine whose speed varies (these vary by a third within minutes): fewer calls is
less work in Python, though it says nothing of the database's share.
"""

import argparse
import cProfile
import os
import pstats
import random
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import database_url, print_report, setup_django  # noqa: E402
from bench.load import MIX, SATURATE_ONLY, WRITES, Person, steps_for  # noqa: E402


def _profiled(http, path: str, repeat: int) -> pstats.Stats:
    """cProfile's record of ``repeat`` requests of ``path``."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(repeat):
        http.get(path)
    profiler.disable()
    return pstats.Stats(profiler, stream=sys.stderr)


def profile(http, path: str, repeat: int) -> None:
    """Print the functions where ``repeat`` requests of ``path`` spend their time (to stderr)."""
    stats = _profiled(http, path, repeat).strip_dirs()
    stats.sort_stats("cumulative").print_stats(45)
    stats.sort_stats("tottime").print_stats(25)


def profile_mix(weighted) -> None:
    """Print where the mix's GET pages spend their time together (to stderr): what every page pays shows here."""
    profiler = cProfile.Profile()
    profiler.enable()
    for http, path, requests in weighted:
        for _ in range(requests):
            http.get(path)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stderr).strip_dirs()
    stats.sort_stats("cumulative").print_stats(80)
    stats.sort_stats("tottime").print_stats(40)


# What each response draws anew: the CSRF token (in forms and in the htmx header), the nonce of its scripts, a form's key
# against sending twice, and a signed link's time and signature.
_DRAWN_ANEW = re.compile(
    rb'(csrfmiddlewaretoken" value="|X-CSRFToken": "|nonce="|name="(?:idempotency_)?key" value="|/d/\w+/[0-9a-f-]{36}:)[^"/]+'
)


def replanned(connection) -> list[dict]:
    """The connection's prepared statements that PostgreSQL planned afresh on every run after the fifth.

    A prepared statement is planned with its values (a custom plan) five times; after that the server keeps one plan
    for any values (a generic plan) unless the generic plan's estimated cost is higher than the custom plans' average.
    Then it plans every run, and a kept read pays its planning on every page as an unprepared query would."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements"
            " WHERE custom_plans > 5 ORDER BY custom_plans DESC"
        )
        return [{"custom_plans": c, "generic_plans": g, "sql": sql[:300]} for sql, g, c in cursor.fetchall()]


def dump(response, path: Path) -> None:
    """Write a response's body to ``path`` with its per-response tokens blanked."""
    path.write_bytes(_DRAWN_ANEW.sub(rb"\1-", response.content))


def calls_per_request(http, path: str, repeat: int) -> int:
    """Python function calls one request of ``path`` makes, the mean over ``repeat`` (cProfile's count)."""
    return round(_profiled(http, path, repeat).total_calls / repeat)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--json")
    parser.add_argument("--repeat", type=int, default=3, help="timed repeats after the first (warm) request")
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="profile this page (cProfile) and print where its time goes; 'mix' profiles every GET page of the mix"
        " together, each requested in proportion to its weight (--repeat requests for a weight of 1)",
    )
    parser.add_argument("--calls", action="store_true", help="also count each page's Python function calls")
    parser.add_argument("--dump", metavar="DIR", help="write each page's HTML here, per-response tokens blanked")
    parser.add_argument(
        "--plans",
        action="store_true",
        help="PostgreSQL: after the pages, list the kept reads the server still plans on every run (custom plans)",
    )
    args = parser.parse_args(argv)
    url = database_url(args.database_url)
    # As production: staff must have two-factor sign-in (one more query on each staff page).
    os.environ["TENDING_STAFF_MFA_REQUIRED"] = "true"
    os.environ["TENDING_BENCH_FLOOR"] = "1"
    setup_django(url)
    # Imported here, after setup_django(): models need the app registry, and the script's options come first.
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as HttpClient
    from django.test.utils import CaptureQueriesContext

    from ending.models import Ending
    from messaging.models import Conversation
    from notes.models import SessionNote
    from practice.models import Client, Practice, StaffMember

    call_command("migrate", verbosity=0, interactive=False)
    practice = Practice.objects.filter(slug__startswith="bench-").order_by("pk").first()
    # The longest-staying active client: five years of history on their pages.
    client = (
        Client.objects.filter(practice=practice, care_status="active")
        .select_related("user", "therapist__user")
        .order_by("created_at", "pk")
        .first()
    )
    therapist = client.therapist
    drafts = [str(n.uuid) for n in SessionNote.objects.filter(author=therapist, signed_at__isnull=True)[:1]]
    # Messages (issue 19): the client's page polls after the newest message it shows, and the therapist
    # opens their conversation with this client (five years of messages: the longest there is).
    newest = Conversation.objects.care().filter(client=client).values_list("last_message_id", flat=True).first()
    # Ending (issue 20): the therapist opens the ending of one of their clients who has one, and a client
    # whose care ended (this therapist's, if they have one) opens their own.
    endings = Ending.objects.filter(client__practice=practice, state=Ending.State.ENDED).select_related("client__user")
    ended = endings.filter(therapist=therapist).order_by("pk").first() or endings.order_by("pk").first()
    # Money (issue 17): the client's own invoices, or (when this client was never billed) another client's
    # with the most, measured as that client; the therapist opens an invoice of one of their clients.
    from money.models import Invoice

    def invoices_of(who):
        return [str(u) for u in Invoice.objects.filter(client=who).order_by("-pk").values_list("uuid", flat=True)[:5]]

    billed = client
    if not invoices_of(client):
        billed = (
            Client.objects.filter(practice=practice, care_status="active", invoices__isnull=False)
            .select_related("user")
            .order_by("pk")
            .first()
            or client
        )
    therapist_invoices = [
        str(u)
        for u in Invoice.objects.filter(client__therapist=therapist).order_by("-pk").values_list("uuid", flat=True)[:5]
    ]
    from money.links import document_token
    from money.models import Payment

    def receipts_of(**where):
        return [str(u) for u in Payment.objects.filter(**where).order_by("-pk").values_list("uuid", flat=True)[:5]]

    from journal.models import Entry

    entries = [str(u) for u in Entry.objects.filter(client=client).order_by("-pk").values_list("uuid", flat=True)[:1]]
    signed = [
        str(u)
        for u in SessionNote.objects.filter(author=therapist, client=client, signed_at__isnull=False)
        .order_by("-pk")
        .values_list("uuid", flat=True)[:1]
    ]
    people = {
        "client": (
            Person(
                client.user.email,
                "client",
                newest_message=newest or 0,
                entries=entries,
                receipts=receipts_of(client=client),
                links=[document_token("invoice", uuid_) for uuid_ in invoices_of(client)],
            ),
            client.user,
        ),
        "therapist": (
            Person(
                therapist.user.email,
                "therapist",
                clients=[str(client.uuid)],
                drafts=drafts,
                conversations=[str(client.uuid)],
                newest_by_client={str(client.uuid): newest or 0},
                endings=[str(ended.client.uuid)] if ended else [],
                documents=therapist_invoices,
                receipts=receipts_of(invoice__therapist=therapist),
                entries=signed,
            ),
            therapist.user,
        ),
        "visitor": (Person("", "visitor"), None),
    }
    if ended is not None:
        people["ended_client"] = (Person(ended.client.user.email, "ended_client"), ended.client.user)
    # The office's reports (issue 18) and the record openings of this client are the owner's.
    owner = StaffMember.objects.filter(practice=practice, is_owner=True).select_related("user").first()
    if owner is not None:
        people["owner"] = (
            Person(owner.user.email, "owner", clients=[str(client.uuid)], staff=[str(therapist.uuid)]),
            owner.user,
        )
    # The office (issue 18): the administrator's calendar, clients and inbox, and this client's office
    # conversation if they have one (else the practice's first).
    administrator = (
        StaffMember.objects.filter(practice=practice, is_administrator=True, is_active=True)
        .select_related("user")
        .first()
    )
    if administrator is not None:
        office = Conversation.objects.office().filter(client__practice=practice)
        talked = office.filter(client=client).first() or office.order_by("pk").first()
        conversations = [str(talked.client.uuid)] if talked else []
        people["administrator"] = (
            Person(administrator.user.email, "administrator", conversations=conversations),
            administrator.user,
        )
    rng = random.Random(1)
    rows = {}
    weighted = []  # (http, path, requests) for --profile mix
    weights = {action: weight for weight, _role, action in MIX}
    for role, action in [(role, action) for _weight, role, action in MIX] + SATURATE_ONLY:
        if action in WRITES:
            continue
        if role not in people:
            continue
        person, user = people[role]
        if action == "my_document":
            person, user = Person(billed.user.email, "client", documents=invoices_of(billed)), billed.user
        http = HttpClient(HTTP_X_FORWARDED_PROTO="https")
        if user is not None:
            http.force_login(user)
        for step in steps_for(action, person, practice.slug, rng):
            if step.method != "GET" or not step.path or step.page in rows:
                continue
            if args.profile and args.profile != "mix" and step.page != args.profile:
                continue
            http.get(step.path)  # warm: first-request caches, the once-a-minute session refresh
            counts, times, status = [], [], None
            for _ in range(args.repeat):
                with CaptureQueriesContext(connection) as captured:
                    began = time.perf_counter()
                    response = http.get(step.path)
                    times.append(time.perf_counter() - began)
                counts.append(len(captured))
                status = response.status_code
            if args.dump:
                Path(args.dump).mkdir(parents=True, exist_ok=True)
                dump(response, Path(args.dump) / f"{step.page}.html")
            if args.profile == "mix":
                if action in weights:  # the saturate-only pages are not in the mix
                    weighted.append((http, step.path, max(1, round(weights[action] * args.repeat))))
            elif args.profile:
                profile(http, step.path, args.repeat)
            rows[step.page] = {
                "path": step.path.replace(str(client.uuid), "<client>"),
                "status": status,
                "queries": counts[-1],
                "queries_stable": len(set(counts)) == 1,
                "ms_best": round(min(times) * 1000, 1),
            }
            if args.calls:
                rows[step.page]["calls"] = calls_per_request(http, step.path, args.repeat)
    if weighted:
        profile_mix(weighted)
    result = {
        "database": connection.vendor,
        "client_history_days": (client.care_status_since and (time.time() - client.created_at.timestamp()) // 86400),
        "pages": rows,
    }
    if args.plans and connection.vendor == "postgresql":
        result["replanned"] = replanned(connection)
    print_report(result, args.json)


if __name__ == "__main__":
    main()
