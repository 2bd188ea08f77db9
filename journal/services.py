"""Writes for the journal. Saving always succeeds first; detection and alerts come after and never undo it."""

import logging

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from journal import detection
from journal.detection import Findings
from journal.models import Entry

logger = logging.getLogger(__name__)


def safe_detect(text: str) -> Findings:
    """Detection that cannot fail the caller: on any error, assume the contacts should be shown."""
    try:
        return detection.detect(text)
    except Exception:  # noqa: BLE001 - a broken phrase list must never lose an entry
        logger.exception("journal detection failed; showing crisis contacts")
        return Findings(failed=True)


def entry_autosave(*, client, body: str, prompt: str, entry: Entry | None = None) -> Entry:
    """Keep what has been typed so far. Creates a draft the first time; one write each time."""
    now = timezone.now()
    if entry is None:
        return Entry.objects.create(client=client, body=body, prompt=prompt, is_draft=True, updated_at=now)
    entry.body, entry.prompt, entry.updated_at = body, prompt, now
    entry.save(update_fields=["body", "prompt", "updated_at"])
    return entry


def entry_save(*, client, body: str, prompt: str, entry: Entry | None = None, request=None) -> tuple[Entry, Findings]:
    """Save an entry for good, then look for harsh self-talk and risk words.

    The entry is committed before anything else is tried, so a failure in
    detection or in raising an alert can never lose it.
    """
    now = timezone.now()
    with transaction.atomic():
        if entry is None:
            entry = Entry(client=client, created_at=now)
        was_risky = entry.risk_found and not entry.is_draft
        entry.body, entry.prompt, entry.is_draft, entry.updated_at = body, prompt, False, now
        findings = safe_detect(body)
        entry.harsh_found, entry.risk_found = findings.harsh, findings.risk
        entry.save()
    if findings.risk and not was_risky:
        _alert_therapist(entry=entry, request=request)
    return entry, findings


def _alert_therapist(*, entry: Entry, request=None) -> bool:
    """Tell the therapist only if the client agreed to it; a failure here is logged, never raised."""
    try:
        from onboarding.consents import has_consent

        if not has_consent(entry.client, "journal_risk_alerts"):
            return False
        from risk.services import risk_alert_raise

        with transaction.atomic():
            risk_alert_raise(client=entry.client, source="journal_words", source_id=str(entry.uuid), request=request)
        return True
    except Exception:  # noqa: BLE001 - the entry is saved; the contacts are on screen
        logger.exception("could not raise a journal risk alert for entry %s", entry.uuid)
        return False


def entry_share(*, entry: Entry, request=None) -> None:
    _entry_set_shared(entry=entry, shared=True, request=request)


def entry_unshare(*, entry: Entry, request=None) -> None:
    _entry_set_shared(entry=entry, shared=False, request=request)


def _entry_set_shared(*, entry: Entry, shared: bool, request=None) -> None:
    with transaction.atomic():
        entry.shared_at = timezone.now() if shared else None
        entry.save(update_fields=["shared_at"])
        audit_record(
            action=AuditEvent.Action.UPDATE,
            object_type="journal.entry",
            object_id=entry.uuid,
            request=request,
            client=entry.client,
            detail={"shared": shared},
        )


def entry_delete(*, entry: Entry, request=None) -> None:
    with transaction.atomic():
        audit_record(
            action=AuditEvent.Action.DELETE,
            object_type="journal.entry",
            object_id=entry.uuid,
            request=request,
            client=entry.client,
        )
        entry.delete()
