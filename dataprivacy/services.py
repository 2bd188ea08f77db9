"""Export, erasure and retention: the client's data rights (UK GDPR articles 15, 17 and 20)."""

import csv
import datetime
import io
import json
import zipfile

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from bookings.services_front_door import consultations_purge
from dataprivacy import registry
from dataprivacy.models import ErasureRequest, HeldBackOpening, PrivacySettings
from measures.charts import GEOMETRY, instrument_name, journey_charts
from messaging.models import Attachment, Conversation, Message
from money.models import Charge, Invoice, InvoiceLine, Payment
from outbox.services import email_queue, outbox_purge
from practice.models import Client

ERASED_NAME = "Erased client (restricted record)"

README = """Your data from {practice}
Exported {when}.

data.json    everything, in one file
csv/         the same, one spreadsheet-friendly file per section
journey.pdf  a readable summary of your journey, with charts

Session notes and your therapist's own working notes are part of the practice's
clinical record and are not in this download. You can ask {practice} for a copy.
"""


# --- Export -------------------------------------------------------------------


def _csv(rows: list[dict]) -> str:
    out = io.StringIO()
    columns = sorted({key for row in rows for key in row})
    writer = csv.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {
                k: json.dumps(v, ensure_ascii=False) if isinstance(v, list | dict) else ("" if v is None else v)
                for k, v in row.items()
            }
        )
    return out.getvalue()


def journey_html(client, sections: dict) -> str:
    return render_to_string(
        "dataprivacy/journey_pdf.html",
        {
            "client": client,
            "sections": sections,
            "charts": journey_charts(sections),
            # The newest twelve, each with the questionnaire's own name ("GAD-7", not its id).
            "questionnaires": [
                {**row, "name": instrument_name(row.get("instrument", ""))}
                for row in sorted(sections.get("questionnaire_answers", []), key=lambda r: str(r.get("completed_at")))[
                    -12:
                ]
            ],
            "g": GEOMETRY,
            "now": timezone.now(),
        },
    )


def journey_document(client, sections: dict):
    """The laid-out journey (WeasyPrint), from our own template; ``.write_pdf()`` gives the file."""
    # WeasyPrint takes about three seconds to import: only an export pays for it, not every process.
    from weasyprint import HTML

    return HTML(string=journey_html(client, sections)).render()


def journey_pdf(client, sections: dict) -> bytes:
    return journey_document(client, sections).write_pdf()


def export_build(*, client, request=None) -> bytes:
    """A zip of everything the client may take away: JSON, CSV per section, and a PDF of their journey."""
    sections = registry.collect(client)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "README.txt", README.format(practice=client.practice.name, when=timezone.now().strftime("%d %B %Y %H:%M"))
        )
        archive.writestr("data.json", json.dumps(sections, indent=2, ensure_ascii=False, default=str))
        for name, rows in sections.items():
            archive.writestr(f"csv/{name}.csv", _csv(rows))
        archive.writestr("journey.pdf", journey_pdf(client, sections))
        # The files sent in the client's conversations, one at a time (each up to 10 MB), named by their uuid.
        for uuid, filename in Attachment.objects.filter(message__conversation__client=client).values_list(
            "uuid", "filename"
        ):
            data = Attachment.objects.only("data").get(uuid=uuid).data
            archive.writestr(f"attachments/{uuid}-{filename}", data)
    audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="dataprivacy.export",
        object_id=client.uuid,
        request=request,
        client=client,
        detail={"sections": {name: len(rows) for name, rows in sections.items()}},
    )
    return buffer.getvalue()


# --- Erasure ------------------------------------------------------------------


def erasure_request(*, client, request=None) -> ErasureRequest:
    with transaction.atomic():
        existing = ErasureRequest.objects.select_for_update().filter(client=client).first()
        if existing is not None and existing.completed_at is None:
            existing.cancelled_at = None
            existing.requested_at = timezone.now()
            existing.save(update_fields=["cancelled_at", "requested_at"])
            erasure = existing
        elif existing is None:
            erasure = ErasureRequest.objects.create(client=client)
        else:
            return existing
        audit_change(AuditEvent.Action.CREATE, erasure, client=client, request=request)
    return erasure


def erasure_cancel(*, erasure: ErasureRequest, request=None) -> None:
    with transaction.atomic():
        if erasure.completed_at is None and erasure.cancelled_at is None:
            erasure.cancelled_at = timezone.now()
            erasure.save(update_fields=["cancelled_at"])
            audit_change(
                AuditEvent.Action.UPDATE, erasure, client=erasure.client, request=request, detail={"cancelled": True}
            )


def _years_from(day: datetime.date, years: int) -> datetime.date:
    """``day`` moved ``years`` years on (back, if negative); 29 February becomes the 28th."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _retain_until(client, years: int) -> datetime.date:
    ended = client.care_status_since if client.care_status == client.CareStatus.ENDED else timezone.localdate()
    return _years_from(ended, years)


def erasure_complete(*, erasure: ErasureRequest, owner, request=None) -> dict:
    """Delete the client's identifiers and everything they wrote; restrict what the practice must keep.

    Runs in one transaction: either all of it happens or none. ``owner`` is None when the retention job
    closes an ended client's space (``ended_spaces_close``).
    """
    client = erasure.client
    user = client.user
    counts: dict[str, int] = {}
    with transaction.atomic():
        erasure = ErasureRequest.objects.select_for_update().get(pk=erasure.pk)
        if erasure.completed_at is not None:
            return erasure.deleted_counts
        # Models that point at other deleted models go first (ticks before activities, versions before plans).
        for rule in sorted(registry.RULES, key=lambda r: -r.path.count("__")):
            if rule.kind != registry.EXPORT_AND_DELETE:
                continue
            deleted, _ = registry.rows_for(rule, client).delete()
            counts[rule.label] = deleted
        # Messages: the client's own and their attachments go; the practice's stay, restricted; the draft goes.
        messages_deleted = Message.objects.filter(conversation__client=client, sender_staff__isnull=True).delete()[1]
        for label in ("messaging.message", "messaging.attachment"):
            counts[label] = next((n for key, n in messages_deleted.items() if key.lower() == label), 0)
        Conversation.objects.filter(client=client).update(client_draft=None)
        # Identifiers: the sign-in, the email address, the names.
        old_email = user.email
        counts["accounts.invitation"] = Invitation.objects.filter(email__iexact=old_email).delete()[0]
        counts["account.emailaddress"] = EmailAddress.objects.filter(user=user).delete()[0]
        counts["mfa.authenticator"] = Authenticator.objects.filter(user=user).delete()[0]
        user_sessions = [s.pk for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(user.pk)]
        counts["sessions.session"] = Session.objects.filter(pk__in=user_sessions).delete()[0]
        user.email = f"erased-{user.uuid}@erased.invalid"
        user.name = ""
        user.is_active = False
        user.set_unusable_password()
        user.save(update_fields=["email", "name", "is_active", "password"])
        client.preferred_name = ERASED_NAME
        fields = ["preferred_name"]
        if client.care_status != client.CareStatus.ENDED:
            client.care_status, client.care_status_since = client.CareStatus.ENDED, timezone.localdate()
            fields += ["care_status", "care_status_since"]
        client.save(update_fields=fields)
        years = PrivacySettings.for_practice(client.practice).retention_years
        erasure.completed_at = timezone.now()
        erasure.completed_by = owner
        erasure.retain_until = _retain_until(client, years)
        erasure.deleted_counts = counts
        erasure.save(update_fields=["completed_at", "completed_by", "retain_until", "deleted_counts"])
        audit_change(
            AuditEvent.Action.DELETE,
            erasure,
            object_type="dataprivacy.erasure",
            actor=owner.user if owner is not None else None,
            client=client,
            request=request,
            detail={"deleted": counts, "retain_until": erasure.retain_until.isoformat()},
        )
    return counts


# --- Retention ------------------------------------------------------------------


# An erased client's financial records (invoices, credit notes, their lines, payments, charges) are kept,
# restricted, for six years from each document's date (HMRC asks for business records to be kept that long;
# a limited company's for six years), then deleted: whichever of this and the practice's retention ends first
# for the rest of the record, the client's restricted row stays until both have ended.
FINANCIAL_RETENTION_YEARS = 6
FINANCIAL_MODELS = (Charge, Invoice, InvoiceLine, Payment)


def _financial_rows_purge(client, cutoff: datetime.date) -> dict[str, int]:
    """Delete ``client``'s financial documents dated before ``cutoff``, each with what hangs on it.

    A document something newer still points at waits for it: an invoice with a kept payment or credit
    note is kept as long as they are. Payments first, then credit notes, then invoices (their lines go
    with them), then charges no kept invoice names.
    """
    counts: dict[str, int] = {}

    def delete(queryset):
        for label, n in queryset.delete()[1].items():
            counts[label.lower()] = counts.get(label.lower(), 0) + n

    delete(Payment.objects.filter(client=client, received_on__lt=cutoff))
    paid = Payment.objects.filter(invoice=OuterRef("pk"))
    old = Invoice.objects.filter(client=client, tax_point__lt=cutoff).exclude(Exists(paid))
    delete(old.filter(kind=Invoice.Kind.CREDIT_NOTE))
    delete(old.filter(kind=Invoice.Kind.INVOICE).exclude(Exists(Invoice.objects.filter(credits=OuterRef("pk")))))
    delete(Charge.objects.filter(client=client, day__lt=cutoff, invoice__isnull=True))
    return {label: n for label, n in counts.items() if n}


def _financial_records_left(client) -> bool:
    return any(model.objects.filter(client=client).exists() for model in (Charge, Invoice, Payment))


def financial_records_purge(*, today=None) -> int:
    """Delete erased clients' financial documents older than ``FINANCIAL_RETENTION_YEARS``; how many went."""
    today = today or timezone.localdate()
    cutoff = _years_from(today, -FINANCIAL_RETENTION_YEARS)
    total = 0
    for erasure in ErasureRequest.objects.restricted().select_related("client__practice"):
        with transaction.atomic():
            counts = _financial_rows_purge(erasure.client, cutoff)
            if counts:
                audit_record(
                    action=AuditEvent.Action.DELETE,
                    object_type="dataprivacy.retention",
                    object_id=erasure.uuid,
                    practice=erasure.client.practice,
                    detail={"reason": "financial records past their retention period", "deleted": counts},
                )
                total += sum(counts.values())
    return total


def restricted_records_purge(*, today=None) -> int:
    """Delete restricted records whose retention period has ended: the whole client and their account.

    Financial records go by their own period first (``financial_records_purge``); while some are still
    kept, the rest of the record goes and the client's restricted row waits for them.
    """
    today = today or timezone.localdate()
    financial_records_purge(today=today)
    count = 0
    for erasure in ErasureRequest.objects.restricted().filter(retain_until__lt=today).select_related("client__user"):
        with transaction.atomic():
            client = erasure.client
            deleted = 0
            # Deepest first, and session notes before the appointments they protect.
            for rule in sorted(registry.RULES, key=lambda r: (-r.path.count("__"), not r.label.startswith("notes."))):
                if rule.model in (Client, ErasureRequest) or rule.model in FINANCIAL_MODELS:
                    continue
                deleted += registry.rows_for(rule, client).delete()[0]
            if _financial_records_left(client):
                if deleted:
                    audit_record(
                        action=AuditEvent.Action.DELETE,
                        object_type="dataprivacy.retention",
                        object_id=erasure.uuid,
                        practice=client.practice,
                        detail={"reason": "retention period ended", "financial_records_kept": True},
                    )
                continue
            audit_record(
                action=AuditEvent.Action.DELETE,
                object_type="dataprivacy.retention",
                object_id=erasure.uuid,
                practice=client.practice,
                detail={"reason": "retention period ended"},
            )
            user = client.user
            client.delete()
            user.delete()
            count += 1
    return count


# An ended client keeps their space for as long as the practice keeps their record: the retention period
# from the day care ended. A month before it closes they are emailed once (with the way to download
# everything); it closes only once that notice is a month old, by the erasure any client may ask for, whose
# kept record is then past its retention period too and goes in the same run (``restricted_records_purge``).
SPACE_CLOSING_NOTICE = datetime.timedelta(days=30)
SPACE_CLOSING = "dataprivacy.space_closing"


def _retention_ends(client, years: int | None = None) -> datetime.date:
    if years is None:
        years = PrivacySettings.for_practice(client.practice).retention_years
    return _years_from(client.care_status_since, years)


def _space_closing_noticed_on(client) -> datetime.date | None:
    at = (
        AuditEvent.objects.filter(client_id=client.uuid, object_type=SPACE_CLOSING)  # (client_id, at) index
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    return timezone.localdate(at) if at is not None else None


def space_kept_until(client, *, today=None) -> datetime.date | None:
    """The day an ended client's space closes: the retention period from the end of care, and never less than
    a month after they were told (None while their care has not ended, or once their data is erased)."""
    if not client.care_has_ended or client.care_status_since is None or client.is_erased:
        return None
    told = _space_closing_noticed_on(client) or today or timezone.localdate()
    return max(_retention_ends(client), told + SPACE_CLOSING_NOTICE)


def _space_closing_notice(client, closes_on: datetime.date) -> None:
    """Tell the client, once, that their space closes on ``closes_on`` and how to take a copy first."""
    with transaction.atomic():
        message = EmailMessage(
            subject=f"Your space at {client.practice.name}",
            body=render_to_string(
                "dataprivacy/email/space_closing.txt",
                {
                    "name": client.display_name,
                    "practice": client.practice,
                    "closes_on": closes_on,
                    "url": settings.SITE_URL + reverse("dataprivacy:mine"),
                },
            ),
            to=[client.user.email],
        )
        email_queue(message, kind="Space closing", practice=client.practice, about=("practice.client", client.uuid))
        audit_record(
            action=AuditEvent.Action.NOTIFY,
            object_type=SPACE_CLOSING,
            object_id=client.uuid,
            client=client,
            detail={"closes_on": closes_on.isoformat()},
        )


def ended_spaces_close(*, today=None) -> dict:
    """Give ended clients a month's notice that their space closes, and close those past it.

    Closing is the erasure (``erasure_complete``, by nobody: the retention period did it); a space is never
    closed without the notice sent at least ``SPACE_CLOSING_NOTICE`` before. Returns how many of each.
    """
    today = today or timezone.localdate()
    noticed = closed = 0
    ended = (
        Client.objects.filter(care_status=Client.CareStatus.ENDED, care_status_since__isnull=False)
        .exclude(erasure__completed_at__isnull=False)
        .select_related("practice", "user")
    )
    years: dict[int, int] = {}  # each practice's retention period, read once a run
    for client in ended:
        if client.practice_id not in years:
            years[client.practice_id] = PrivacySettings.for_practice(client.practice).retention_years
        if today < _retention_ends(client, years[client.practice_id]) - SPACE_CLOSING_NOTICE:
            continue
        closes_on = space_kept_until(client, today=today)
        if _space_closing_noticed_on(client) is None:
            _space_closing_notice(client, closes_on)
            noticed += 1
        elif today > closes_on:
            erasure = ErasureRequest.objects.filter(client=client).first() or erasure_request(client=client)
            erasure_complete(erasure=erasure, owner=None)
            closed += 1
    return {"noticed": noticed, "closed": closed}


def invitations_purge(*, now=None) -> int:
    """Invitations never accepted, expired more than a week ago: their names and addresses go."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=7)
    return Invitation.objects.filter(accepted_at__isnull=True, expires_at__lt=cutoff).delete()[0]


def retention_run(*, now=None) -> dict:
    now = now or timezone.now()
    return {
        # Owned by bookings (90 days); called here too so one job covers every retention rule.
        "consultations": consultations_purge(now=now),
        "invitations": invitations_purge(now=now),
        # Before the restricted records: a space closed today is past its retention, and goes with them.
        "ended_spaces": ended_spaces_close(today=timezone.localdate(now)),
        "restricted_records": restricted_records_purge(today=timezone.localdate(now)),
        "emails": outbox_purge(now=now),
    }


# --- Holding back a line of "Who has opened my record" -----------------------------


def opening_hold_back(*, client, key: str, reason: str, owner, request=None) -> HeldBackOpening:
    """Hold back one line of the client's list (dataprivacy/openings.py) with the owner's reason, sealed.

    Holding back the same line twice keeps the first decision. The audit row names the kind only;
    the reason stays on the sealed row.
    """
    kind = key.partition(":")[0]
    if kind not in HeldBackOpening.Kind.values or not reason.strip():
        raise ValueError("A line to hold back and a reason are both needed")
    with transaction.atomic():
        held = HeldBackOpening.objects.in_force().filter(client=client, key=key).first()
        if held is not None:
            return held
        held = HeldBackOpening.objects.create(client=client, kind=kind, key=key, reason=reason.strip(), held_by=owner)
        audit_change(
            AuditEvent.Action.CREATE,
            held,
            object_type="dataprivacy.heldback",
            actor=owner.user,
            client=client,
            request=request,
            detail={"kind": kind},
        )
    return held


def opening_show_again(*, held: HeldBackOpening, owner, request=None) -> HeldBackOpening:
    """Show a held-back line to the client again. The decision and its reason stay on record."""
    with transaction.atomic():
        held.shown_again_at = timezone.now()
        held.shown_again_by = owner
        held.save(update_fields=["shown_again_at", "shown_again_by"])
        audit_change(
            AuditEvent.Action.UPDATE,
            held,
            object_type="dataprivacy.heldback",
            actor=owner.user,
            client=held.client,
            request=request,
            fields=["shown_again_at", "shown_again_by"],
            detail={"kind": held.kind},
        )
    return held
