"""Background work for risk alerts, run by ``manage.py db_worker``.

Alert emails are written to the outbox with the alert (risk/services.py); the
worker sends them from there. The escalation's own task, ``risk_escalate_due_task``,
lives in risk/services.py beside the code that queues it (tasks import services,
never the reverse).
"""

from django.db import transaction
from django.tasks import task

from risk.models import RiskAlert
from risk.services import _notify

# Tasks queued before issue 16 (up to a working day ahead) name the escalation sweep by this path;
# remove this alias one release later.
from risk.services import risk_escalate_due_task as risk_escalate_due  # noqa: F401


@task
def risk_alert_email(*, alert_id: int, kind: str) -> int:
    """Kept for tasks enqueued before the outbox existed (an upgrade with work waiting): the emails go
    to the outbox now. New alerts never enqueue this."""
    alert = RiskAlert.objects.select_related("client__practice", "therapist", "routed_to").filter(pk=alert_id).first()
    if alert is None:
        return 0
    with transaction.atomic():
        return _notify(alert, kind)
