"""Writes to a client's formulation. Each change is audited (ids and field names only)."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from formulation import sources, symptom_shift
from formulation.models import (
    Cause,
    CauseState,
    CauseStatus,
    Insight,
    Symptom,
    SymptomStatus,
)


def _audit(action, obj, *, by, request, client, fields=()):
    audit_change(action, obj, actor=by.user, client=client, request=request, fields=fields)


@transaction.atomic
def symptom_add(
    *,
    client,
    by,
    kind: str,
    custom_name: str = "",
    status: str,
    severity: int,
    on: date,
    shared_with_client: bool = False,
    causes=(),
    request=None,
) -> Symptom:
    symptom = Symptom.objects.create(
        client=client, kind=kind, custom_name=custom_name, shared_with_client=shared_with_client, created_by=by
    )
    SymptomStatus.objects.create(symptom=symptom, status=status, severity=severity, on=on, recorded_by=by)
    for cause in causes:
        cause.symptoms.add(symptom)
    _audit(AuditEvent.Action.CREATE, symptom, by=by, request=request, client=client)
    insights_refresh(client=client)
    return symptom


@transaction.atomic
def symptom_update(*, symptom, by, changed: dict, request=None) -> Symptom:
    for name, value in changed.items():
        setattr(symptom, name, value)
    if changed:
        symptom.save(update_fields=list(changed))
        _audit(AuditEvent.Action.UPDATE, symptom, by=by, request=request, client=symptom.client, fields=changed)
    return symptom


@transaction.atomic
def symptom_record(*, symptom, by, status: str, severity: int, on: date, request=None) -> SymptomStatus:
    entry = SymptomStatus.objects.create(symptom=symptom, status=status, severity=severity, on=on, recorded_by=by)
    _audit(
        AuditEvent.Action.UPDATE,
        symptom,
        by=by,
        request=request,
        client=symptom.client,
        fields=("status", "severity"),
    )
    insights_refresh(client=symptom.client)
    return entry


@transaction.atomic
def cause_add(
    *,
    client,
    by,
    hypothesis: str,
    client_wording: str = "",
    shared_with_client: bool = False,
    status: str = CauseState.OPEN,
    on: date,
    symptoms=(),
    request=None,
) -> Cause:
    cause = Cause.objects.create(
        client=client,
        hypothesis=hypothesis,
        client_wording=client_wording,
        shared_with_client=shared_with_client,
        created_by=by,
    )
    CauseStatus.objects.create(cause=cause, status=status, on=on, recorded_by=by)
    cause.symptoms.set(symptoms)
    _audit(AuditEvent.Action.CREATE, cause, by=by, request=request, client=client)
    insights_refresh(client=client)
    return cause


@transaction.atomic
def cause_update(*, cause, by, changed: dict, request=None) -> Cause:
    links = changed.pop("symptoms", None)
    for name, value in changed.items():
        setattr(cause, name, value)
    if changed:
        cause.save(update_fields=list(changed))
    if links is not None:
        cause.symptoms.set(links)
        changed["symptoms"] = True
    if changed:
        _audit(AuditEvent.Action.UPDATE, cause, by=by, request=request, client=cause.client, fields=changed)
        if links is not None:
            insights_refresh(client=cause.client)
    return cause


@transaction.atomic
def cause_record(*, cause, by, status: str, on: date, request=None) -> CauseStatus:
    entry = CauseStatus.objects.create(cause=cause, status=status, on=on, recorded_by=by)
    _audit(AuditEvent.Action.UPDATE, cause, by=by, request=request, client=cause.client, fields=("status",))
    insights_refresh(client=cause.client)
    return entry


@transaction.atomic
def insight_dismiss(*, insight, by, note: str = "", request=None) -> Insight:
    insight.dismissed_at = timezone.now()
    insight.dismissed_by = by
    insight.dismissal_note = note
    insight.save(update_fields=["dismissed_at", "dismissed_by", "dismissal_note"])
    _audit(AuditEvent.Action.UPDATE, insight, by=by, request=request, client=insight.client, fields=("dismissed",))
    return insight


def tracks_for(client) -> tuple[list[symptom_shift.CauseTrack], list[symptom_shift.SymptomTrack], dict, dict]:
    """The client's formulation as plain histories for the rules, plus lookups back to the rows."""
    symptoms = list(Symptom.objects.for_client(client).with_history())
    causes = list(Cause.objects.for_client(client).with_history(client=client))
    symptom_tracks = [
        symptom_shift.SymptomTrack(s.id, [symptom_shift.Mark(e.on, e.status, e.severity) for e in s.entries()])
        for s in symptoms
    ]
    cause_tracks = [
        symptom_shift.CauseTrack(
            c.id, [symptom_shift.Mark(e.on, e.status) for e in c.entries()], [s.id for s in c.symptoms.all()]
        )
        for c in causes
    ]
    return cause_tracks, symptom_tracks, {c.id: c for c in causes}, {s.id: s for s in symptoms}


def insights_refresh(*, client, scores: dict | None = None) -> list[Insight]:
    """Run both rules over the client's history and keep any new finding (each finding once, ever)."""
    cause_tracks, symptom_tracks, causes, symptoms = tracks_for(client)
    found: list[Insight] = []
    for shift in symptom_shift.symptom_shifts(cause_tracks, symptom_tracks):
        found.append(
            Insight(
                client=client,
                kind=Insight.Kind.SYMPTOM_SHIFT,
                key=shift.key,
                cause=causes[shift.cause],
                eased_symptom=symptoms[shift.eased],
                appeared_symptom=symptoms[shift.appeared],
                eased_on=shift.eased_on,
                appeared_on=shift.appeared_on,
                facts={"how_eased": shift.how_eased, "how_appeared": shift.how_appeared},
            )
        )
    scores = sources.measure_scores(client) if scores is None else scores
    symptom_scores = {k: v for k, v in scores.items() if k in sources.SYMPTOM_MEASURES}
    for finding in symptom_shift.compassion_unchanged(symptom_scores, scores.get(sources.SELF_COMPASSION, [])):
        found.append(
            Insight(
                client=client,
                kind=Insight.Kind.COMPASSION_UNCHANGED,
                key=finding.key,
                eased_on=finding.last.on,
                facts={
                    "instrument": finding.instrument,
                    "first": [finding.first.on.isoformat(), finding.first.value],
                    "last": [finding.last.on.isoformat(), finding.last.value],
                    "scs_first": [finding.scs_first.on.isoformat(), finding.scs_first.value],
                    "scs_last": [finding.scs_last.on.isoformat(), finding.scs_last.value],
                },
            )
        )
    if not found:
        return []
    known = set(Insight.objects.filter(client=client).values_list("key", flat=True))
    new = [insight for insight in found if insight.key not in known]
    created = []
    for insight in new:
        # A concurrent rescan may have written the same finding; the unique constraint decides.
        try:
            with transaction.atomic():
                insight.save(force_insert=True)
        except IntegrityError:
            continue
        created.append(insight)
    return created
