"""Six months of questionnaires: Cara improving, Dev with a PHQ-9 question-9 answer and the alert it raised,
which Ana acknowledged the same afternoon, Eli mixed (mood lifting while worry rises). Bulk-created, with
scores derived by scoring.py: the services would stamp each answer today."""

import datetime as dt

from django.utils import timezone

from measures.instruments import INSTRUMENTS, SCS_SF
from measures.models import MeasureResponse, MeasureSchedule
from measures.scoring import SCS_SF_REVERSED, score
from measures.services import measure_request_open
from risk.models import RiskAlert

ORDER = 45
WEEKS = 26

# (first, last) targets per client: totals (PHQ-9 without item 9, GAD-7, PHQ-15, WHO-5 raw) and SCS-SF mean.
TARGETS = {
    "cara": {"phq9": (16, 5), "gad7": (14, 4), "phq15": (12, 6), "who5": (7, 16), "scs_sf": (2.2, 3.4)},
    "dev": {"phq9": (12, 11), "gad7": (9, 9), "phq15": (8, 9), "who5": (10, 10), "scs_sf": (2.6, 2.7)},
    "eli": {"phq9": (14, 7), "gad7": (5, 10), "phq15": (6, 8), "who5": (9, 13), "scs_sf": (2.9, 3.0)},
}


def spread(total: int, n: int, top: int) -> list[int]:
    """``n`` answers from 0 to ``top`` adding up to ``total`` (as even as possible)."""
    total = max(0, min(total, n * top))
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def answers_for(instrument: str, target: float, wobble: int) -> list:
    if instrument == "phq9":
        return spread(int(target) + wobble, 8, 3) + [0]
    if instrument == "gad7":
        return spread(int(target) + wobble, 7, 3)
    if instrument == "phq15":
        vector = spread(int(target) + wobble, 14, 2)
        return vector[:3] + [None] + vector[3:]  # item 4 "not applicable"
    if instrument == "who5":
        return spread(int(target) - wobble, 5, 5)
    scored_sum = round(target * 12) - wobble
    scored = [1 + s for s in spread(scored_sum - 12, 12, 4)]
    return [6 - v if n in SCS_SF_REVERSED else v for n, v in enumerate(scored, 1)]


def _response(client, instrument, vector, at):
    result = score(instrument, vector)
    return MeasureResponse(
        client=client,
        instrument=instrument,
        instrument_version=INSTRUMENTS[instrument].version,
        answers=vector,
        completed_at=at,
        total=result["total"],
        band=result["band"],
        risk_flag=bool(result.get("item9_risk_flag")),
    )


def seed(demo) -> None:
    now = timezone.now()
    for name, targets in TARGETS.items():
        client = getattr(demo, name)
        if MeasureResponse.objects.filter(client=client).exists():
            continue
        rows = []
        for fortnight in range(WEEKS // 2 + 1):
            at = now - dt.timedelta(weeks=WEEKS - 2 * fortnight, hours=3)
            progress = fortnight / (WEEKS // 2)
            wobble = (-1, 0, 1, 0)[fortnight % 4] if 0 < fortnight < WEEKS // 2 else 0
            for instrument, (first, last) in targets.items():
                if instrument in ("phq15", "scs_sf") and fortnight % 2:
                    continue  # monthly
                target = first + (last - first) * progress
                vector = answers_for(instrument, target, wobble if instrument != SCS_SF.id else 0)
                if name == "dev" and instrument == "phq9" and fortnight == 10:
                    vector[8] = 1  # "Several days" on question 9, six weeks ago
                rows.append(_response(client, instrument, vector, at))
        MeasureResponse.objects.bulk_create(rows)
        for instrument in ("phq9", "gad7"):
            MeasureSchedule.objects.get_or_create(
                client=client,
                instrument=instrument,
                active=True,
                defaults={"rhythm": MeasureSchedule.Rhythm.FORTNIGHTLY, "created_by": client.therapist},
            )
    _acknowledged_alert(demo)
    # Something waiting for Cara to try.
    measure_request_open(client=demo.cara, instrument="who5", requested_by=demo.ana)


def _acknowledged_alert(demo) -> None:
    """The alert Dev's question-9 answer raised six weeks ago, acknowledged by Ana that afternoon."""
    flagged = MeasureResponse.objects.filter(client=demo.dev, risk_flag=True).order_by("completed_at").first()
    if flagged is None or RiskAlert.objects.filter(client=demo.dev, source_id=str(flagged.uuid)).exists():
        return
    raised = flagged.completed_at
    # Written directly: the demo's past must not send today's emails or schedule escalations.
    RiskAlert.objects.create(
        client=demo.dev,
        therapist=demo.ana,
        source=RiskAlert.Source.PHQ9_ITEM9,
        source_id=str(flagged.uuid),
        raised_at=raised,
        escalate_after=raised + dt.timedelta(days=1),
        acknowledged_at=raised + dt.timedelta(hours=3),
        acknowledged_by=demo.ana.user,
        action_taken=RiskAlert.Action.ASSESSED,
        note="Called Dev the same afternoon. Passive thoughts during a hard week, no plan or intent. "
        "Reviewed his safety plan together; he agreed to call Samaritans if it worsens. Follow up in session.",
    )
