from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from dataprivacy.services import erasure_request
from tending.testing.matrix import CLIENT, OWNER, OWNER_OF_CLIENT, Route


def _erasure_for_a(w):
    return erasure_request(client=w.client_a)


def _ana_reads_a(w):
    """A line on client A's "Who has opened my record" (Ana read her record today); returns its key."""
    event = audit_record(
        action=AuditEvent.Action.READ, object_type="practice.client", actor=w.therapist.user, client=w.client_a
    )
    return f"reads:{w.therapist.user.uuid}:{timezone.localdate(event.at, timezone=w.practice.zone).isoformat()}"


ROUTES = [
    Route("dataprivacy:mine", CLIENT),
    Route("dataprivacy:openings", CLIENT),
    Route(
        "dataprivacy:owner_openings",
        OWNER_OF_CLIENT,
        setup=_ana_reads_a,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data=lambda w, key: {"op": "hold", "key": key, "reason": "Showing this could cause serious harm"},
    ),
    # An export reads: its one write is the audit row that says it happened.
    Route("dataprivacy:export", CLIENT, methods=("POST",), post_writes=("audit_auditevent",)),
    Route("dataprivacy:erase_request", CLIENT, methods=("POST",), post_data={"understood": "on"}),
    Route("dataprivacy:erase_cancel", CLIENT, methods=("POST",)),
    Route("dataprivacy:requests", OWNER, methods=("GET", "POST"), post_data={"retention_years": "25"}),
    Route(
        "dataprivacy:complete",
        OWNER_OF_CLIENT,
        setup=_erasure_for_a,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data={"confirm": "ERASE"},
    ),
]
