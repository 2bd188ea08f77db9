"""What care changes show on the client's space and the therapist's home."""

from datetime import date, datetime, time, timedelta

from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from care.models import Handover
from core.compiled import CompiledRead
from core.panels import reading
from notes.models import SessionNote
from practice.away import first_away_asked
from practice.models import AwayPeriod, Client

ORDER = 3  # near the top: who is there for them comes before what to do
SOON = timedelta(days=14)  # time away this close is worth saying before it starts
NEW_THERAPIST_DAYS = 30  # how long the client's space says who their therapist is now


# Read on every view of the client's home: built by the ORM once (core/compiled.py), run with the client's day.
_NEW_THERAPIST = CompiledRead(
    Handover,
    lambda shape, *, client, since: Handover.objects.filter(client=client, at__gte=since)
    .select_related("from_therapist__user")
    .order_by("-at")[:1],
    {"client": int, "since": datetime},
)


def _client_care_reads(request, client) -> tuple:
    """The client's day, and the reads of the client's panel: their therapist's time away, a recent handover."""
    zone = client.practice.zone  # the signed-in client comes with their practice
    today = timezone.localdate(timezone=zone)
    # From the start of the practice's day, NEW_THERAPIST_DAYS ago.
    since = datetime.combine(today - timedelta(days=NEW_THERAPIST_DAYS), time.min, tzinfo=zone)
    away = first_away_asked(client.therapist_id, today, until=today + SOON)
    return today, away, _NEW_THERAPIST.asked(client=client.pk, since=since)


@reading(lambda request, client: _client_care_reads(request, client)[1:])
def client_care_panel(request, client) -> str:
    """The client's therapist away (now, or soon), or new to them after a handover."""
    therapist = client.therapist
    today, away, new_therapist = _client_care_reads(request, client)
    period, handover = away.first(), new_therapist.first()
    if period is None and handover is None:
        return ""
    return render_to_string(
        "care/panel_client.html",
        {
            "client": client,
            "therapist": therapist,
            "period": period,
            "away_now": period is not None and period.starts_on <= today,
            "cover": period.cover if period and period.cover_id and period.cover.is_active else None,
            "handover": handover,
            "practice": client.practice,
        },
        request=request,
    )


# On every therapist's home: built by the ORM once (core/compiled.py).
_KEPT_NOTES = CompiledRead(
    Client,
    lambda shape, *, staff, practice: Client.objects.filter(
        practice=practice, pk__in=Handover.objects.filter(from_therapist=staff).values("client_id")
    )
    .exclude(therapist=staff)
    .filter(Exists(SessionNote.objects.held_by(staff).filter(client=OuterRef("pk"))))
    .not_erased()
    .select_related("user")
    .order_by("user__name")[:50],
    {"staff": int, "practice": int},
)


@reading(lambda request, staff: [_KEPT_NOTES.asked(staff=staff.pk, practice=staff.practice_id)])
def kept_notes_panel(request, staff) -> str:
    """Former clients whose notes this therapist kept when their care moved to a colleague.

    Only a handover leaves a therapist holding notes of someone else's client (``notes_hand_over``), so the
    read starts from the handovers from this therapist, a handful, rather than from their thousands of notes
    or from every other client of the practice (3.6 → 0.2 ms on PostgreSQL with the full bench practice).
    """
    clients = _KEPT_NOTES.objects(staff=staff.pk, practice=staff.practice_id)
    if not clients:
        return ""
    return render_to_string("care/panel_therapist_kept_notes.html", {"clients": clients}, request=request)


# On every therapist's home: built by the ORM once (core/compiled.py).
_AWAY_OR_COVERING = CompiledRead(
    AwayPeriod,
    lambda shape, *, staff, today, until: AwayPeriod.objects.filter(Q(staff=staff) | Q(cover=staff))
    .current_or_coming(today, until=until)
    .select_related("staff__user", "cover__user"),
    {"staff": int, "today": date, "until": date},
)


def _away_asked(staff, today):
    return _AWAY_OR_COVERING.asked(staff=staff.pk, today=today, until=today + SOON)


@reading(lambda request, staff: [_away_asked(staff, staff.today())])
def staff_care_panel(request, staff) -> str:
    """The therapist's own time away, and colleagues they are covering for today (one query)."""
    today = staff.today()
    periods = _away_asked(staff, today).objects()
    own = next((p for p in periods if p.staff_id == staff.id), None)
    covering = [p for p in periods if p.cover_id == staff.id and p.starts_on <= today]
    if own is None and not covering:
        return ""
    return render_to_string(
        "care/panel_staff.html",
        {"own": own, "away_now": own is not None and own.starts_on <= today, "covering": covering},
        request=request,
    )


_HANDOVERS = CompiledRead(
    Handover,
    lambda shape, *, client: Handover.objects.filter(client=client)
    .select_related("from_therapist__user", "to_therapist__user")
    .defer("reason")[:10],  # the sealed reason is not shown here
    {"client": int},
)


@reading(lambda request, client: [_HANDOVERS.asked(client=client.pk)])
def record_care_panel(request, client) -> str:
    """On the client's record: whose care they were in before, and whether the notes came too."""
    handovers = _HANDOVERS.objects(client=client.pk)
    if not handovers:
        return ""
    return render_to_string("care/panel_record.html", {"handovers": handovers}, request=request)


CLIENT_HOME = [client_care_panel]
THERAPIST_HOME = [staff_care_panel, kept_notes_panel]
CLIENT_RECORD = [record_care_panel]
