"""What the alert page shows beside the alert: what raised it, how to reach the client, and what has been done.

Reads only. Each source of alert has a small function here that says what raised it (the PHQ-9 answer,
or only that a private entry's words suggested risk); a source this module does not know, or one whose
answer is gone, gets a calm "no longer available" line and never an error. The view audits the clinical
objects shown (``AlertContext.shown``).
"""

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, Max, Min, Q
from django.http import Http404

from accounts.people import subject
from audit.models import AuditEvent
from onboarding.models import Intake
from practice.access import get_client_for_clinician
from practice.models import StaffMember, staff_name
from risk.models import RiskAlert
from safetyplan.access import plan_for

UNAVAILABLE = "The details behind this alert are no longer available. The alert itself still stands."
TIMELINE_LIMIT = 50


@dataclass(frozen=True)
class Fact:
    term: str
    text: str = ""
    when: datetime | None = None


@dataclass
class SourceDetails:
    """What raised an alert, ready for the page."""

    heading: str
    facts: list[Fact] = field(default_factory=list)
    message: str = ""
    link_url: str = ""
    link_text: str = ""
    shown: list = field(default_factory=list)  # objects of the client's record on the page, for the audit


@dataclass
class TimelineEntry:
    at: datetime
    text: str
    times: int = 1
    last_at: datetime | None = None
    order: int = 0  # the audit row's id: steps recorded in one transaction share their time


@dataclass
class Contact:
    phone: str = ""
    emergency_contact: str = ""

    @property
    def dial(self) -> str:
        """The number as a tel: link wants it: digits and a leading +."""
        return re.sub(r"[^\d+]", "", self.phone)


@dataclass
class AlertContext:
    details: SourceDetails
    contact: Contact
    may_read_record: bool
    has_safety_plan: bool
    procedure: str
    procedure_is_default: bool
    timeline: list[TimelineEntry]
    shown: list = field(default_factory=list)


def as_uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _label(alert: RiskAlert, fallback: str) -> str:
    """The source's label, or ``fallback`` while the source is not yet one of the model's choices."""
    label = alert.get_source_display()
    return fallback if label == alert.source else label


def unavailable(alert: RiskAlert, *, may_read_record: bool = False) -> SourceDetails:
    return SourceDetails(heading="What raised it", message=UNAVAILABLE)


def private_words(kind: str):
    """Details for words in something the client keeps private (a check-in note): never shown, only named."""

    def details(alert: RiskAlert, *, may_read_record: bool) -> SourceDetails:
        name = alert.client.display_name
        return SourceDetails(
            heading=f"The {kind}",
            message=_label(alert, f"Words in a {kind} suggested the client may be at risk")
            + f". The {kind} is private to {name}: you see that an alert was raised, not what {subject(alert.client)} wrote.",
        )

    return details


# How each source of alert is described, registered by the app that owns it in its ``AppConfig.ready()``
# (risk never imports measures, the journal or check-ins; they import risk).
SOURCES: dict[str, Callable[..., SourceDetails]] = {}


def register_alert_details(source: str, describe: Callable[..., SourceDetails]) -> None:
    """``describe(alert, *, may_read_record) -> SourceDetails`` for alerts of ``source``."""
    if source not in RiskAlert.Source.values:
        raise ValueError(f"unknown risk source {source!r}")
    SOURCES[source] = describe


def source_details(alert: RiskAlert, *, may_read_record: bool = False) -> SourceDetails:
    """What raised ``alert``. Links into the record only for someone who may read it."""
    return SOURCES.get(alert.source, unavailable)(alert, may_read_record=may_read_record)


def may_read_record(user, client) -> bool:
    """The same rule as every record page (practice.access): their therapist, or an owner with emergency access."""
    try:
        get_client_for_clinician(user, client.uuid)
    except Http404:
        return False
    return True


def contact_for(client) -> tuple[Contact, Intake | None]:
    intake = Intake.objects.filter(client=client).first()
    if intake is None:
        return Contact(), None
    return Contact(phone=intake.phone or "", emergency_contact=intake.emergency_contact or ""), intake


ESCALATION_REASONS = {
    "unacknowledged": "it was still open after a working day",
    "therapist_away": "the therapist was away with nobody covering",
    "therapist_left": "the therapist left the practice",
}


def _event_text(event: dict, name) -> str:
    action, detail = event["action"], event["detail"] or {}
    if action == AuditEvent.Action.CREATE:
        return "Alert raised"
    if action == AuditEvent.Action.NOTIFY and detail.get("routed_to"):
        return f"Sent to {name(staff=detail['routed_to'])}, covering while the therapist was away"
    if action == AuditEvent.Action.NOTIFY and detail.get("to_staff"):
        # Since the outbox, an email is queued with the alert and sent by the worker (its delivery is shown apart).
        if detail.get("email"):
            return f"Email to {name(staff=detail['to_staff'])} queued for sending"
        return f"Email sent to {name(staff=detail['to_staff'])}"
    if action == AuditEvent.Action.ESCALATE:
        reason = ESCALATION_REASONS.get(detail.get("reason", ""))
        return "Sent to the practice's owners" + (f": {reason}" if reason else "")
    if action == AuditEvent.Action.ACKNOWLEDGE:
        done = RiskAlert.Action(detail["action_taken"]).label if detail.get("action_taken") in RiskAlert.Action else ""
        return f"Acknowledged by {name(user=event['actor_id'])}" + (f": “{done}”" if done else "")
    label = AuditEvent.Action(action).label if action in AuditEvent.Action else action
    return f"{label} by {name(user=event['actor_id'])}" if event["actor_id"] else label


def alert_timeline(alert: RiskAlert, *, limit: int = TIMELINE_LIMIT) -> list[TimelineEntry]:
    """What has happened to the alert, oldest first, from the audit log (three queries).

    Reads are folded into one line per person (first read, how often, the latest), so a page opened many
    times never pushes the rest out; the other events are the newest ``limit``.
    """
    events = AuditEvent.objects.for_client(alert.client).filter(object_type="risk.riskalert", object_id=str(alert.uuid))
    steps = list(
        events.exclude(action=AuditEvent.Action.READ)
        .order_by("-id")
        .values("id", "at", "action", "actor_id", "detail")[:limit]
    )
    reads = list(
        events.filter(action=AuditEvent.Action.READ, actor_id__isnull=False)
        .values("actor_id")
        .annotate(first=Min("at"), last=Max("at"), times=Count("id"), first_id=Min("id"))
        .order_by("first")[:limit]
    )
    users = {str(e["actor_id"]) for e in steps + reads if e["actor_id"]}
    staff = {
        str((e["detail"] or {}).get(k)) for e in steps for k in ("to_staff", "routed_to") if (e["detail"] or {}).get(k)
    }
    names: dict[tuple[str, str], str] = {}
    if users or staff:
        people = StaffMember.objects.filter(practice_id=alert.client.practice_id).filter(
            Q(user__uuid__in=users) | Q(uuid__in=[s for s in staff if as_uuid(s)])
        )
        for staff_uuid, user_uuid, full_name, email in people.values_list(
            "uuid", "user__uuid", "user__name", "user__email"
        ):
            names["staff", str(staff_uuid)] = names["user", str(user_uuid)] = staff_name(full_name, email)

    def name(*, user=None, staff=None) -> str:
        key = ("user", str(user)) if user is not None else ("staff", str(staff))
        return names.get(key, "someone no longer at the practice")

    timeline = [TimelineEntry(at=e["at"], text=_event_text(e, name), order=e["id"]) for e in steps]
    timeline += [
        TimelineEntry(
            at=r["first"],
            text=f"Opened by {name(user=r['actor_id'])}",
            times=r["times"],
            last_at=r["last"],
            order=r["first_id"],
        )
        for r in reads
    ]
    return sorted(timeline, key=lambda entry: (entry.at, entry.order))


def alert_context(alert: RiskAlert, *, user) -> AlertContext:
    """Everything the alert page shows beside the alert, for ``user`` (who may see the alert)."""
    readable = may_read_record(user, alert.client)
    details = source_details(alert, may_read_record=readable)
    contact, intake = contact_for(alert.client)
    practice = alert.client.practice
    shown = list(details.shown)
    if intake is not None and (contact.phone or contact.emergency_contact):
        shown.append(intake)
    return AlertContext(
        details=details,
        contact=contact,
        may_read_record=readable,
        has_safety_plan=readable and plan_for(alert.client) is not None,
        procedure=practice.risk_procedure_or_default,
        procedure_is_default=not practice.risk_procedure.strip(),
        timeline=alert_timeline(alert),
        shown=shown,
    )
