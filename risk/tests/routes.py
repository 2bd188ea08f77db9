from measures.services import measure_response_record
from risk.models import RiskAlert
from risk.services import risk_alert_escalate, risk_alert_raise
from tending.testing.matrix import CARE_TEAM, OK, THERAPIST_OF_CLIENT, Route


def _open_alert_for_a(w):
    return risk_alert_raise(client=w.client_a, source="journal_words")


def _escalated_alert_for_a(w):
    """Client A answered PHQ-9 question 9 with "Several days" (so the page shows the answer itself)."""
    measure_response_record(client=w.client_a, instrument="phq9", answers=[1, 1, 0, 0, 0, 0, 0, 0, 1])
    alert = RiskAlert.objects.filter(client=w.client_a).latest("raised_at")
    risk_alert_escalate(alert=alert)
    return alert


ROUTES = [
    # Therapists and owners see the alerts that came to them; the administrator never sees one.
    Route("risk:list", CARE_TEAM),
    # Client A's therapist, and the owner once it has been escalated to them.
    Route(
        "risk:alert",
        THERAPIST_OF_CLIENT,
        setup=_escalated_alert_for_a,
        kwargs=lambda w, alert: {"alert_uuid": alert.uuid},
        # Cy covers for Ana, away today: the alert came to him.
        expect={"owner": OK, "cover": OK},
    ),
    # Not escalated: only client A's therapist may acknowledge it.
    Route(
        "risk:acknowledge",
        THERAPIST_OF_CLIENT,
        setup=_open_alert_for_a,
        kwargs=lambda w, alert: {"alert_uuid": alert.uuid},
        methods=("POST",),
        post_data={"action_taken": "contacted", "note": ""},
        expect={"cover": OK},
    ),
]
