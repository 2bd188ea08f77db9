"""Writes for onboarding: publishing documents, accepting them, the intake form and consent choices."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from onboarding.consents import current_choice
from onboarding.models import Acceptance, ConsentChoice, Intake, PracticeDocument

# The words each consent choice is shown with; stored with every decision.
WORDING = {
    "email_reminders": "Send me an email reminder before each appointment. Reminders say only the time and place, "
    "never anything about what we talk about.",
    "journal_risk_alerts": "If words in my private journal suggest I might be at risk, let my therapist know, so they "
    "can check in with me. They would see that an alert was raised, not my journal.",
    "checkin_risk_alerts": "If words in a check-in note suggest I might be at risk, let my therapist know, so they "
    "can check in with me. My therapist can read my check-ins; this asks Tending to point such a note out to them.",
    "message_risk_alerts": "If words in a message I send my therapist suggest I might be at risk, let them know "
    "straight away as an alert, so they can check in with me sooner. They read my messages anyway; this asks Tending "
    "to point such a message out to them. Messages are not watched around the clock.",
    "booking_nudge": "If some time passes without a session, send me a gentle note asking whether I'd like to book a "
    "check-in.",
}


def document_publish(*, practice, kind: str, body: str, staff) -> PracticeDocument:
    """A new version; earlier versions and their acceptances stay as they were."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                latest = PracticeDocument.objects.filter(practice=practice, kind=kind).aggregate(v=Max("version"))["v"]
                document = PracticeDocument.objects.create(
                    practice=practice, kind=kind, version=(latest or 0) + 1, body=body.strip(), published_by=staff
                )
                audit_record(
                    action=AuditEvent.Action.CREATE,
                    object_type="onboarding.document",
                    object_id=document.uuid,
                    actor=staff.user,
                    practice=practice,
                    detail={"kind": kind, "version": document.version},
                )
                return document
        except IntegrityError:
            continue  # two owners published at once; take the next number
    raise RuntimeError("Could not publish the document")


def documents_accept(*, client, documents, request=None) -> list[Acceptance]:
    accepted = []
    with transaction.atomic():
        for document in documents:
            acceptance, _created = Acceptance.objects.get_or_create(client=client, document=document)
            accepted.append(acceptance)
        audit_record(
            action=AuditEvent.Action.SIGN,
            object_type="onboarding.acceptance",
            object_id=client.uuid,
            request=request,
            client=client,
            detail={
                "documents": [str(d.uuid) for d in documents],
                "versions": [f"{d.kind}:v{d.version}" for d in documents],
            },
        )
    return accepted


def intake_save(*, client, data: dict, request=None) -> Intake:
    fields = ["pronouns", "date_of_birth", "phone", "gp_details", "emergency_contact", "hopes", "previous_support"]
    with transaction.atomic():
        intake, _ = Intake.objects.get_or_create(client=client)
        for name in fields:
            setattr(intake, name, data.get(name) or (None if name in ("date_of_birth", "phone") else ""))
        intake.completed_at = intake.completed_at or timezone.now()
        intake.updated_at = timezone.now()
        intake.save()
        preferred = (data.get("preferred_name") or "").strip()
        if preferred != client.preferred_name:
            client.preferred_name = preferred
            client.save(update_fields=["preferred_name"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="onboarding.intake",
            object_id=client.uuid,
            request=request,
            client=client,
            detail={"fields": fields},
        )
    return intake


def intake_phone_save(*, client, phone: str, request=None) -> Intake:
    """Change only the client's phone number ("My choices"); the rest of the intake stays as it was.

    Before the intake is filled in this starts an intake holding just the number: it does not count
    as done (``completed_at`` stays empty).
    """
    with transaction.atomic():
        intake, _ = Intake.objects.get_or_create(client=client)
        intake.phone = phone.strip() or None
        intake.updated_at = timezone.now()
        intake.save(update_fields=["phone", "updated_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="onboarding.intake",
            object_id=client.uuid,
            request=request,
            client=client,
            detail={"fields": ["phone"]},
        )
    return intake


def consent_record(*, client, kind: str, granted: bool, gap_days: int | None = None, request=None) -> ConsentChoice:
    """Append one decision, with the words the client saw. Unchanged choices add nothing."""
    with transaction.atomic():
        current = current_choice(client, kind)
        if current and current.granted == granted and current.gap_days == gap_days:
            return current
        choice = ConsentChoice.objects.create(
            client=client, kind=kind, granted=granted, wording=WORDING[kind], gap_days=gap_days
        )
        audit_change(
            AuditEvent.Action.UPDATE,
            choice,
            object_type="onboarding.consent",
            client=client,
            request=request,
            detail={"kind": kind, "granted": granted},
        )
    return choice
