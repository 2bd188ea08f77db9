"""What the journal gives the risk app: an entry's words and the drafts left unsaved (the pending checks,
risk/checks.py), and how a journal alert is described on the alert page (risk/context.py)."""

from django.db.models import Exists, OuterRef
from django.urls import reverse

from accounts.people import possessive, subject
from journal.models import Entry
from practice.models import Client
from risk.context import SourceDetails, as_uuid, unavailable
from risk.models import RiskAlert


def entry_words(source_id: str):
    """(client, words) of the entry, or None when the client has deleted it."""
    entry = Entry.objects.select_related("client__practice", "client__therapist").filter(uuid=source_id).first()
    return None if entry is None else (entry.client, entry.body)


def drafts_unsaved(before):
    """(client_id, entry uuid) of the drafts last changed before ``before`` and not checked since.

    Never a client's whose care has ended: their words are theirs alone (issue 21)."""
    return (
        Entry.objects.drafts_unchecked_since(before)
        .exclude(client__care_status=Client.CareStatus.ENDED)
        .values_list("client_id", "uuid")
    )


def journal_alert_details(alert: RiskAlert, *, may_read_record: bool) -> SourceDetails:
    entry_uuid = as_uuid(alert.source_id)
    # Never the entry itself: only whether it is there and shared, by the journal's own rule (one query).
    found = None
    if entry_uuid is not None:
        found = (
            Entry.objects.for_client(alert.client)
            .filter(uuid=entry_uuid)
            .annotate(is_shared_now=Exists(Entry.objects.shared().filter(pk=OuterRef("pk"))))
            .values("is_shared_now")
            .first()
        )
    if found is None:
        return unavailable(alert)
    client = alert.client
    name = client.display_name
    details = SourceDetails(
        heading="The journal entry",
        message=f"Words in a journal entry {name} wrote suggested {subject(client)} may be at risk.",
    )
    if not found["is_shared_now"]:
        details.message += (
            f" The entry is private to {name}: you see that an alert was raised, not what {subject(client)} wrote."
        )
    elif may_read_record:
        details.link_url = reverse("journal:shared", kwargs={"client_uuid": alert.client.uuid}) + f"#entry-{entry_uuid}"
        details.link_text = f"The entry {name} shared with {possessive(client)} therapist"
    else:
        details.message += (
            f" {name} shared this entry with {possessive(client)} therapist; it is part of {possessive(client)} record."
        )
    return details
