"""Risk alerts (instruments.md §2.1; issue 4).

An alert is raised at once, cannot be dismissed without recording what the
clinician did, and goes to the practice owner when it is still open after a
configurable stretch of working time (``TENDING_RISK_ESCALATE_HOURS``, default
24, weekend hours not counted: one working day), or at once when the
therapist is marked away. Emails say only that there is something to look at;
every step is written to the audit log.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import default_task_backend
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from practice.models import Client
from risk.models import RiskAlert

SOURCES = {choice.value for choice in RiskAlert.Source}


class RiskAlertError(ValueError):
    pass


def escalation_hours() -> int:
    return int(getattr(settings, "TENDING_RISK_ESCALATE_HOURS", 24))


def add_working_hours(start: datetime, hours: float, zone) -> datetime:
    """``start`` plus ``hours`` of working time, where Saturdays and Sundays (in ``zone``) do not count.

    Friday 16:00 + 24 h is Monday 16:00; Saturday 10:00 + 24 h is Tuesday 00:00
    (the weekend is skipped, then a full working day).
    """
    local = start.astimezone(zone)
    remaining = timedelta(hours=hours)
    while remaining > timedelta(0):
        if local.weekday() >= 5:  # skip to the start of Monday
            days = 7 - local.weekday()
            local = (local + timedelta(days=days)).replace(hour=0, minute=0, second=0, microsecond=0)
            continue
        midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
        step = min(remaining, midnight - local)
        local += step
        remaining -= step
    return local.astimezone(start.tzinfo)


def _notify(alert: RiskAlert, kind: str) -> None:
    from risk.tasks import risk_alert_email

    alert_id = alert.pk
    transaction.on_commit(lambda: risk_alert_email.enqueue(alert_id=alert_id, kind=kind))


def _schedule_escalation(alert: RiskAlert) -> None:
    """Ask the worker to look at the alert when it falls due. A sweep (``manage.py risk_escalate``,
    and every run of this task) catches any alert whose scheduled job was lost."""
    from risk.tasks import risk_escalate_due

    if not default_task_backend.supports_defer:
        return
    run_after = alert.escalate_after
    transaction.on_commit(lambda: risk_escalate_due.using(run_after=run_after).enqueue())


def risk_alert_raise(*, client: Client, source: str, source_id: str = "", request=None) -> RiskAlert:
    """Raise an alert for ``client``'s therapist; escalate at once if they are away."""
    if source not in SOURCES:
        raise RiskAlertError(f"unknown risk source {source!r}")
    now = timezone.now()
    with transaction.atomic():
        therapist = client.therapist
        alert = RiskAlert.objects.create(
            client=client,
            therapist=therapist,
            source=source,
            source_id=str(source_id)[:64],
            raised_at=now,
            escalate_after=add_working_hours(now, escalation_hours(), client.practice.zone),
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="risk.riskalert",
            object_id=alert.uuid,
            request=request,
            client=client,
            detail={"source": source, "source_id": alert.source_id},
        )
        _notify(alert, "raised")
        if therapist.is_away:
            risk_alert_escalate(alert=alert, reason="therapist_away")
        else:
            _schedule_escalation(alert)
    return alert


def risk_alert_escalate(*, alert: RiskAlert, reason: str = "unacknowledged") -> bool:
    """Send an open alert to the practice's owners. Returns False when there was nothing to do.

    The conditional update makes this safe to run twice at once (worker and sweep):
    only one of them escalates and emails.
    """
    now = timezone.now()
    with transaction.atomic():
        updated = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True, escalated_at__isnull=True).update(
            escalated_at=now
        )
        if not updated:
            return False
        alert.escalated_at = now
        audit_record(
            action=AuditEvent.Action.ESCALATE,
            object_type="risk.riskalert",
            object_id=alert.uuid,
            client=alert.client,
            detail={"reason": reason},
        )
        _notify(alert, "escalated")
    return True


def risk_escalate_due(now=None) -> int:
    """Escalate every open alert whose time has come. Returns how many were escalated."""
    count = 0
    for alert in RiskAlert.objects.due_for_escalation(now).select_related("client__practice"):
        count += risk_alert_escalate(alert=alert)
    return count


def risk_alert_acknowledge(*, alert: RiskAlert, user, action_taken: str, note: str = "", request=None) -> RiskAlert:
    """Close an alert, recording what the clinician did. Acknowledging twice is refused."""
    if action_taken not in RiskAlert.Action.values:
        raise RiskAlertError("Please choose what you did.")
    if action_taken == RiskAlert.Action.OTHER and not note.strip():
        raise RiskAlertError("Please say briefly what you did.")
    now = timezone.now()
    with transaction.atomic():
        updated = RiskAlert.objects.filter(pk=alert.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=now, acknowledged_by=user, action_taken=action_taken
        )
        if not updated:
            raise RiskAlertError("Someone has already acknowledged this alert.")
        alert.acknowledged_at, alert.acknowledged_by, alert.action_taken = now, user, action_taken
        if note.strip():
            alert.note = note.strip()
            alert.save(update_fields=["note"])
        audit_record(
            action=AuditEvent.Action.ACKNOWLEDGE,
            object_type="risk.riskalert",
            object_id=alert.uuid,
            request=request,
            actor=user,
            client=alert.client,
            detail={"action_taken": action_taken, "escalated": alert.escalated_at is not None},
        )
    return alert
