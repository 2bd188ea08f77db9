"""What counts as a client's data, for export and for erasure: one declaration per model.

Each model that points at a client (directly, or through a model that does)
is classified here, and ``test_every_client_model_is_classified`` fails when a
new one is not. Each rule names its model by an ordinary import, so the import
contracts see what the export reads, and a renamed or moved model fails loudly here.

Classes:
- EXPORT_AND_DELETE: the client's own material (they wrote it, or it is about
  them only and the practice need not keep it): exported, and deleted on erasure.
- EXPORT_AND_KEEP: part of the practice's record that the client may have (their
  appointments, formulation items shared with them): exported; kept, restricted, on erasure.
- KEEP: the practice's clinical record (session notes, the therapist's own
  formulation, risk alerts): not in the self-service export (a subject access
  request to the practice covers it), kept on erasure, restricted until the
  retention period ends, then deleted by the retention job.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import models
from django.db.models import Q

from bookings.models import Appointment, Consultation, NudgeSent
from care.models import Handover
from checkins.models import CheckIn
from dataprivacy.models import ErasureRequest, HeldBackOpening
from ending.models import Ending, FollowUp, FollowUpAnswer
from formulation.models import Cause, CauseStatus, Insight, Symptom, SymptomStatus
from journal.models import Entry
from measures.models import MeasureRequest, MeasureResponse, MeasureSchedule
from messaging.models import Attachment, Conversation, Message, NoticeRead
from mindfulness.models import ExerciseLog, Recommendation
from money.models import AgreedFee, Charge, CheckoutSession, ClientBilling, Invoice, InvoiceLine, Payment, Superbill
from notes.models import Amendment, SessionNote
from onboarding.models import Acceptance, ConsentChoice, Intake
from practice.models import CareChange, Client, EmergencyAccess, StaffMember
from risk.models import RiskAlert, RiskCheck
from safetyplan.models import SafetyPlan, SafetyPlanVersion
from selfcare.models import Activity, Reminder, Tick

EXPORT_AND_DELETE = "export_and_delete"
EXPORT_AND_KEEP = "export_and_keep"
KEEP = "keep"

# Fields never exported: secrets and other people's identifiers.
NEVER_EXPORTED = {
    "id",
    "password",
    "token_hash",
    "manage_token",
    "stop_token",
    "video_token",
    "feed_token",
    "idempotency_key",
    "hypothesis",
}


@dataclass(frozen=True)
class Rule:
    model: type[models.Model]
    kind: str
    path: str  # lookup from the model to the client, e.g. "client" or "plan__client"
    name: str = ""  # section name in the export
    only: dict = field(default_factory=dict)  # extra filter for what is exported (shared items)
    fields: tuple[str, ...] = ()  # exported fields (default: all but NEVER_EXPORTED)
    # Another lookup that also leads to the client (a row belongs to them by either): a consultation
    # request they were converted from, or their request to come back.
    or_path: str = ""

    @property
    def label(self) -> str:
        """app_label.modelname: the key of the erasure's deleted counts."""
        return self.model._meta.label_lower


RULES = [
    Rule(
        Client,
        EXPORT_AND_KEEP,
        "pk",
        "profile",
        fields=("uuid", "preferred_name", "care_status", "care_status_since", "created_at"),
    ),
    Rule(EmergencyAccess, KEEP, "client"),
    Rule(
        Appointment,
        EXPORT_AND_KEEP,
        "client",
        "appointments",
        fields=("uuid", "kind", "mode", "start", "end", "status"),
    ),
    # The request that brought them here, and any request to come back after their care ended (ending): the
    # client's own words and details, exported and deleted on erasure (unconverted ones go after 90 days anyway).
    Rule(
        Consultation,
        EXPORT_AND_DELETE,
        "converted_client",
        "consultation_request",
        fields=("uuid", "name", "email", "phone", "note", "time_zone", "created_at"),
        or_path="returning_client",
    ),
    Rule(CareChange, EXPORT_AND_KEEP, "client", "care_history", fields=("status", "since")),
    Rule(Handover, EXPORT_AND_KEEP, "client", "therapist_changes", fields=("at",)),
    Rule(NudgeSent, EXPORT_AND_DELETE, "client", "booking_nudges"),
    Rule(Acceptance, EXPORT_AND_DELETE, "client", "agreements_accepted"),
    Rule(Intake, EXPORT_AND_DELETE, "client", "intake"),
    Rule(ConsentChoice, EXPORT_AND_DELETE, "client", "consents"),
    Rule(CheckIn, EXPORT_AND_DELETE, "client", "checkins"),
    Rule(MeasureSchedule, EXPORT_AND_DELETE, "client", "questionnaire_schedules"),
    Rule(MeasureRequest, EXPORT_AND_DELETE, "client", "questionnaires_sent"),
    Rule(MeasureResponse, EXPORT_AND_DELETE, "client", "questionnaire_answers"),
    Rule(RiskAlert, KEEP, "client"),
    Rule(RiskCheck, KEEP, "client"),
    Rule(ExerciseLog, EXPORT_AND_DELETE, "client", "practice_log"),
    Rule(Recommendation, EXPORT_AND_DELETE, "client", "practices_suggested"),
    Rule(Activity, EXPORT_AND_DELETE, "client", "selfcare_plan"),
    Rule(Tick, EXPORT_AND_DELETE, "activity__client", "selfcare_done"),
    Rule(Reminder, EXPORT_AND_DELETE, "client", "selfcare_reminders"),
    Rule(Entry, EXPORT_AND_DELETE, "client", "journal"),
    Rule(
        Symptom,
        EXPORT_AND_KEEP,
        "client",
        "formulation_symptoms",
        only={"shared_with_client": True},
        fields=("uuid", "kind", "custom_name", "created_at"),
    ),
    Rule(
        SymptomStatus,
        EXPORT_AND_KEEP,
        "symptom__client",
        "formulation_symptom_history",
        only={"symptom__shared_with_client": True},
        fields=("status", "severity", "on"),
    ),
    Rule(
        Cause,
        EXPORT_AND_KEEP,
        "client",
        "formulation_causes",
        only={"shared_with_client": True},
        fields=("uuid", "client_wording", "created_at"),
    ),
    Rule(
        CauseStatus,
        EXPORT_AND_KEEP,
        "cause__client",
        "formulation_cause_history",
        only={"cause__shared_with_client": True},
        fields=("status", "on"),
    ),
    Rule(Insight, KEEP, "client"),
    Rule(SessionNote, KEEP, "client"),
    Rule(Amendment, KEEP, "note__client"),
    Rule(SafetyPlan, EXPORT_AND_DELETE, "client", "safety_plan"),
    Rule(SafetyPlanVersion, EXPORT_AND_DELETE, "plan__client", "safety_plan_versions"),
    # Money (docs/money.md). Invoices, credit notes, their lines, payments and charges are financial records:
    # exported, and kept on erasure (restricted) for FINANCIAL_RETENTION_YEARS from each document's date, then
    # deleted by the retention job (dataprivacy.services.financial_records_purge). The billed name on an issued
    # invoice is a copy made when it was issued: erasure renames the client, the invoice keeps what was billed.
    Rule(
        Invoice,
        EXPORT_AND_KEEP,
        "client",
        "invoices",
        fields=(
            "uuid",
            "kind",
            "reference",
            "credits",
            "status",
            "issued_at",
            "tax_point",
            "due_on",
            "period_start",
            "period_end",
            "currency",
            "net",
            "tax",
            "total",
            "billed_name",
            "billed_address",
            "supplier_details",
            "reason",
            "void_reason",
            "voided_at",
        ),
    ),
    Rule(
        InvoiceLine,
        EXPORT_AND_KEEP,
        "invoice__client",
        "invoice_lines",
        fields=("invoice", "day", "description", "tax_treatment", "tax_rate", "net", "tax", "total"),
    ),
    Rule(
        Payment,
        EXPORT_AND_KEEP,
        "client",
        "payments",
        fields=(
            "uuid",
            "invoice",
            "kind",
            "method",
            "amount",
            "currency",
            "received_on",
            "reference",
            "receipt_reference",
        ),
    ),
    # What was charged for each session or late cancellation, and whether it was invoiced or waived (the
    # therapist's reason for waiving is the practice's own note, left out).
    Rule(
        Charge,
        EXPORT_AND_KEEP,
        "client",
        "charges",
        fields=("uuid", "kind", "day", "amount", "status", "invoice", "appointment"),
    ),
    # The fee agreed with the client is the practice's record, but the client was told it: exported without
    # the reason and the review date (the therapist's and owner's private working notes; a subject access
    # request to the practice covers them). Kept on erasure, restricted, for the practice's retention period.
    Rule(AgreedFee, EXPORT_AND_KEEP, "client", "agreed_fees", fields=("uuid", "amount", "agreed_on", "ends_on")),
    # How the client chose to be billed, and the name and address for invoices: the client's own details, not
    # a financial record (each issued invoice keeps its own copy), so deleted on erasure.
    Rule(
        ClientBilling,
        EXPORT_AND_DELETE,
        "client",
        "billing_preferences",
        fields=("uuid", "mode", "billing_name", "address", "email_pdf"),
    ),
    # Paying online: each Stripe Checkout attempt for an invoice is part of that invoice's financial record (no
    # card details are ever held); it goes with the invoice when the retention job deletes it.
    Rule(
        CheckoutSession,
        EXPORT_AND_KEEP,
        "invoice__client",
        "online_payments",
        fields=("invoice", "amount", "currency", "status", "created_at"),
    ),
    # A superbill is the client's own statement for their insurer (with the diagnosis codes their therapist
    # entered): exported; kept on erasure, restricted, as a financial record.
    Rule(
        Superbill,
        EXPORT_AND_KEEP,
        "client",
        "superbills",
        fields=("uuid", "first_day", "last_day", "requested_at", "diagnosis_codes", "prepared_at"),
    ),
    # Messages (docs/messaging.md). The conversations and every message in them (the client reads both sides)
    # are exported, the attachments as files in the zip (dataprivacy.services.export_build). On erasure the
    # client's own messages and their attachments are deleted, and their unsent draft cleared
    # (dataprivacy.services.erasure_complete); the practice's messages are part of its record: kept,
    # restricted (nobody opens an erased client's conversation), until the retention job deletes the lot.
    Rule(Conversation, EXPORT_AND_KEEP, "client", "conversations", fields=("uuid", "kind", "created_at")),
    Rule(
        Message,
        EXPORT_AND_KEEP,
        "conversation__client",
        "messages",
        fields=(
            "uuid",
            "conversation",
            "sender_staff",
            "body",
            "sent_at",
            "reply_by",
            "answered_at",
            "shared_kind",
            "shared_ref",
        ),
    ),
    Rule(
        Attachment,
        EXPORT_AND_KEEP,
        "message__conversation__client",
        "attachments",
        fields=("uuid", "message", "kind", "content_type", "filename", "size", "created_at"),
    ),
    # Which practice notices the client has read: theirs alone.
    Rule(NoticeRead, EXPORT_AND_DELETE, "client", "notices_read", fields=("notice", "read_at")),
    # The ending summary (docs/ending.md): the client's words, their choices of what goes in, and the letter
    # their therapist wrote to them are theirs: exported, and deleted on erasure. ``staff_copy`` (what the
    # therapist could see on the day care ended) is a copy of those same words and that letter, so it holds
    # nothing the client has not got; it is not exported, and it goes with the row on erasure (the practice's
    # own record of the work, the session notes, is kept as ever).
    Rule(
        Ending,
        EXPORT_AND_DELETE,
        "client",
        "ending_summary",
        fields=(
            "uuid",
            "state",
            "started_at",
            "planned_on",
            "ended_on",
            "started_words",
            "now_words",
            "helped_words",
            "carry_words",
            "letter",
            "show_scores",
            "show_what_helps",
            "show_practices",
            "show_selfcare",
            "show_causes",
            "show_letter",
            "follow_up",
            "follow_up_chosen_at",
        ),
    ),
    # Follow-ups after the ending and what the client answered: theirs alone unless they shared them.
    Rule(
        FollowUp,
        EXPORT_AND_DELETE,
        "client",
        "follow_ups",
        fields=("uuid", "ending", "months", "due_on", "instruments", "invited_at", "answered_at", "shared_at"),
    ),
    Rule(
        FollowUpAnswer,
        EXPORT_AND_DELETE,
        "follow_up__client",
        "follow_up_answers",
        fields=("uuid", "follow_up", "instrument", "instrument_version", "answers", "completed_at", "total", "band"),
    ),
    Rule(ErasureRequest, KEEP, "client"),
    # The practice's decision to hold back a line of "Who has opened my record" (serious harm test):
    # exporting it would give away what was held back.
    Rule(HeldBackOpening, KEEP, "client"),
]
BY_LABEL = {rule.label: rule for rule in RULES}


def rows_for(rule: Rule, client, *, exported: bool = False):
    lookup = Q(**{rule.path: client.pk if rule.path == "pk" else client})
    if rule.or_path:
        lookup |= Q(**{rule.or_path: client})
    queryset = rule.model._default_manager.filter(lookup)
    if exported and rule.only:
        queryset = queryset.filter(**rule.only)
    return queryset.order_by("pk")


def _plain(value):
    if isinstance(value, models.Model):
        return str(getattr(value, "uuid", value.pk))
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    return str(value)


def _row(obj, rule: Rule) -> dict:
    names = rule.fields or tuple(
        f.name for f in obj._meta.concrete_fields if f.name not in NEVER_EXPORTED and not f.name.endswith("_token")
    )
    row = {}
    for name in names:
        f = obj._meta.get_field(name)
        if isinstance(f, models.ForeignKey):
            related = getattr(obj, name)
            # People are named by role, not by their account; the client's own rows by uuid.
            row[name] = _plain(related) if related is not None else None
        else:
            row[name] = _plain(getattr(obj, name))
    return row


def collect(client) -> dict[str, list[dict]]:
    """Everything the client may take away, as plain rows by section name."""
    sections: dict[str, list[dict]] = {}
    for rule in RULES:
        if rule.kind == KEEP:
            continue
        sections[rule.name] = [_row(obj, rule) for obj in rows_for(rule, client, exported=True)]
    sections["profile"] = [
        {
            **row,
            "name": client.user.name,
            "email": client.user.email,
            "therapist": client.therapist.display_name,
            "practice": client.practice.name,
        }
        for row in sections.get("profile", [])
    ]
    # Who wrote each message: "me", or the staff member by name (never an account identifier).
    writers = {
        str(s.uuid): s.display_name
        for s in StaffMember.objects.filter(messages_sent__conversation__client=client)
        .select_related("user")
        .distinct()
    }
    for row in sections.get("messages", []):
        sender = row.pop("sender_staff")
        row["from"] = "me" if sender is None else writers.get(sender, "the practice")
    return sections


# Not the client's data but working state derived from it: the caseload's stored facts (counts and dates
# computed from classified rows, rebuilt at will) and the marks that say they may have changed (no content).
# Both go with the client's row.
DERIVED = ("caseload.clientfacts", "practice.clientchange")


def client_models() -> list:
    """Every model that leads to a Client through foreign keys (what the classification must cover)."""
    found = {Client}
    changed = True
    while changed:
        changed = False
        for model in apps.get_models():
            if model in found or model._meta.app_label in ("audit",) or model._meta.label_lower in DERIVED:
                continue
            for f in model._meta.concrete_fields:
                if isinstance(f, models.ForeignKey) and f.related_model in found and f.related_model is not None:
                    if f.related_model is Client or model._meta.get_field(f.name).related_model in found:
                        found.add(model)
                        changed = True
                        break
    return sorted(found, key=lambda m: m._meta.label_lower)
