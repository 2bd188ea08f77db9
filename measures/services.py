"""Writes for questionnaires: sending them, recording answers, opening the next one on a rhythm."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from measures.instruments import INSTRUMENTS
from measures.models import MeasureRequest, MeasureResponse, MeasureSchedule
from measures.scoring import ScoringError, score
from measures.selectors import last_session_starts, next_session_starts
from measures.signals import response_completed
from outbox.services import email_queue
from practice.care_status import CareHasEnded
from practice.models import Client, StaffMember
from risk.services import risk_alert_raise

RHYTHM_DAYS = {MeasureSchedule.Rhythm.FORTNIGHTLY: 14, MeasureSchedule.Rhythm.FOUR_WEEKLY: 28}
# "Before each session": the questionnaire opens this long before the appointment.
BEFORE_SESSION_WINDOW = timedelta(days=3)


def measure_request_open(*, client: Client, instrument: str, schedule=None, requested_by=None) -> MeasureRequest:
    """The client's open request for ``instrument``, creating it if there is none (never two at once)."""
    existing = MeasureRequest.objects.pending().filter(client=client, instrument=instrument).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return MeasureRequest.objects.create(
                client=client, instrument=instrument, schedule=schedule, requested_by=requested_by
            )
    except IntegrityError:
        # Another request opened it a moment ago; the partial unique constraint kept them to one.
        return MeasureRequest.objects.pending().get(client=client, instrument=instrument)


class CareEnded(CareHasEnded):
    """Our work together with this client has ended: no questionnaire is sent after the ending (issue 21)."""


def measure_send(*, client: Client, instrument: str, rhythm: str, sent_by: StaffMember, request=None):
    """Send a questionnaire now, and on a rhythm unless ``rhythm`` is "once". Returns (schedule, request).

    Raises ``CareEnded`` (nothing is stored or sent) for a client whose care has ended."""
    if instrument not in INSTRUMENTS:
        raise ValueError(f"unknown instrument {instrument!r}")
    if client.care_has_ended:
        raise CareEnded(
            f"Our work together with {client.display_name} has ended, so questionnaires are no longer sent."
        )
    with transaction.atomic():
        schedule = None
        if rhythm != MeasureSchedule.Rhythm.ONCE:
            # One rhythm per questionnaire: a new one replaces the old.
            MeasureSchedule.objects.active().filter(client=client, instrument=instrument).update(active=False)
            schedule = MeasureSchedule.objects.create(
                client=client, instrument=instrument, rhythm=rhythm, created_by=sent_by
            )
        opened = None
        if rhythm != MeasureSchedule.Rhythm.BEFORE_SESSION:
            opened = measure_request_open(client=client, instrument=instrument, schedule=schedule, requested_by=sent_by)
        else:
            measure_requests_open_due(client=client)
        # Named a request even when only a before-session schedule starts, as the log always has.
        audit_change(
            AuditEvent.Action.CREATE,
            opened or schedule,
            object_type="measures.measurerequest",
            client=client,
            request=request,
            detail={"instrument": instrument, "rhythm": rhythm},
        )
        if opened is not None:
            _email_client(client)
    return schedule, opened


def measure_schedule_stop(*, schedule: MeasureSchedule, request=None) -> None:
    with transaction.atomic():
        MeasureSchedule.objects.filter(pk=schedule.pk).update(active=False)
        MeasureRequest.objects.pending().filter(schedule=schedule).update(withdrawn_at=timezone.now())
        audit_change(
            AuditEvent.Action.UPDATE, schedule, client=schedule.client, request=request, detail={"active": False}
        )


def measures_stop_for_ended_care(*, client: Client) -> tuple[int, int]:
    """When care ends: every active rhythm stops and every waiting questionnaire is withdrawn, in the
    transaction that ends care (measures.receivers). Returns (schedules stopped, requests withdrawn)."""
    now = timezone.now()
    with transaction.atomic():
        schedules = list(MeasureSchedule.objects.active().filter(client=client))
        waiting = list(MeasureRequest.objects.pending().for_client(client))
        MeasureSchedule.objects.filter(pk__in=[s.pk for s in schedules]).update(active=False)
        MeasureRequest.objects.filter(pk__in=[r.pk for r in waiting]).update(withdrawn_at=now)
        for schedule in schedules:
            audit_change(
                AuditEvent.Action.UPDATE,
                schedule,
                client=client,
                actor=None,
                detail={"active": False, "reason": "care_ended"},
            )
        for waiting_request in waiting:
            audit_change(
                AuditEvent.Action.UPDATE,
                waiting_request,
                client=client,
                actor=None,
                detail={"withdrawn": True, "reason": "care_ended"},
            )
    return len(schedules), len(waiting)


def _email_client(client: Client) -> None:
    """A gentle note that a questionnaire is waiting, written to the outbox with the request.
    It names no questionnaire and no scores."""
    context = {"client": client, "url": settings.SITE_URL + reverse("measures:list")}
    message = EmailMessage(
        subject=f"{client.practice.name}: a short questionnaire, whenever suits you",
        body=render_to_string("measures/email/request.txt", context),
        to=[client.user.email],
    )
    email_queue(message, kind="Questionnaire waiting", practice=client.practice)


def measure_response_record(
    *,
    client: Client,
    instrument: str,
    answers: list,
    difficulty: str = "",
    measure_request: MeasureRequest | None = None,
    request=None,
    completed_at=None,
) -> MeasureResponse:
    """Store a complete form with its instrument version and derived scores.

    Raises ``ScoringError`` for an incomplete or malformed form (nothing is stored).
    PHQ-9 item 9 above "Not at all" raises a risk alert in the same transaction.
    """
    result = score(instrument, answers)  # validates; raises ScoringError
    definition = INSTRUMENTS[instrument]
    if difficulty and not definition.difficulty_item:
        raise ScoringError(f"{instrument} has no difficulty question")
    if measure_request is not None and (
        measure_request.client_id != client.pk or measure_request.instrument != instrument
    ):
        raise ScoringError("this questionnaire belongs to someone else")
    with transaction.atomic():
        response = MeasureResponse.objects.create(
            client=client,
            instrument=instrument,
            instrument_version=definition.version,
            answers=list(answers),
            difficulty=difficulty,
            completed_at=completed_at or timezone.now(),
            request=measure_request,
            total=result["total"],
            band=result["band"],
            risk_flag=bool(result.get("item9_risk_flag")),
        )
        if measure_request is not None:
            MeasureRequest.objects.filter(pk=measure_request.pk).update(completed_at=response.completed_at)
            if measure_request.schedule_id:
                _schedule_next(measure_request.schedule, after=response.completed_at)
        audit_change(
            AuditEvent.Action.CREATE,
            response,
            client=client,
            request=request,
            detail={"instrument": instrument, "version": definition.version},
        )
        if response.risk_flag:
            risk_alert_raise(client=client, source="phq9_item9", source_id=str(response.uuid), request=request)
        response_completed.send(sender=MeasureResponse, client_id=client.pk, response=response)
    return response


def _schedule_next(schedule: MeasureSchedule, *, after) -> None:
    days = RHYTHM_DAYS.get(schedule.rhythm)
    if days is None or not default_task_backend.supports_defer:
        return
    run_after = after + timedelta(days=days)
    transaction.on_commit(lambda: measures_open_due.using(run_after=run_after).enqueue())


@task
def measures_open_due() -> int:
    """``measure_requests_open_due`` on the worker, queued for when a rhythm next comes round.

    A task that a service queues lives beside it, not in measures/tasks.py: tasks import services,
    never the reverse."""
    return measure_requests_open_due()


def _last_completed(schedule: MeasureSchedule):
    return (
        MeasureResponse.objects.filter(client_id=schedule.client_id, instrument=schedule.instrument)
        .order_by("-completed_at")
        .values_list("completed_at", flat=True)
        .first()
    )


def measure_requests_open_due(*, now=None, client: Client | None = None) -> int:
    """Open the next questionnaire for every active rhythm that has come round. Returns how many opened.

    Idempotent: a questionnaire already waiting is never opened twice. Run by the
    worker (scheduled after each completed form) and by the clock's ``measures_due`` job.
    """
    now = now or timezone.now()
    # A client whose care has ended is never sent one (issue 21); a paused client's rhythms carry on.
    schedules = (
        MeasureSchedule.objects.active().exclude(client__care_status=Client.CareStatus.ENDED).select_related("client")
    )
    if client is not None:
        schedules = schedules.filter(client=client)
    schedules = list(schedules)
    client_ids = {s.client_id for s in schedules}
    pending = set(
        MeasureRequest.objects.pending().filter(client_id__in=client_ids).values_list("client_id", "instrument")
    )
    last_sessions = last_session_starts(client_ids, now=now)
    next_sessions = next_session_starts(client_ids, now=now)
    opened = 0
    for schedule in schedules:
        if (schedule.client_id, schedule.instrument) in pending:
            continue
        last = _last_completed(schedule)
        due = False
        if schedule.rhythm in RHYTHM_DAYS:
            due = last is None or last + timedelta(days=RHYTHM_DAYS[schedule.rhythm]) <= now
        elif schedule.rhythm == MeasureSchedule.Rhythm.BEFORE_SESSION:
            upcoming = next_sessions.get(schedule.client_id)
            previous = last_sessions.get(schedule.client_id)
            due = (
                upcoming is not None
                and upcoming - now <= BEFORE_SESSION_WINDOW
                and (last is None or (previous is not None and last < previous))
            )
        if due:
            measure_request_open(client=schedule.client, instrument=schedule.instrument, schedule=schedule)
            _email_client(schedule.client)
            opened += 1
    return opened
