"""Background work for risk alerts, run by ``manage.py db_worker``.

Alert emails are written to the outbox with the alert (risk/services.py); the
worker sends them from there. These tasks are the escalation's own schedule.
"""

from django.tasks import task


@task
def risk_escalate_due() -> int:
    from risk.services import risk_escalate_due as sweep

    return sweep()


@task
def risk_alert_email(*, alert_id: int, kind: str) -> int:
    """Kept for tasks enqueued before the outbox existed (an upgrade with work waiting): the emails go
    to the outbox now. New alerts never enqueue this."""
    from django.db import transaction

    from risk.models import RiskAlert
    from risk.services import _notify

    alert = RiskAlert.objects.select_related("client__practice", "therapist", "routed_to").filter(pk=alert_id).first()
    if alert is None:
        return 0
    with transaction.atomic():
        return _notify(alert, kind)
