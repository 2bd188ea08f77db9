"""Audit rows in plain words: "Ana (therapist) read Cara's session note", not model names and ids."""

from audit.models import AuditEvent
from audit.reads import objects_read

A = AuditEvent.Action

# What was read or changed, by object_type. Anything not listed falls back to its model name in words.
THINGS = {
    "accounts.user": "account",
    "accounts.invitation": "invitation",
    "backups.backup": "whole database (a backup)",
    "bookings.appointment": "appointment",
    "bookings.calendar_feed": "calendar feed",
    "bookings.consultation": "consultation request",
    "care.handover": "care handover",
    "caseload.since_we_last_met": "“since we last met” summary",
    "checkins.checkin": "check-in",
    "dataprivacy.erasure": "erasure",
    "dataprivacy.erasurerequest": "erasure request",
    "dataprivacy.export": "data export",
    "dataprivacy.heldback": "held-back records",
    "dataprivacy.retention": "retention clean-up",
    "formulation.formulation": "formulation",
    "formulation.insight": "formulation insight",
    "formulation.symptom": "formulation symptom",
    "journal.entry": "journal entry",
    "journey.journey": "journey",
    "measures.measurerequest": "questionnaire request",
    "measures.measureresponse": "questionnaire answers",
    "measures.measureschedule": "questionnaire schedule",
    "mindfulness.custompractice": "mindfulness practice",
    "mindfulness.practicelog": "mindfulness log",
    "mindfulness.recommendation": "mindfulness recommendation",
    "mindfulness.recommendations": "mindfulness recommendations",
    "notes.note": "note",
    "notes.sessionnote": "session note",
    "notes.sessionnote_list": "list of session notes",
    "onboarding.acceptance": "agreement",
    "onboarding.consent": "consent",
    "onboarding.document": "onboarding document",
    "onboarding.intake": "intake form",
    "outbox.email": "email",
    "practice.awayperiod": "time away",
    "practice.client": "record",
    "practice.emergencyaccess": "record (emergency access)",
    "practice.practice": "practice settings",
    "practice.staffmember": "staff profile",
    "risk.riskalert": "risk alert",
    "safetyplan.safetyplan": "safety plan",
    "audit.auditevent": "audit log",
}

VERBS = {
    A.READ: "read",
    A.CREATE: "created",
    A.UPDATE: "changed",
    A.DELETE: "deleted",
    A.EXPORT: "exported",
    A.LOGIN: "signed in",
    A.LOGIN_FAILED: "could not sign in",
    A.LOGOUT: "signed out",
    A.INVITE: "sent an invitation",
    A.EMERGENCY_ACCESS: "opened emergency access to",
    A.ACKNOWLEDGE: "acknowledged",
    A.ESCALATE: "escalated",
    A.NOTIFY: "sent a notice about",
    A.SIGN: "signed",
    A.HANDOVER: "handed over",
    A.DEACTIVATE: "deactivated",
    A.REACTIVATE: "reactivated",
}
# Actions that are about the person themselves, with no object to name.
INTRANSITIVE = {A.LOGIN, A.LOGIN_FAILED, A.LOGOUT}

ROLES = {
    "therapist": "therapist",
    "owner": "owner",
    "administrator": "practice administrator",
    "client": "client",
    "anonymous": "",
    "user": "",
}


def thing(object_type: str, detail: dict | None = None) -> str:
    words = THINGS.get(object_type)
    if words is None:
        words = object_type.rsplit(".", 1)[-1].replace("_", " ") or "record"
    if isinstance(detail, dict) and detail.get("list"):
        words = words if words.startswith("list") else f"list of {words}s"
    return words


def spoken_list(words: list[str]) -> str:
    """["record", "intake form", "journal"] → "record, intake form and journal"."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def things(event) -> str:
    """What a row says was read or changed: one thing, or every thing a page read ("record, intake form and
    mindfulness log"; a page's reads are one row, audit/reads.py), each kind named once."""
    detail = event.detail if isinstance(event.detail, dict) else {}
    if event.action != A.READ or not isinstance(detail.get("read"), list):
        return thing(event.object_type, detail)
    words: list[str] = []
    for object_type, object_id in objects_read(event):
        word = thing(object_type, {"list": True} if object_id == "list" else None)
        word = "record" if word == "record (emergency access)" else word
        if word not in words:
            words.append(word)
    if not words:
        return thing(event.object_type, detail)
    return spoken_list(words)


def who(event, names: dict) -> str:
    name = names.get(event.actor_id)
    role = ROLES.get(event.actor_role, event.actor_role)
    if name:
        return f"{name} ({role})" if role else name
    if event.actor_role == "anonymous" or not event.actor_role:
        return "Someone not signed in"
    return f"A {role} no longer with the practice" if role else "Someone"


def sentence(event, names: dict) -> str:
    """Who did what to which client's what (the time and place are added by the page or the CSV)."""
    verb = VERBS.get(event.action) or event.get_action_display().lower()
    subject = who(event, names)
    if event.action in INTRANSITIVE:
        return f"{subject} {verb}"
    if event.action == A.INVITE:
        client = names.get(event.client_id)
        return f"{subject} {verb}" + (f" to {client}" if client else "")
    what = things(event)
    if event.client_id:
        client = names.get(event.client_id)
        whose = f"{client}’s" if client else "a former client’s"
        if what == "record (emergency access)":
            return f"{subject} {verb} {whose} record"
        return f"{subject} {verb} {whose} {what}"
    return f"{subject} {verb} the {what}"
