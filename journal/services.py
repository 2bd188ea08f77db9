"""Writes for the journal.

Saving never fails because of detection: what the client sees comes from ``safe_detect``, and the
therapist's alert from the pending risk check written with the entry (risk/checks.py).
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from journal.models import Entry
from practice.attention import client_changed
from practice.care_status import CareHasEnded
from risk.checks import risk_check_request
from risk.detection import Findings, safe_detect
from risk.models import RiskAlert


def entry_autosave(*, client, body: str, prompt: str, entry: Entry | None = None) -> Entry:
    """Keep what has been typed so far. Creates a draft the first time; one write each time.

    Nothing else: no audit row and no risk check. A draft, or an edit to a saved entry, left unsaved
    for 30 minutes is checked by the clock (risk.checks.risk_checks_for_unsaved).
    """
    now = timezone.now()
    if entry is None:
        return Entry.objects.create(client=client, body=body, prompt=prompt, is_draft=True, updated_at=now)
    entry.body, entry.prompt, entry.updated_at = body, prompt, now
    entry.edited_unsaved = not entry.is_draft
    entry.save(update_fields=["body", "prompt", "updated_at", "edited_unsaved"])
    return entry


def entry_save(*, client, body: str, prompt: str, entry: Entry | None = None, request=None) -> tuple[Entry, Findings]:
    """Save an entry for good, with its risk check in the same transaction.

    The findings (harsh self-talk, risk words) are for the page the client sees next. The
    therapist is told by the check, on the worker, once the entry is committed: only with the
    client's ``journal_risk_alerts`` consent, and only if no alert was raised for this entry
    before; a failure there leaves the check due, never the entry unsaved or the alert lost.
    """
    now = timezone.now()
    findings = safe_detect(body)
    with transaction.atomic():
        if entry is None:
            entry = Entry(client=client, created_at=now)
        entry.body, entry.prompt, entry.is_draft, entry.updated_at = body, prompt, False, now
        entry.edited_unsaved = False
        entry.harsh_found, entry.risk_found = findings.harsh, findings.risk
        entry.save()
        risk_check_request(
            client=client,
            source=RiskAlert.Source.JOURNAL_WORDS,
            source_id=entry.uuid,
            findings=findings,
            now=now,
        )
    return entry, findings


class SharingClosed(CareHasEnded):
    """Our work together has ended: nothing new is shared with anyone at the practice (issue 21)."""


def entry_share(*, entry: Entry, request=None) -> None:
    """Share the entry as it reads now. Later edits stay private until the client shares again.

    Refused once the client's care has ended: what was shared before stays as it was."""
    if entry.client.care_has_ended:
        raise SharingClosed("Our work together has ended, so sharing is turned off.")
    _entry_set_shared(entry=entry, shared=True, request=request)


def entry_unshare(*, entry: Entry, request=None) -> None:
    _entry_set_shared(entry=entry, shared=False, request=request)


def _entry_set_shared(*, entry: Entry, shared: bool, request=None) -> None:
    with transaction.atomic():
        entry.shared_at = timezone.now() if shared else None
        # The therapist reads this copy, not the entry: what the client chose to share, as it was.
        entry.shared_body, entry.shared_prompt = (entry.body, entry.prompt) if shared else (None, "")
        entry.save(update_fields=["shared_at", "shared_body", "shared_prompt"])
        audit_change(AuditEvent.Action.UPDATE, entry, client=entry.client, request=request, detail={"shared": shared})


def entry_delete(*, entry: Entry, request=None) -> None:
    with transaction.atomic():
        audit_change(AuditEvent.Action.DELETE, entry, client=entry.client, request=request)
        entry.delete()


# A therapist reads shared entries a page at a time: one audit row per page, naming the entries shown.
# The journal keeps no read flag of its own: journal.selectors.unread_shared_counts reads these rows back.
READ_OBJECT_TYPE = "journal.entry"
SHARED_PAGE = "shared"


def shared_entries_read(*, client, entries, request) -> None:
    """Record that the request's user read these shared entries of ``client`` (ids only, never words)."""
    audit_record(
        action=AuditEvent.Action.READ,
        object_type=READ_OBJECT_TYPE,
        object_id=SHARED_PAGE,
        request=request,
        client=client,
        detail={"entries": [str(e.uuid) for e in entries]},
    )
    client_changed(client.pk, reason="journal read")


def entries_read_in(object_id: str, detail: dict | None) -> set[str]:
    """The entry ids one of those audit rows records as read (a row naming one entry by its id counts too)."""
    return {object_id, *(detail or {}).get("entries", [])}
