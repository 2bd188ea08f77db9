"""Dev answered question 9 of the PHQ-9 six weeks ago; Ana acknowledged the alert the same afternoon."""

import datetime as dt

from measures.models import MeasureResponse
from risk.models import RiskAlert

ORDER = 50


def seed(demo) -> None:
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
