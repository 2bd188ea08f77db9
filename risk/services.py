"""Risk alerts (instruments.md §2.1; issue 4).

An alert is raised at once, cannot be dismissed without recording what the
clinician did, and goes to the practice owner when it is still open after a
configurable stretch of working time (``TENDING_RISK_ESCALATE_HOURS``, default
24, weekend hours not counted: one working day). While the therapist is away
(an away period's dates, practice.models.AwayPeriod) an alert goes at once to
the colleague covering for them, or to the owners when nobody is named.
Emails say only that there is something to look at; every step is written to
the audit log.
"""

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.tasks import default_task_backend, task
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from outbox.services import email_queue
from practice.models import AwayPeriod, Client, StaffMember
from risk.models import RiskAlert

SOURCES = {choice.value for choice in RiskAlert.Source}
# How each alert email is named in the owner's list of emails (never a client's name).
EMAIL_KINDS = {
    "raised": "Alert to the therapist",
    "covering": "Alert to the covering therapist",
    "handed_over": "Alert to the new therapist",
    "escalated": "Alert escalated",
}


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


def escalation_staff(practice) -> list[StaffMember]:
    """Who an escalated alert goes to: the practice's active owners, or every active therapist if it has none."""
    people = StaffMember.objects.in_practice(practice).select_related("user")
    return list(people.owners()) or list(people.therapists())


def _recipients(alert: RiskAlert, kind: str) -> list[StaffMember]:
    if kind in ("raised", "handed_over"):
        return [alert.therapist]
    if kind == "covering":
        return [alert.routed_to] if alert.routed_to_id else []
    return escalation_staff(alert.client.practice)


def _notify(alert: RiskAlert, kind: str) -> int:
    """Write the alert's emails to the outbox in the caller's transaction (so they go if, and only if, the
    change that caused them is kept). No names of clients, no clinical detail: only a link."""
    practice = alert.client.practice
    url = settings.SITE_URL + reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})
    recipients = _recipients(alert, kind)
    for staff in recipients:
        context = {"alert": alert, "url": url, "kind": kind, "practice": practice, "staff": staff}
        message = EmailMessage(
            subject=f"{practice.name}: an alert needs your attention",
            body=render_to_string("risk/email/alert.txt", context),
            to=[staff.user.email],
        )
        email = email_queue(message, kind=EMAIL_KINDS[kind], practice=practice, about=("risk.riskalert", alert.uuid))
        audit_record(
            action=AuditEvent.Action.NOTIFY,
            object_type="risk.riskalert",
            object_id=alert.uuid,
            client=alert.client,
            detail={"kind": kind, "to_staff": str(staff.uuid), "email": str(email.uuid)},
        )
    return len(recipients)


def _schedule_escalation(alert: RiskAlert) -> None:
    """Ask the worker to look at the alert when it falls due. A sweep (the clock's ``risk_escalate``
    job, and every run of this task) catches any alert whose scheduled job was lost."""
    if not default_task_backend.supports_defer:
        return
    run_after = alert.escalate_after
    transaction.on_commit(lambda: risk_escalate_due_task.using(run_after=run_after).enqueue())


def risk_alert_raise(*, client: Client, source: str, source_id: str = "", request=None) -> RiskAlert | None:
    """Raise an alert for ``client``'s therapist; escalate at once if they are away.

    None, and nothing written, once the client's care has ended: no alert goes to anyone after the ending
    (issue 21). The client's own page still shows the crisis contacts at once (each domain's support note).
    """
    if source not in SOURCES:
        raise RiskAlertError(f"unknown risk source {source!r}")
    if client.care_has_ended:
        return None
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
        audit_change(
            AuditEvent.Action.CREATE,
            alert,
            client=client,
            request=request,
            detail={"source": source, "source_id": alert.source_id},
        )
        period = therapist.away_period()
        if period is None:
            _notify(alert, "raised")
            _schedule_escalation(alert)
        else:
            _route_while_away(alert, period)
    return alert


def _route_while_away(alert: RiskAlert, period) -> None:
    """Send an alert for an away therapist's client to their cover, or to the owners at once."""
    cover = period.cover
    if cover is None or not cover.is_active or not cover.is_therapist or cover.is_away:
        risk_alert_escalate(alert=alert, reason="therapist_away")
        return
    now = timezone.now()
    if not RiskAlert.objects.filter(pk=alert.pk, routed_to__isnull=True).update(routed_to=cover, routed_at=now):
        return
    alert.routed_to, alert.routed_at = cover, now
    audit_record(
        action=AuditEvent.Action.NOTIFY,
        object_type="risk.riskalert",
        object_id=alert.uuid,
        client=alert.client,
        detail={"routed_to": str(cover.uuid), "reason": "therapist_away"},
    )
    _notify(alert, "covering")
    _schedule_escalation(alert)


def risk_route_while_away(*, therapist=None) -> int:
    """Send each open alert whose therapist is away today (and that nobody has been sent yet) to their
    cover or the owners. Run by the sweep, and at once when an away period that has begun is saved,
    so an alert raised the day before a holiday does not wait for its therapist's return."""
    waiting = RiskAlert.objects.open().filter(routed_to__isnull=True, escalated_at__isnull=True)
    if therapist is not None:
        waiting = waiting.filter(therapist=therapist)
    else:
        # Only therapists with time away around today (a day either side covers every practice's
        # zone); each is then checked against their own practice's date.
        today = timezone.now().date()
        around = AwayPeriod.objects.overlapping(today - timedelta(days=1), today + timedelta(days=1))
        waiting = waiting.filter(therapist__in=around.values("staff_id"))
    count = 0
    for alert in waiting.select_related("therapist__practice", "client__practice"):
        period = alert.therapist.away_period()
        if period is not None:
            with transaction.atomic():
                _route_while_away(alert, period)
            count += 1
    return count


def risk_alerts_hand_over(*, client: Client, to_therapist) -> int:
    """A client's open alerts move to the therapist taking them over (care/services.py).

    Their history stays readable to whoever has the client in their care (RiskAlertQuerySet.for_staff).
    An open alert that was with a cover colleague goes to the new therapist, or to their cover or the
    owners if the new therapist is away today.
    """
    moving = list(RiskAlert.objects.open().filter(client=client).exclude(therapist=to_therapist))
    RiskAlert.objects.filter(pk__in=[a.pk for a in moving]).update(
        therapist=to_therapist, routed_to=None, routed_at=None
    )
    period = to_therapist.away_period()
    for alert in moving:
        alert.therapist, alert.routed_to, alert.routed_at = to_therapist, None, None
        if alert.escalated_at is not None:
            continue
        if period is None:
            _notify(alert, "handed_over")
        else:
            _route_while_away(alert, period)
    return len(moving)


def risk_alerts_to_owners(*, therapist, reason: str) -> int:
    """Escalate every open alert still with ``therapist`` (a therapist leaving the practice)."""
    count = 0
    for alert in RiskAlert.objects.open().filter(therapist=therapist).select_related("client"):
        count += risk_alert_escalate(alert=alert, reason=reason)
    return count


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
    """Escalate every open alert whose time has come. Returns how many were escalated.

    First, any open alert of a therapist who is away today goes to their cover (or the owners)."""
    risk_route_while_away()
    count = 0
    for alert in RiskAlert.objects.due_for_escalation(now).select_related("client__practice"):
        count += risk_alert_escalate(alert=alert)
    return count


@task
def risk_escalate_due_task() -> int:
    """``risk_escalate_due`` on the worker, queued for the moment an alert falls due.

    It lives here rather than in risk/tasks.py because the sweep queues it again (an alert sent to
    a cover colleague gets its own time): tasks import services, never the reverse."""
    return risk_escalate_due()


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
        audit_change(
            AuditEvent.Action.ACKNOWLEDGE,
            alert,
            actor=user,
            client=alert.client,
            request=request,
            detail={"action_taken": action_taken, "escalated": alert.escalated_at is not None},
        )
    return alert
