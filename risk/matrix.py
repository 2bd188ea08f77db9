from tending.testing.matrix import OK, STAFF, THERAPIST_OF_CLIENT, Route


def _open_alert_for_a(w):
    from risk.services import risk_alert_raise

    return risk_alert_raise(client=w.client_a, source="journal_words")


def _escalated_alert_for_a(w):
    from risk.services import risk_alert_escalate, risk_alert_raise

    alert = risk_alert_raise(client=w.client_a, source="phq9_item9")
    risk_alert_escalate(alert=alert)
    return alert


ROUTES = [
    Route("risk:list", STAFF),
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
