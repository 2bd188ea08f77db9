"""Fill a database with a synthetic practice: years of plausible history through our own models.

    .venv/bin/python bench/make_practice.py --therapists 20 --clients 2000 --years 5 \
        [--scale N] [--everyone-stays] [--database-url URL] [--reset] [--seed 1]

``DATABASE_URL`` (or ``--database-url``) picks SQLite or PostgreSQL; without either it writes
``var/bench/practice.sqlite3``. ``--reset`` starts from an empty database (PostgreSQL: drops and
creates it). ``--scale N`` makes N practices of the given size on the one database, so every table
holds N times the rows while each practice, therapist and client looks the same: that is how
growth (1x, 3x, 10x) is measured. It migrates, then writes with ``bulk_create`` on the real models
(encrypted fields are sealed by the model field on the way in) and prints what it made and how
long it took, as JSON on the last line.

Everyone signs in with ``bench.common.PASSWORD``; staff have TOTP with the secret in
``var/bench/secrets.json``. Client emails are ``c<practice>-<n>@bench.tending.test``, therapists'
``t<practice>-<n>@…``, owners' ``owner<practice>@…``, administrators' ``admin<practice>@…``.

The page benchmarks (caseload.py, journey.py, h5_pages.py) time their pages on a practice made here,
through ``make`` (a fresh database, then ``build``) and ``longest_staying_client``.

What the history looks like (per client, seeded, so a rerun with the same seed is the same):
- a care span: about a quarter of clients stay all the years (still active); the rest come for
  3-24 months at some point (active if the span reaches today, otherwise ended or paused);
  ``--everyone-stays`` keeps every client all the years (a full caseload, all active);
- daily check-ins in runs with gaps (a few days, sometimes weeks), more often for some people;
- PHQ-9 and GAD-7 every two weeks, WHO-5 and SCS-SF every four, PHQ-15 every eight (some left);
- a weekly session in a fixed slot of their therapist's week, most taking place, some cancelled,
  and the next six weeks booked for active clients; a signed, encrypted note for each that took place;
- a free consultation before the first session; visitors who did not go on to become clients;
- journal entries for some clients (a few shared), practice logs with before/after ratings for most,
  self-care activities with ticks, a safety plan for some, a formulation (symptoms, causes, monthly
  status history), risk alerts where PHQ-9 item 9 was above "Not at all" (acknowledged), and the
  audit trail of the therapists' reads;
- a year of fees and invoices: one per session for most clients, a monthly statement for a tenth,
  and payments for most (``fees_and_invoices``);
- messages between sessions, about ``--messages-per-year`` (100) a client a year over their care span:
  short threads, both sides, answers within a couple of working days, a few with the practice office,
  a shared practice now and then, a small attachment rarely, and recent ones still waiting or unread
  (``message_history``);
- an ending for every client whose care ended (as ``ending_mark_ended`` makes one), a third with the
  client's words and the therapist's letter, half with follow-ups at three and six months (most of
  those past due answered, some shared), and a few being prepared for long-staying active clients
  (``endings``);
- a practice administrator (``admin<practice>@…``, TOTP like all staff) for the office's pages.

On SQLite the build runs with build-only pragmas (``SQLITE_BUILD_PRAGMAS``: no fsync, no journal, a
large page cache) and leaves the database in WAL as the app opens it. A line on
stderr after each practice says how many rows and seconds so far (for ``--scale 10``).
"""

import argparse
import json
import random
import sys
import time
import uuid
import zoneinfo
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import (  # noqa: E402
    PASSWORD,
    bench_secrets,
    database_url,
    ensure_postgres_database,
    is_postgres,
    setup_django,
)
from tending.env import parse_database_url  # noqa: E402

BATCH = 2000
LONDON = zoneinfo.ZoneInfo("Europe/London")
FEELINGS = ["calm", "content", "hopeful", "grateful", "tired", "anxious", "low", "sad", "overwhelmed", "tender"]
BODY = ["head", "jaw", "shoulders", "chest", "stomach", "back"]
WORDS = (
    "today felt heavy at first but I went for a walk and the air helped a little. I noticed the "
    "critic again when I made a mistake at work and tried to answer it the way a friend would. "
    "sleep was broken, woke at four with my chest tight, did the breathing and it eased. my sister "
    "rang and we laughed about something from when we were small. I am tired of being tired but "
    "I can see small changes, I was kinder to myself about the washing up."
).split()
HOURS = (9, 10, 11, 12, 14, 15, 16, 17)  # session slots, local time; 50 minutes plus a 10 minute buffer


def text(rng: random.Random, low: int, high: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def local_dt(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


class Writer:
    """Collects unsaved model instances and writes them in batches, counting what it made."""

    def __init__(self):
        self.pending: dict[type, list] = {}
        self.made: Counter = Counter()

    def add(self, obj):
        rows = self.pending.setdefault(type(obj), [])
        rows.append(obj)
        if len(rows) >= BATCH:
            self.flush(type(obj))

    def flush(self, model=None):
        models = [model] if model else list(self.pending)
        for each in models:
            rows = self.pending.get(each) or []
            if rows:
                with transaction.atomic():
                    each.objects.bulk_create(rows, batch_size=BATCH)
                self.made[each._meta.label] += len(rows)
                self.pending[each] = []

    def save_now(self, objs: list) -> list:
        """Write a list immediately and return it with primary keys (bulk_create sets them on both engines)."""
        if objs:
            with transaction.atomic():
                type(objs[0]).objects.bulk_create(objs, batch_size=BATCH)
            self.made[type(objs[0])._meta.label] += len(objs)
        return objs


def fresh_database(url: str) -> None:
    """Start ``url`` empty: PostgreSQL drops and creates the database, SQLite removes its files."""
    if is_postgres(url):
        ensure_postgres_database(url, reset=True)
        return
    path = parse_database_url(url)["NAME"]
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def make(url: str, *, therapists: int, clients: int, years: float, seed: str = "1", everyone_stays=False) -> dict:
    """A fresh database at ``url`` holding one synthetic practice, with this process's Django set up for it."""
    fresh_database(url)
    setup_django(url)
    args = argparse.Namespace(therapists=therapists, clients=clients, years=years, scale=1, seed=seed)
    return build(args, everyone_stays=everyone_stays)


def longest_staying_client():
    """The first synthetic practice's active client who came first: the longest history there is."""
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from practice.models import Client

    return (
        Client.objects.filter(practice__slug__startswith="bench-", care_status="active")
        .select_related("user", "practice", "therapist__user")
        .order_by("created_at", "pk")
        .first()
    )


def build(args, *, migrate: bool = True, everyone_stays: bool = False) -> dict:
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt as mfa_encrypt
    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command

    from accounts.models import User
    from practice.models import Client, Practice, StaffMember

    if migrate:
        call_command("migrate", verbosity=0, interactive=False)
    if Practice.objects.filter(slug__startswith="bench-").exists():
        raise SystemExit("This database already holds a synthetic practice; use --reset to start again.")

    secrets = bench_secrets()
    password_hash = make_password(PASSWORD)
    totp_data = {"secret": mfa_encrypt(secrets["TOTP_SECRET"])}
    writer = Writer()
    today = timezone.localdate()
    first_day = today - timedelta(days=round(365.25 * args.years))
    audit_rows: list[tuple] = []

    began = time.monotonic()
    for p in range(1, args.scale + 1):
        if p > 1:  # progress, for the long builds (--scale 10): each practice's rows and seconds so far
            print(
                f"practice {p - 1}: {sum(writer.made.values()):,} rows in {time.monotonic() - began:.1f} s",
                file=sys.stderr,
            )
        rng = random.Random(f"{args.seed}-{p}")
        practice = Practice.objects.create(
            name=f"Synthetic Practice {p}",
            slug=f"bench-{p}",
            time_zone="Europe/London",
            country="GB",
            description="A synthetic practice for measuring Tending.",
            contact_email=f"hello{p}@bench.tending.test",
            created_at=local_dt(first_day, 9),
        )
        writer.made["practice.Practice"] += 1

        def person(email, name):
            return User(email=email, name=name, password=password_hash, date_joined=local_dt(first_day, 9))

        staff_users = [person(f"owner{p}@bench.tending.test", f"Owner {p}")] + [
            person(f"t{p}-{n}@bench.tending.test", f"Therapist {p}-{n}") for n in range(1, args.therapists + 1)
        ]
        client_users = [person(f"c{p}-{n}@bench.tending.test", f"Client {p}-{n}") for n in range(1, args.clients + 1)]
        # The practice administrator (issue 18's office: the calendar, clients' bookings, the office inbox,
        # money), written after the practice's other people (the first practice's keep the ids they had before).
        admin_user = person(f"admin{p}@bench.tending.test", f"Administrator {p}")
        writer.save_now(staff_users + client_users + [admin_user])
        # bulk_create sets primary keys on PostgreSQL and SQLite alike; read them back to be sure.
        by_email = dict(User.objects.filter(email__endswith="@bench.tending.test").values_list("email", "pk"))
        everyone = [*staff_users, *client_users, admin_user]
        for user in everyone:
            user.pk = by_email[user.email]
        writer.save_now([EmailAddress(user=u, email=u.email, verified=True, primary=True) for u in everyone])
        writer.save_now(
            [Authenticator(user=u, type=Authenticator.Type.TOTP, data=totp_data) for u in [*staff_users, admin_user]]
        )
        owner = StaffMember(practice=practice, user=staff_users[0], is_owner=True, is_therapist=False)
        therapists = [StaffMember(practice=practice, user=u, is_therapist=True) for u in staff_users[1:]]
        administrator = StaffMember(practice=practice, user=admin_user, is_administrator=True, is_therapist=False)
        writer.save_now([owner, *therapists, administrator])
        staff_ids = dict(StaffMember.objects.filter(practice=practice).values_list("user_id", "pk"))
        for member in [owner, *therapists, administrator]:
            member.pk = staff_ids[member.user_id]

        spans = []
        clients = []
        for n, user in enumerate(client_users):
            stays = rng.random() < 0.25
            if stays or everyone_stays:
                start = first_day + timedelta(days=rng.randint(0, 60))
                end = today
            else:
                start = first_day + timedelta(days=rng.randint(0, max(1, (today - first_day).days - 30)))
                end = min(today, start + timedelta(days=rng.randint(90, 730)))
            status = Client.CareStatus.ACTIVE if end >= today else rng.choice(["ended", "ended", "paused"])
            spans.append((start, end))
            clients.append(
                Client(
                    practice=practice,
                    user=user,
                    therapist=therapists[n % len(therapists)],
                    care_status=status,
                    care_status_since=end if status != "active" else start,
                    created_at=local_dt(start, 9),
                )
            )
        writer.save_now(clients)
        client_ids = dict(Client.objects.filter(practice=practice).values_list("user_id", "pk"))
        for client in clients:
            client.pk = client_ids[client.user_id]

        slots = assign_slots(clients, spans, therapists, rng)
        # One transaction per practice: thousands of small commits would each wait for the disk.
        with transaction.atomic():
            history(writer, rng, practice, owner, therapists, clients, spans, slots, today, audit_rows, args)
            writer.flush()
            fees_and_invoices(writer, random.Random(f"{args.seed}-{p}-money"), practice, clients, today, first_day)
            message_history(
                writer,
                random.Random(f"{args.seed}-{p}-messages"),
                practice,
                owner,
                clients,
                spans,
                today,
                getattr(args, "messages_per_year", 100),
            )
            endings(writer, random.Random(f"{args.seed}-{p}-endings"), clients, spans, today)
    write_audit(writer, audit_rows)
    writer.flush()
    return dict(sorted(writer.made.items()))


def assign_slots(clients, spans, therapists, rng):
    """A fixed weekly slot for each client, never two clients of one therapist in one slot at once."""
    free_from = {t.pk: {(wd, h): date.min for wd in range(5) for h in HOURS} for t in therapists}
    found = {}
    order = sorted(range(len(clients)), key=lambda i: spans[i][0])
    for i in order:
        start, end = spans[i]
        choices = [slot for slot, free in free_from[clients[i].therapist_id].items() if free <= start]
        if not choices:
            continue  # a full week: this client comes without a standing slot
        slot = rng.choice(choices)
        found[i] = slot
        free_from[clients[i].therapist_id][slot] = end + timedelta(days=60)  # future bookings run past "today"
    return found


def history(writer, rng, practice, owner, therapists, clients, spans, slots, today, audit_rows, args):
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from bookings.models import Appointment, Availability, Consultation, WorkingHours
    from checkins.models import CheckIn
    from formulation.models import Cause, CauseStatus, Symptom, SymptomKind, SymptomStatus
    from journal.models import Entry, Prompt
    from measures.models import MeasureResponse, MeasureSchedule
    from measures.scoring import score
    from mindfulness.content import EXERCISES
    from mindfulness.models import ExerciseLog
    from notes.models import SECTION_NAMES, SessionNote
    from risk.models import RiskAlert
    from safetyplan.models import SafetyPlan, SafetyPlanVersion
    from selfcare.models import Activity, Tick

    now = timezone.now()
    slugs = [exercise.slug for exercise in EXERCISES]
    for therapist in therapists:
        writer.add(Availability(therapist=therapist, feed_token=Availability.feed_digest(f"b{rng.getrandbits(64):x}")))
        for weekday in range(5):
            writer.add(
                WorkingHours(therapist=therapist, weekday=weekday, start_time="08:00", end_time="18:00"),
            )
    consult_days: set[tuple[int, date]] = set()
    consult_starts: dict[str, tuple[int, datetime]] = {}  # email -> (therapist, start), local wall time

    def consultation_at(therapist, day):
        while day.weekday() >= 5 or (therapist.pk, day) in consult_days:
            day -= timedelta(days=1)
        consult_days.add((therapist.pk, day))
        return local_dt(day, 8)

    def consult(therapist, day, email):
        at = consultation_at(therapist, day)
        consult_starts[email] = (therapist.pk, at)
        return at

    appointment_rows = []  # (appointment, client index, completed)
    for i, client in enumerate(clients):
        crng = random.Random(f"{args.seed}-{practice.slug}-{i}")
        start, end = spans[i]
        therapist = therapists[i % len(therapists)]
        days = (end - start).days + 1

        # The free consultation that began it.
        at = consult(therapist, start - timedelta(days=crng.randint(3, 20)), client.user.email)
        consultation = Consultation(
            practice=practice,
            name=client.user.name,
            email=client.user.email,
            outcome=Consultation.Outcome.GOOD_FIT,
            outcome_at=at + timedelta(hours=2),
            converted_client=client,
            created_at=at - timedelta(days=5),
        )
        writer.add(consultation)

        # Daily check-ins in runs, with gaps; each person has their own rhythm.
        keen = crng.uniform(0.25, 0.95)
        mood = crng.uniform(2, 6)
        day = start
        while day <= end:
            run = max(1, int(crng.expovariate(1 / (2 + 14 * keen))))
            for offset in range(run):
                d = day + timedelta(days=offset)
                if d > end:
                    break
                mood = min(10, max(0, mood + crng.uniform(-0.8, 0.95)))
                m = round(mood)
                writer.add(
                    CheckIn(
                        client=client,
                        local_date=d,
                        created_at=local_dt(d, crng.randint(7, 22), crng.randint(0, 59)),
                        updated_at=local_dt(d, 22),
                        feelings=crng.sample(FEELINGS, crng.randint(1, 3)),
                        body_areas=crng.sample(BODY, crng.randint(0, 2)),
                        mood=m,
                        energy=max(0, min(10, m + crng.randint(-2, 2))),
                        tension=max(0, min(10, 10 - m + crng.randint(-2, 2))),
                        sleep=crng.randint(2, 9),
                        peace=max(0, min(10, m + crng.randint(-3, 1))),
                        fulfilment=max(0, min(10, m + crng.randint(-3, 1))),
                        self_kindness=max(0, min(10, m + crng.randint(-3, 2))),
                        note=text(crng, 5, 30) if crng.random() < 0.2 else None,
                    )
                )
            day += timedelta(days=run + max(1, int(crng.expovariate(1 / (1 + 6 * (1 - keen))))))
            if crng.random() < 0.04:
                day += timedelta(days=crng.randint(14, 45))  # a holiday, an illness, a hard month

        # Questionnaires on their rhythms (fortnightly PHQ-9 and GAD-7).
        writer.add(MeasureSchedule(client=client, instrument="phq9", rhythm="fortnightly", created_by=therapist))
        writer.add(MeasureSchedule(client=client, instrument="gad7", rhythm="fortnightly", created_by=therapist))
        severity = crng.uniform(0.8, 2.6)
        for week in range(0, days // 7 + 1, 2):
            d = start + timedelta(weeks=week)
            severity = max(0.1, severity - crng.uniform(-0.05, 0.12))
            moment = local_dt(d, 19, crng.randint(0, 59))
            due = [("phq9", 9, 0, 3), ("gad7", 7, 0, 3)]
            if week % 4 == 0:
                due += [("who5", 5, 0, 5), ("scs_sf", 12, 1, 5)]
            if week % 8 == 0:
                due.append(("phq15", 15, 0, 2))
            for instrument, items, low, high in due:
                if crng.random() < 0.15:
                    continue  # left for later, and that is fine
                if instrument in {"who5", "scs_sf"}:
                    answers = [
                        max(low, min(high, round(high - severity * 1.4 + crng.uniform(-1, 1)))) for _ in range(items)
                    ]
                else:
                    answers = [max(low, min(high, round(severity + crng.uniform(-1.2, 0.8)))) for _ in range(items)]
                if instrument == "phq9":
                    answers[8] = 1 if crng.random() < 0.02 else 0
                result = score(instrument, answers)
                writer.add(
                    MeasureResponse(
                        client=client,
                        instrument=instrument,
                        instrument_version="bench",
                        answers=answers,
                        completed_at=moment,
                        total=result["total"],
                        band=result["band"],
                        risk_flag=bool(result.get("item9_risk_flag")),
                    )
                )
                if result.get("item9_risk_flag"):
                    writer.add(
                        RiskAlert(
                            client=client,
                            therapist=therapist,
                            source=RiskAlert.Source.PHQ9_ITEM9,
                            raised_at=moment,
                            escalate_after=moment + timedelta(hours=24),
                            acknowledged_at=moment + timedelta(hours=crng.randint(1, 20)),
                            acknowledged_by=therapist.user,
                            action_taken=RiskAlert.Action.CONTACTED,
                            note=text(crng, 8, 25),
                        )
                    )

        # A weekly session in the client's slot, and the next six weeks booked for those still coming.
        slot = slots.get(i)
        if slot is not None:
            weekday, hour = slot
            d = start + timedelta(days=(weekday - start.weekday()) % 7 + 7)
            last = end + timedelta(weeks=6) if client.care_status == "active" else end
            while d <= last:
                begins = local_dt(d, hour)
                past = begins < now
                status = Appointment.Status.CONFIRMED
                if past:
                    status = Appointment.Status.CANCELLED if crng.random() < 0.1 else Appointment.Status.COMPLETED
                appointment = Appointment(
                    practice=practice,
                    therapist=therapist,
                    client=client,
                    kind="session",
                    mode=crng.choice(["in_person", "online"]),
                    start=begins,
                    end=begins + timedelta(minutes=50),
                    blocked_until=begins + timedelta(minutes=60),
                    status=status,
                    booked_by="client",
                    cancelled_at=begins - timedelta(days=2) if status == "cancelled" else None,
                    created_at=begins - timedelta(days=7),
                    updated_at=begins - timedelta(days=7),
                )
                appointment_rows.append((appointment, i, status == "completed"))
                d += timedelta(weeks=1 if crng.random() < 0.85 else 2)

        # Journal, practices, self-care.
        if crng.random() < 0.4:
            for d in sample_days(crng, start, end, every=6):
                writer.add(
                    Entry(
                        client=client,
                        prompt=crng.choice(list(Prompt)),
                        body=text(crng, 40, 160),
                        is_draft=False,
                        shared_at=local_dt(d, 21) if crng.random() < 0.1 else None,
                        created_at=local_dt(d, 20, crng.randint(0, 59)),
                        updated_at=local_dt(d, 21),
                    )
                )
        if crng.random() < 0.65:
            favourites = crng.sample(slugs, 4)
            for d in sample_days(crng, start, end, every=3.5):
                calm = crng.randint(1, 7)
                kind = crng.randint(1, 7)
                writer.add(
                    ExerciseLog(
                        client=client,
                        builtin_slug=crng.choice(favourites),
                        practised_at=local_dt(d, crng.randint(7, 22)),
                        calm_before=calm,
                        calm_after=min(10, calm + crng.randint(-1, 3)),
                        kindness_before=kind,
                        kindness_after=min(10, kind + crng.randint(-1, 3)),
                        word=text(crng, 1, 4) if crng.random() < 0.3 else None,
                    )
                )
        activities = [
            Activity(client=client, area=area, text=text(crng, 2, 6)[:200], created_at=local_dt(start, 12))
            for area in crng.sample(["mind", "body", "soul"], crng.randint(1, 3))
        ]
        writer.save_now(activities)
        for activity in activities:
            for d in sample_days(crng, start, end, every=9):
                writer.add(Tick(activity=activity, done_at=local_dt(d, 18)))

        if crng.random() < 0.3:
            plan = writer.save_now([SafetyPlan(client=client, version_count=2, created_at=local_dt(start, 10))])[0]
            for number in (1, 2):
                writer.add(
                    SafetyPlanVersion(
                        plan=plan,
                        number=number,
                        author="client",
                        written_by=client.user,
                        created_at=local_dt(start + timedelta(days=30 * number), 10),
                        **{
                            name: text(crng, 4, 20)
                            for name in (
                                "warning_signs",
                                "coping_alone",
                                "distractions",
                                "people_to_ask",
                                "professionals",
                                "safer_surroundings",
                                "reasons_for_living",
                            )
                        },
                    )
                )

        # A formulation: symptoms linked to causes, each with a monthly status history.
        kinds = crng.sample([k for k in SymptomKind if k != SymptomKind.OTHER], crng.randint(2, 4))
        symptoms = writer.save_now(
            [
                Symptom(
                    client=client,
                    kind=kind,
                    created_by=therapist,
                    created_at=local_dt(start, 12),
                    shared_with_client=True,
                )
                for kind in kinds
            ]
        )
        causes = writer.save_now(
            [
                Cause(client=client, hypothesis=text(crng, 8, 25), created_by=therapist, created_at=local_dt(start, 12))
                for _ in range(crng.randint(1, 2))
            ]
        )
        for symptom in symptoms:
            sev = crng.randint(5, 9)
            for d in sample_days(crng, start, end, every=30, jitter=False):
                sev = max(0, min(10, sev + crng.randint(-2, 1)))
                writer.add(
                    SymptomStatus(
                        symptom=symptom,
                        status="present" if sev > 4 else ("easing" if sev > 1 else "resolved"),
                        severity=sev,
                        on=d,
                        recorded_by=therapist,
                        recorded_at=local_dt(d, 17),
                    )
                )
        through = Cause.symptoms.through
        for symptom in symptoms:
            writer.add(through(cause_id=causes[crng.randrange(len(causes))].pk, symptom_id=symptom.pk))
        for cause in causes:
            for d in sample_days(crng, start, end, every=45, jitter=False):
                writer.add(
                    CauseStatus(
                        cause=cause, status=crng.choice(["open", "working", "easing"]), on=d, recorded_by=therapist
                    )
                )

    # Visitors who had a consultation and did not go on (recent ones only: older ones are purged).
    for n in range(len(clients) // 20):
        therapist = therapists[n % len(therapists)]
        at = consult(therapist, today - timedelta(days=rng.randint(1, 85)), f"visitor{n}@example.test")
        writer.add(
            Consultation(
                practice=practice,
                name=f"Visitor {n}",
                email=f"visitor{n}@example.test",
                note=text(rng, 5, 20),
                outcome=rng.choice(["", "not_now"]),
                created_at=at - timedelta(days=3),
            )
        )
    writer.flush(Consultation)
    # Consultation appointments: 08:00 on the day chosen for each, outside the session slots.
    for consultation in Consultation.objects.filter(practice=practice).only("pk", "email", "created_at"):
        therapist_id, begins = consult_starts[consultation.email]
        writer.add(
            Appointment(
                practice=practice,
                therapist_id=therapist_id,
                consultation=consultation,
                kind="consultation",
                mode="online",
                start=begins,
                end=begins + timedelta(minutes=20),
                blocked_until=begins + timedelta(minutes=30),
                status="completed" if begins < now else "confirmed",
                booked_by="visitor",
                created_at=consultation.created_at,
                updated_at=consultation.created_at,
            )
        )

    # Sessions, then a signed note for each that took place (and the therapist's audited reads).
    for start_at in range(0, len(appointment_rows), BATCH):
        chunk = appointment_rows[start_at : start_at + BATCH]
        writer.save_now([row[0] for row in chunk])
    keys = {
        (therapist_id, begins): pk
        for pk, therapist_id, begins in Appointment.objects.filter(practice=practice, kind="session").values_list(
            "pk", "therapist_id", "start"
        )
    }
    for appointment, client_index, completed in appointment_rows:
        appointment.pk = keys[(appointment.therapist_id, appointment.start)]
        if not completed:
            continue
        client = clients[client_index]
        nrng = random.Random(f"{args.seed}-note-{appointment.pk}")
        # Notes of the last week are still drafts (therapists sign later), so there is writing to do.
        signed = appointment.end + timedelta(hours=nrng.randint(1, 30))
        if appointment.end > now - timedelta(days=7):
            signed = None
        writer.add(
            SessionNote(
                appointment=appointment,
                client=client,
                author_id=appointment.therapist_id,
                holder_id=appointment.therapist_id,
                revision=3,
                created_at=appointment.end,
                saved_at=appointment.end + timedelta(minutes=40),
                signed_at=signed,
                **{name: text(nrng, 6, 40) if nrng.random() < 0.8 else "" for name in SECTION_NAMES},
            )
        )
        therapist = therapists[client_index % len(therapists)]
        for object_type, path in (("journey", "/journey/clients/"), ("notes.sessionnote", "/notes/clients/")):
            audit_rows.append(
                (
                    appointment.start - timedelta(minutes=15),
                    practice.uuid,
                    therapist.user.uuid,
                    "therapist",
                    "read",
                    object_type,
                    str(client.uuid),
                    client.uuid,
                    f"{path}{client.uuid}/",
                )
            )


def fees_and_invoices(writer, rng, practice, clients, today, first_day):
    """A year of billing: a £70 fee (£40 agreed with one client in twenty), an invoice an hour after each
    session that took place for per-session clients, a statement on each 1st for the monthly tenth (this
    month's sessions still waiting), and payments for most (the newest and a few others still waiting).
    Numbers run on from one per supplier and kind, and each ``NumberSequence`` holds the last one given."""
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from django.db.models import F

    from bookings.models import Appointment
    from money import books
    from money.models import (
        AgreedFee,
        BillingMode,
        BillingSettings,
        Charge,
        ClientBilling,
        Fee,
        Invoice,
        InvoiceLine,
        NumberSequence,
        Payment,
        Supplier,
    )

    now = timezone.now()
    begins = today - timedelta(days=365)
    BillingSettings.objects.create(
        practice=practice,
        bills_sessions_from=begins,
        payment_instructions="Bank transfer: sort code 00-00-00, account 00000000, your invoice number as reference.",
    )
    supplier = Supplier.objects.create(practice=practice, name=practice.name, address="1 Synthetic Street\nLondon")
    writer.made["money.BillingSettings"] += 1
    writer.made["money.Supplier"] += 1
    writer.save_now([Fee(practice=practice, amount=7000, valid_from=first_day, created_at=local_dt(first_day, 9))])
    by_pk = {client.pk: client for client in clients}
    concession = {client.pk for client in clients if rng.random() < 0.05}
    monthly = {client.pk for client in clients if rng.random() < 0.10}
    writer.save_now(
        [
            AgreedFee(client_id=pk, amount=4000, agreed_on=first_day, reason="A concession.", created_at=now)
            for pk in sorted(concession)
        ]
    )
    writer.save_now([ClientBilling(client_id=pk, mode=BillingMode.MONTHLY) for pk in sorted(monthly)])
    details = {
        "name": supplier.name,
        "address": supplier.address,
        "tax_status": "none",
        "tax_label": "VAT",
        "vat_number": "",
        "therapist": "",
        "registration": "",
        "payment_instructions": "Bank transfer.",
        "email": practice.contact_email,
    }

    sessions = (
        Appointment.objects.filter(
            practice=practice, kind="session", status="completed", start__gte=local_dt(begins, 0), end__lte=now
        )
        .order_by("start")
        .values_list("pk", "client_id", "therapist_id", "start", "end")
    )
    # Each invoice to be: (issued at, client, [(appointment, therapist, day)], period).
    to_issue = []
    statements: dict[tuple[int, date], list] = {}
    waiting_charges = []
    this_month = today.replace(day=1)
    for pk, client_id, therapist_id, start, end in sessions:
        day = start.astimezone(LONDON).date()
        if client_id in monthly:
            if day >= this_month:
                waiting_charges.append((pk, client_id, therapist_id, day))
            else:
                statements.setdefault((client_id, day.replace(day=1)), []).append((pk, therapist_id, day))
        else:
            to_issue.append((end + timedelta(hours=1), client_id, [(pk, therapist_id, day)], None))
    for (client_id, month), rows in statements.items():
        month_end = (month + timedelta(days=32)).replace(day=1)
        to_issue.append((local_dt(month_end, 7), client_id, rows, (month, month_end - timedelta(days=1))))
    to_issue.sort(key=lambda row: (row[0], row[1]))

    def amount(client_id):
        return 4000 if client_id in concession else 7000

    invoices = []
    for number, (at, client_id, rows, period) in enumerate(to_issue, start=1):
        total = sum(amount(client_id) for _ in rows)
        issued_on = at.astimezone(LONDON).date()
        invoices.append(
            Invoice(
                practice=practice,
                supplier=supplier,
                client_id=client_id,
                therapist_id=rows[-1][1],
                number=number,
                reference=f"INV-{number:04d}",
                issued_at=at,
                tax_point=issued_on,
                due_on=issued_on + timedelta(days=14),
                period_start=period[0] if period else None,
                period_end=period[1] if period else None,
                currency="GBP",
                net=total,
                total=total,
                billed_name=by_pk[client_id].user.name,
                supplier_details=details,
            )
        )
    for start_at in range(0, len(invoices), BATCH):
        writer.save_now(invoices[start_at : start_at + BATCH])
    charges = []
    for invoice, (_at, client_id, rows, _period) in zip(invoices, to_issue, strict=True):
        for pk, therapist_id, day in rows:
            charges.append(
                Charge(
                    practice=practice,
                    client_id=client_id,
                    therapist_id=therapist_id,
                    appointment_id=pk,
                    day=day,
                    amount=amount(client_id),
                    status=Charge.Status.INVOICED,
                    invoice_id=invoice.pk,
                    created_at=invoice.issued_at,
                )
            )
    for pk, client_id, therapist_id, day in waiting_charges:
        charges.append(
            Charge(
                practice=practice,
                client_id=client_id,
                therapist_id=therapist_id,
                appointment_id=pk,
                day=day,
                amount=amount(client_id),
            )
        )
    for start_at in range(0, len(charges), BATCH):
        writer.save_now(charges[start_at : start_at + BATCH])
    positions: Counter = Counter()
    for charge in charges:
        if charge.invoice_id is None:
            continue
        writer.add(
            InvoiceLine(
                invoice_id=charge.invoice_id,
                charge_id=charge.pk,
                position=positions[charge.invoice_id],
                day=charge.day,
                description="Counselling session",
                net=charge.amount,
                total=charge.amount,
            )
        )
        positions[charge.invoice_id] += 1
    writer.flush(InvoiceLine)

    payments = []
    for invoice in invoices:
        recent = invoice.tax_point > today - timedelta(days=14)
        if rng.random() < (0.5 if recent else 0.03):
            continue  # waiting to be paid
        payments.append(
            Payment(
                practice=practice,
                supplier=supplier,
                client_id=invoice.client_id,
                invoice=invoice,
                method=rng.choice(["bank", "bank", "bank", "card", "cash"]),
                amount=invoice.total,
                currency="GBP",
                received_on=min(today, invoice.tax_point + timedelta(days=rng.randint(0, 10))),
                recorded_at=invoice.issued_at,
                number=0,
            )
        )
    payments.sort(key=lambda payment: (payment.received_on, payment.invoice.number))
    for number, payment in enumerate(payments, start=1):
        payment.number, payment.receipt_reference = number, f"R-{number:04d}"
    for start_at in range(0, len(payments), BATCH):
        writer.save_now(payments[start_at : start_at + BATCH])
    # Each payment pays its own invoice in full, so what the ledger keeps waiting (Invoice.waiting,
    # money.ledger.settle) is the whole of each invoice nobody paid.
    paid = {payment.invoice_id for payment in payments}
    unpaid = [invoice.pk for invoice in invoices if invoice.pk not in paid]
    for start_at in range(0, len(unpaid), BATCH):
        Invoice.objects.filter(pk__in=unpaid[start_at : start_at + BATCH]).update(waiting=F("total"))
    writer.save_now(
        [
            NumberSequence(supplier=supplier, kind=NumberSequence.Kind.INVOICE, last_number=len(invoices)),
            NumberSequence(supplier=supplier, kind=NumberSequence.Kind.RECEIPT, last_number=len(payments)),
        ]
    )
    # The books' monthly sums, as the services would have kept them (money/books.py).
    books.rebuild(practice.pk)


CLIENT_LINES = [
    "Thank you for last week, I have been thinking about what you said.",
    "I tried the breathing before the meeting and it helped a bit.",
    "Quick one: could we talk about my sister next time?",
    "It has been a harder week, but I am getting through it.",
    "I noticed the critic again today and tried to answer it kindly.",
    "Sleep has been a bit better since I started the body scan.",
    "Is it all right if I bring my journal to the session?",
    "I wrote the letter we talked about. It was strange but good.",
    "Work has been busy, so I have not practised much, sorry.",
    "Just wanted to say the walk this morning really helped.",
    "Can I ask how the soothing rhythm one works when I feel rushed?",
    "Thanks, that makes sense.",
    "I will try that.",
    "See you on Tuesday.",
    "That is really kind, thank you.",
]
STAFF_LINES = [
    "Thank you for letting me know. It sounds like you were really kind to yourself there.",
    "That is a lovely thing to notice. Let's pick it up when we meet.",
    "Of course, we can make room for that next time.",
    "No need to be sorry: a busy week is a busy week. Even a minute counts.",
    "I am glad the walk helped. Go gently this week.",
    "Here is the practice we talked about, in case it helps before we meet.",
    "Yes, please bring it if you would like to; only share what you want to.",
    "It sounds like a lot. We can look at it together on Tuesday.",
    "Thank you for writing. See you soon.",
]
OFFICE_LINES = [
    "Could I move my session next week to the afternoon?",
    "I have paid the last invoice by bank transfer.",
    "Could you send me a receipt for my insurer, please?",
    "Thank you, that is all sorted.",
    "Of course: your session is now at 3pm on Thursday.",
    "Thank you, we have received your payment.",
]


def message_history(writer, rng, practice, owner, clients, spans, today, per_year):
    """Messages between sessions: about ``per_year`` a client a year, in threads (a client writes one to three
    short messages and their therapist answers within a couple of working days, or the therapist writes first,
    now and then sharing a practice), a few with the practice office, a small attachment now and then.

    Written a hundred clients at a time: their conversations first, then their messages in the order they
    were sent (so ids interleave as they would on a live practice), then the conversations' marks (last
    message, reply-by of what waits, read marks) from the ids just made, then the attachments."""
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from messaging.models import Attachment, Conversation, Message
    from messaging.replies import Calendar, end_of_day
    from mindfulness.content import EXERCISES

    if per_year <= 0:
        return
    now = timezone.now()
    calendar = Calendar.of_practice(practice)
    zone = practice.zone
    slugs = [exercise.slug for exercise in EXERCISES]
    reply_by_on: dict[date, datetime] = {}

    def reply_by(sent_at):
        day = sent_at.astimezone(zone).date()
        if day not in reply_by_on:
            reply_by_on[day] = end_of_day(calendar.working_days_after(day, 2), zone)
        return reply_by_on[day]

    def threads(mrng, start, end, count):
        """(sent_at, from client, shared slug, line) for one conversation, oldest first, none after now."""
        days = max(1, (end - start).days)
        rows = []
        for _ in range(count):
            d = start + timedelta(days=mrng.randrange(days))
            at = local_dt(d, mrng.randint(7, 21), mrng.randint(0, 59))
            if mrng.random() < 0.75:  # the client writes first
                for _ in range(mrng.choice((1, 1, 1, 2, 2, 3))):
                    rows.append((at, True))
                    at += timedelta(minutes=mrng.randint(1, 40))
                at += timedelta(hours=mrng.uniform(1, 44))
                rows.append((at, False))
                if mrng.random() < 0.5:  # a thank-you
                    rows.append((at + timedelta(hours=mrng.uniform(0.2, 20)), True))
            else:
                rows.append((at, False))
                if mrng.random() < 0.6:
                    rows.append((at + timedelta(hours=mrng.uniform(0.5, 30)), True))
        rows = sorted(row for row in rows if row[0] <= now)
        if rows and rows[-1][1] and reply_by(rows[-1][0]) < now:
            # Answered in time: only messages whose reply-by date is still to come wait.
            answer = min(rows[-1][0] + timedelta(hours=mrng.uniform(1, 30)), now - timedelta(minutes=5))
            rows.append((max(answer, rows[-1][0] + timedelta(minutes=1)), False))
        return rows

    chunk = 100
    for first in range(0, len(clients), chunk):
        plans = []  # (conversation, [(sent_at, from_client, ...)])
        for i in range(first, min(first + chunk, len(clients))):
            client = clients[i]
            start, end = spans[i]
            mrng = random.Random(f"{rng.random()}-messages-{i}")
            years = max((end - start).days, 1) / 365.25
            # About 3.3 messages a thread: threads for per_year messages a year, give or take half.
            count = max(1, round(per_year * years * mrng.uniform(0.5, 1.5) / 3.3))
            care = threads(mrng, start, end, count)
            office = threads(mrng, start, end, max(0, round(count * 0.05))) if mrng.random() < 0.4 else []
            for kind, rows in (("care", care), ("office", office)):
                if rows:
                    conversation = Conversation(
                        client=client,
                        kind=kind,
                        client_shows_read=mrng.random() < 0.2,
                        client_emails=mrng.random() < 0.8,
                        created_at=rows[0][0],
                    )
                    plans.append((conversation, rows, mrng))
        writer.save_now([conversation for conversation, _rows, _mrng in plans])
        made = []  # (sent_at, message, conversation index)
        for index, (conversation, rows, mrng) in enumerate(plans):
            assert conversation.pk, "bulk_create gives primary keys"
            staff_id = owner.pk if conversation.kind == "office" else conversation.client.therapist_id
            waiting = []
            for at, from_client in rows:
                shared = ""
                if conversation.kind == "office":
                    line = mrng.choice(OFFICE_LINES)
                elif from_client:
                    line = mrng.choice(CLIENT_LINES)
                    if mrng.random() < 0.1:  # now and then a longer one
                        line = f"{line} {text(mrng, 30, 120)}"
                else:
                    line = mrng.choice(STAFF_LINES)
                    shared = mrng.choice(slugs) if mrng.random() < 0.08 else ""
                message = Message(
                    conversation_id=conversation.pk,
                    sender_staff_id=None if from_client else staff_id,
                    body=line,
                    sent_at=at,
                    idempotency_key=uuid.UUID(int=mrng.getrandbits(128), version=4),
                    reply_by=reply_by(at) if from_client else None,
                    shared_kind="practice" if shared else "",
                    shared_ref=shared,
                )
                if from_client:
                    waiting.append(message)
                else:
                    for earlier in waiting:  # an answer: everything waiting has had one
                        earlier.answered_at = at
                    waiting = []
                made.append((at, message, index))
        made.sort(key=lambda row: row[0])
        writer.save_now([message for _at, message, _index in made])

        # The conversations' marks, from the ids just made.
        files = []
        last: dict[int, list] = {}
        for at, message, index in made:
            assert message.pk, "bulk_create gives primary keys"
            last.setdefault(index, []).append(message)
            if rng.random() < 0.003:
                size = rng.randint(2000, 6000)
                files.append(
                    Attachment(
                        message_id=message.pk,
                        kind="pdf",
                        content_type="application/pdf",
                        filename=rng.choice(["worksheet.pdf", "receipt.pdf", "letter.pdf"]),
                        size=size,
                        data=b"%PDF-1.4\n" + rng.randbytes(size - 9),
                        created_at=at,
                    )
                )
        for index, (conversation, _rows, mrng) in enumerate(plans):
            messages = last[index]
            newest = messages[-1]
            conversation.last_message_id, conversation.last_message_at = newest.pk, newest.sent_at
            waiting = [m for m in messages if m.sender_staff_id is None and m.answered_at is None]
            conversation.reply_by = min((m.reply_by for m in waiting), default=None)
            from_staff = [m for m in messages if m.sender_staff_id is not None]
            fresh = now - newest.sent_at < timedelta(days=2)
            # Read marks: everything read, except a fresh message the other side has not opened yet.
            if newest.sender_staff_id is not None and fresh and mrng.random() < 0.6:
                mine = [m for m in messages if m.sender_staff_id is None]
                conversation.client_read_up_to = mine[-1].pk if mine else 0
            else:
                conversation.client_read_up_to = newest.pk
            conversation.client_read_at = newest.sent_at + timedelta(hours=1)
            if waiting and fresh and mrng.random() < 0.6:
                conversation.staff_read_up_to = from_staff[-1].pk if from_staff else 0
            else:
                conversation.staff_read_up_to = newest.pk
        with transaction.atomic():
            Conversation.objects.bulk_update(
                [conversation for conversation, _rows, _mrng in plans],
                [
                    "last_message_id",
                    "last_message_at",
                    "reply_by",
                    "client_read_up_to",
                    "client_read_at",
                    "staff_read_up_to",
                ],
                batch_size=500,
            )
        writer.save_now(files)


def endings(writer, rng, clients, spans, today):
    """Every client whose care ended has an ended ending (as ``ending_mark_ended`` makes one for each), a
    third of them with the client's words and the therapist's letter, and about half with the follow-ups
    at three and six months (those past due answered by most); a few active clients have one being
    prepared. Rows have seeded uuids, so a rerun with the same seed seals the same rows."""
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from ending.followups import DEFAULT_INSTRUMENTS, FOLLOW_UP_MONTHS
    from ending.models import Ending, FollowUp, FollowUpAnswer
    from measures.instruments import INSTRUMENTS
    from measures.scoring import score

    made: dict[type, list] = {Ending: [], FollowUp: [], FollowUpAnswer: []}

    def seeded_uuid():
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def words(ending):
        for name, low, high in (("started_words", 12, 30), ("now_words", 10, 25), ("helped_words", 8, 20)):
            setattr(ending, name, text(rng, low, high))
        ending.carry_words = text(rng, 6, 15)
        ending.letter = "Dear friend,\n\n" + text(rng, 40, 90) + "\n\nWith warm wishes"

    def answered(follow_up, at):
        for instrument in DEFAULT_INSTRUMENTS:
            items = 9 if instrument == "phq9" else 7
            vector = [min(3, max(0, round(rng.gauss(0.8, 0.7)))) for _ in range(items)]
            if instrument == "phq9":
                vector[8] = 0  # the follow-ups raise no alert in the synthetic past
            result = score(instrument, vector)
            made[FollowUpAnswer].append(
                FollowUpAnswer(
                    uuid=seeded_uuid(),
                    follow_up=follow_up,
                    instrument=instrument,
                    instrument_version=INSTRUMENTS[instrument].version,
                    answers=vector,
                    completed_at=at,
                    total=result["total"],
                    band=result["band"],
                    risk_flag=False,
                )
            )

    for client, (start, end) in zip(clients, spans, strict=True):
        if client.care_status == "ended":
            ended_at = local_dt(end, 18)
            ending = Ending(
                uuid=seeded_uuid(),
                client=client,
                therapist_id=client.therapist_id,
                started_by_id=client.therapist_id,
                state=Ending.State.ENDED,
                started_at=ended_at - timedelta(days=rng.randint(14, 42)),
                planned_on=end,
                ended_on=end,
                ended_at=ended_at,
                follow_up=rng.random() < 0.5,
            )
            if rng.random() < 0.33:
                words(ending)
                ending.client_updated_at = ending.letter_updated_at = ended_at - timedelta(days=2)
            if ending.follow_up:
                ending.follow_up_chosen_at = ended_at - timedelta(days=3)
            ending.staff_copy = {
                **{name: getattr(ending, name) for name in ("started_words", "now_words", "helped_words")},
                "carry_words": ending.carry_words,
                **dict.fromkeys(CHOICES_SHOWN, True),
                "follow_up": ending.follow_up,
                "letter": ending.letter,
                "taken_at": ended_at.isoformat(),
            }
            made[Ending].append(ending)
            if not ending.follow_up:
                continue
            for months in FOLLOW_UP_MONTHS:
                due_on = end + timedelta(days=round(months * 30.44))
                follow_up = FollowUp(
                    uuid=seeded_uuid(),
                    ending=ending,
                    client=client,
                    months=months,
                    due_on=due_on,
                    instruments=list(DEFAULT_INSTRUMENTS),
                )
                if due_on <= today:
                    follow_up.invited_at = local_dt(due_on, 9)
                    if rng.random() < 0.7:
                        follow_up.answered_at = local_dt(min(today, due_on + timedelta(days=rng.randint(0, 6))), 20)
                        if rng.random() < 0.4:
                            follow_up.shared_at = follow_up.answered_at
                made[FollowUp].append(follow_up)
                if follow_up.answered_at:
                    answered(follow_up, follow_up.answered_at)
        elif client.care_status == "active" and (today - start).days > 180 and rng.random() < 0.05:
            started_at = local_dt(today - timedelta(days=rng.randint(3, 28)), 15)
            ending = Ending(
                uuid=seeded_uuid(),
                client=client,
                therapist_id=client.therapist_id,
                started_by_id=client.therapist_id,
                started_at=started_at,
                planned_on=today + timedelta(days=rng.randint(14, 42)),
            )
            if rng.random() < 0.5:
                words(ending)
                ending.client_updated_at = started_at + timedelta(days=2)
            made[Ending].append(ending)
    # Endings before their follow-ups, follow-ups before their answers (each takes the primary key of the
    # row it refers to once that is written), whatever the batch size.
    for model in (Ending, FollowUp, FollowUpAnswer):
        writer.save_now(made[model])


CHOICES_SHOWN = ("show_scores", "show_what_helps", "show_practices", "show_selfcare", "show_causes", "show_letter")


def sample_days(rng, start, end, *, every: float, jitter: bool = True):
    """Days between start and end, about ``every`` days apart."""
    day = start + timedelta(days=rng.randint(0, max(0, int(every))))
    while day <= end:
        yield day
        step = rng.expovariate(1 / every) if jitter else every
        day += timedelta(days=max(1, round(step)))


def write_audit(writer, rows):
    """The audit trail, in time order, on each practice's keyed chain exactly as audit_record chains it."""
    # Django is set up at run time (bench.common.setup_django), so models are imported once it is.
    from audit import keys
    from audit.models import AuditChain, AuditEvent, chain_name
    from audit.services import GENESIS

    key_id = keys.current_key_id()
    rows.sort(key=lambda row: row[0])
    heads: dict[str, tuple[int, str]] = {}
    for at, practice_id, actor_id, role, action, object_type, object_id, client_id, path in rows:
        chain = chain_name(practice_id)
        if chain not in heads:
            last = AuditChain.objects.filter(name=chain).values_list("head_seq", "head_hash").first()
            heads[chain] = last or (0, GENESIS)
        seq, previous = heads[chain]
        event = AuditEvent(
            at=at.astimezone(UTC),  # hashed as it will be read back: the database returns UTC
            practice_id=practice_id,
            actor_id=actor_id,
            actor_role=role,
            action=action,
            object_type=object_type,
            object_id=object_id,
            client_id=client_id,
            ip="127.0.0.1",
            path=path,
            detail={},
            prev_hash=previous,
            chain=chain,
            seq=seq + 1,
            key_id=key_id,
        )
        event.hash = event.compute_hash()
        heads[chain] = (seq + 1, event.hash)
        writer.add(event)
    writer.flush(AuditEvent)
    # Each chain's head row holds its newest row, as audit_record keeps it.
    for chain, (seq, digest) in heads.items():
        AuditChain.objects.update_or_create(name=chain, defaults={"head_seq": seq, "head_hash": digest})


# For the bench build only, never the app's settings (tending/env.py keeps WAL and synchronous=FULL): the
# build is one long transaction a practice that nobody else reads while it runs, so a crash mid-build means
# building again (--reset), not a lost write. No fsync; no journal at all, rather than every page written
# twice (to the WAL, then checkpointed) or the original of every index page a later practice touches held in
# memory (a rollback journal in memory grows towards the size of the earlier practices' indexes at --scale 10);
# the build never rolls back. And a 1 GB page cache, so the indexes stay in SQLite's memory rather than being
# read back through the OS for each insert.
SQLITE_BUILD_PRAGMAS = (
    "PRAGMA journal_mode=OFF",
    "PRAGMA synchronous=OFF",
    "PRAGMA cache_size=-1048576",
    "PRAGMA temp_store=MEMORY",
)


def build_sqlite(args) -> dict:
    """``build`` on SQLite with the build-only pragmas; the database is left in WAL, as the app opens it."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        for pragma in SQLITE_BUILD_PRAGMAS:
            cursor.execute(pragma)
    try:
        return build(args, migrate=False, everyone_stays=args.everyone_stays)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")
            cursor.execute("PRAGMA journal_mode=WAL")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--therapists", type=int, default=20)
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--years", type=float, default=5)
    parser.add_argument("--scale", type=int, default=1, help="how many practices of this size (1, 3, 10)")
    parser.add_argument("--seed", default="1")
    parser.add_argument("--everyone-stays", action="store_true", help="every client stays all the years")
    parser.add_argument("--database-url", help="defaults to $DATABASE_URL, then var/bench/practice.sqlite3")
    parser.add_argument("--reset", action="store_true", help="start from an empty database")
    parser.add_argument(
        "--messages-per-year", type=int, default=100, help="messages a client a year, both sides (0: none)"
    )
    args = parser.parse_args(argv)
    if args.therapists < 1 or args.clients < 1 or args.scale < 1 or args.years <= 0:
        parser.error("--therapists, --clients and --scale must be at least 1, --years above 0")

    url = database_url(args.database_url)
    if args.reset:
        fresh_database(url)
    elif is_postgres(url):
        ensure_postgres_database(url, reset=False)
    setup_django(url)
    began = time.monotonic()
    if is_postgres(url):
        made = build(args, everyone_stays=args.everyone_stays)
    else:
        made = build_sqlite(args)
    # The caseload's stored facts, as a live practice has them (the clock and every change keep them).
    from caseload.jobs import rebuild

    made["caseload.ClientFacts"] = rebuild()
    if is_postgres(url):
        # As autovacuum would have left a live database (it may be off here, as on these machines): planner
        # statistics, and the visibility map that lets index-only scans skip the table. Without the vacuum,
        # the first reads of each page also wrote it back (hint bits); measured in docs/benchmarks.md.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM (ANALYZE)")
    seconds = round(time.monotonic() - began, 1)
    width = max(len(name) for name in made)
    for name, count in made.items():
        print(f"{name:<{width}}  {count:>10,}")
    print(f"{'total rows':<{width}}  {sum(made.values()):>10,}   in {seconds} s")
    print(json.dumps({"database": url.split("@")[-1], "seconds": seconds, "rows": sum(made.values()), "made": made}))
    return made


if __name__ == "__main__":
    main()
