"""Background work for risk alerts, run by ``manage.py db_worker``."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from practice.models import StaffMember
from risk.models import RiskAlert


def _recipients(alert: RiskAlert, kind: str) -> list[StaffMember]:
    if kind in ("raised", "handed_over"):
        return [alert.therapist]
    if kind == "covering":
        return [alert.routed_to] if alert.routed_to_id else []
    return list(StaffMember.objects.owners().in_practice(alert.client.practice).select_related("user"))


@task
def risk_alert_email(*, alert_id: int, kind: str) -> int:
    """Email that an alert needs looking at. No names of clients, no clinical detail: only a link."""
    alert = (
        RiskAlert.objects.select_related("client__practice", "therapist__user", "routed_to__user")
        .filter(pk=alert_id)
        .first()
    )
    if alert is None:
        return 0
    url = settings.SITE_URL + reverse("risk:alert", kwargs={"alert_uuid": alert.uuid})
    sent = 0
    for staff in _recipients(alert, kind):
        context = {"alert": alert, "url": url, "kind": kind, "practice": alert.client.practice, "staff": staff}
        send_mail(
            subject=f"{alert.client.practice.name}: an alert needs your attention",
            message=render_to_string("risk/email/alert.txt", context),
            from_email=None,
            recipient_list=[staff.user.email],
        )
        audit_record(
            action=AuditEvent.Action.NOTIFY,
            object_type="risk.riskalert",
            object_id=alert.uuid,
            actor=None,
            client=alert.client,
            detail={"kind": kind, "to_staff": str(staff.uuid)},
        )
        sent += 1
    return sent


@task
def risk_escalate_due() -> int:
    from risk.services import risk_escalate_due as sweep

    return sweep()
