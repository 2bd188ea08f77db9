"""Superbills for US practices: a statement the client sends their own insurer (docs/money.md, "Superbills").

The client asks for one for a period; their own therapist prepares it, adding ICD-10 diagnosis codes if
any; the client then opens it (a page and a PDF) on "My invoices". A diagnosis code is clinical, so a
superbill follows the clinical record's rule (``practice.access.clinical_access``): the client's own
therapist reads and writes it, an owner holding emergency access reads it, nobody else (the practice
administrator, an owner without a grant, a colleague) learns that it exists. It is never attached to an
email. Nothing of any of this exists outside the US: every page answers 404 there.

Each session line is read from what was charged (``Charge``): its day, the fee charged less any credit,
what was paid of it (the ledger's rule, spread over an invoice's lines in order), its CPT code (from the
practice fee that matches the session, even when an agreed fee set the amount) and its place of service.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q, Sum
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from bookings.models import Mode
from money.fees import practice_fee
from money.ledger import account
from money.models import (
    BillingSettings,
    Charge,
    ClientBilling,
    Invoice,
    InvoiceLine,
    Superbill,
    Supplier,
    TherapistBilling,
)
from money.selectors import own_supplier
from outbox.services import email_queue
from practice.access import client_for, has_emergency_access, may_write_record, staff_for

US = "US"
# CMS place-of-service codes. We cannot know where a client sat for an online session; most join from
# home, so online is 10 ("telehealth provided in patient's home"), not 02 (telehealth elsewhere).
PLACE_OF_SERVICE = {
    Mode.IN_PERSON: ("11", "Office"),
    Mode.ONLINE: ("10", "Telehealth in the patient's home"),
}
# A CPT code (five digits, 90834) or a HCPCS Level II code (a letter and four digits, H0004).
CPT_CODE = re.compile(r"^(\d{5}|[A-Z]\d{4})$")
# The ICD-10-CM shape: a letter, a digit, a letter or digit, then optionally a dot and up to four more.
ICD10_CODE = re.compile(r"^[A-Z]\d[A-Z0-9](\.?[A-Z0-9]{1,4})?$")
# A CMS-1500 claim carries at most twelve diagnosis codes.
MOST_CODES = 12
EIN = re.compile(r"^(\d{2})-?(\d{7})$")
# The longest period one superbill covers.
LONGEST_PERIOD = timedelta(days=366)


def is_us(practice) -> bool:
    return practice.country == US


# --- checking what people type ---------------------------------------------------------------------


def clean_cpt_code(text: str) -> str:
    """``text`` as a CPT or HCPCS code ("" when empty); ``ValidationError`` with a kind message otherwise."""
    value = re.sub(r"\s", "", text or "").upper()
    if value and not CPT_CODE.match(value):
        raise ValidationError(
            "A CPT code is five digits, for example 90834 (a 45-minute psychotherapy session), or a letter "
            "and four digits, for example H0004. Please check it, or leave it empty."
        )
    return value


def npi_is_valid(value: str) -> bool:
    """Whether ``value`` is ten digits whose last is the Luhn check digit NPIs use (the prefix 80840 counts)."""
    if not re.fullmatch(r"\d{10}", value):
        return False
    digits = [int(ch) for ch in "80840" + value[:9]]
    total = 0
    # Luhn: from the right of the payload, every other digit (starting with the rightmost) is doubled.
    for position, digit in enumerate(reversed(digits)):
        if position % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10 == int(value[9])


def clean_npi(text: str) -> str:
    value = re.sub(r"[\s-]", "", text or "")
    if not value:
        return ""
    if not value.isdigit() or len(value) != 10:
        raise ValidationError("An NPI is ten digits, for example 1234567893. Please check it, or leave it empty.")
    if not npi_is_valid(value):
        raise ValidationError(
            "That NPI does not add up: its last digit is a check digit, and it does not match. "
            "Please check it against the NPPES registry."
        )
    return value


def clean_tax_id(text: str) -> str:
    value = re.sub(r"\s", "", text or "")
    if not value:
        return ""
    found = EIN.match(value)
    if not found:
        raise ValidationError("An EIN is nine digits written NN-NNNNNNN, for example 12-3456789. Please check it.")
    return f"{found.group(1)}-{found.group(2)}"


def parse_diagnosis_codes(text: str) -> list[str]:
    """ICD-10-CM codes typed separated by commas (or spaces): upper-cased, each checked, none twice."""
    codes: list[str] = []
    for part in re.split(r"[,;\s]+", (text or "").upper()):
        if not part:
            continue
        if not ICD10_CODE.match(part):
            raise ValidationError(
                f"\u201c{part}\u201d does not look like an ICD-10 code: a letter, a digit, a letter or digit, "
                "then perhaps a dot and up to four more, for example F41.1. Please separate several with commas."
            )
        if part not in codes:
            codes.append(part)
    if len(codes) > MOST_CODES:
        raise ValidationError(f"A superbill carries at most {MOST_CODES} diagnosis codes. Please choose the main ones.")
    return codes


def codes_of(superbill: Superbill) -> list[str]:
    return [code for code in superbill.diagnosis_codes.split(", ") if code]


# --- who may see what ------------------------------------------------------------------------------


def client_for_superbills(user):
    """The signed-in client, if their practice is in the US; 404 otherwise."""
    client = client_for(user)
    if client is None or not is_us(client.practice) or client.is_erased:
        raise Http404
    return client


def get_superbill_for_client(user, superbill_uuid, *, prepared: bool = True) -> Superbill:
    """One of the signed-in client's own superbills (prepared ones only, unless ``prepared`` is False)."""
    client = client_for_superbills(user)
    try:
        found = Superbill.objects.select_related("client__user", "client__practice", "prepared_by__user").get(
            uuid=superbill_uuid, client=client
        )
    except (Superbill.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    if prepared and found.prepared_at is None:
        raise Http404
    return found


def get_superbill_for_staff(user, superbill_uuid) -> tuple[Superbill, bool]:
    """A superbill and whether ``user`` may prepare it, by the clinical record's rule.

    The client's own therapist reads and writes; an owner with emergency access reads; anyone else,
    the administrator and an owner without a grant among them, gets 404. Outside the US, 404.
    """
    staff = staff_for(user)
    if staff is None or not is_us(staff.practice):
        raise Http404
    try:
        found = Superbill.objects.select_related(
            "client__user", "client__practice", "client__erasure", "client__therapist__user", "prepared_by__user"
        ).get(uuid=superbill_uuid, client__practice=staff.practice)
    except (Superbill.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    client = found.client
    if client.is_erased:
        raise Http404
    if may_write_record(staff, client):
        return found, True
    if has_emergency_access(staff, client):
        return found, False
    raise Http404


def get_rw_superbill_for_staff(user, superbill_uuid) -> Superbill:
    found, can_write = get_superbill_for_staff(user, superbill_uuid)
    if not can_write:
        raise Http404
    return found


def superbills_for_staff(staff, client) -> list[Superbill] | None:
    """``client``'s superbills for their money page, or None when ``staff`` may not see them (not US,
    not the client's own therapist, no emergency grant)."""
    if staff is None or not is_us(client.practice) or client.is_erased:
        return None
    if not (may_write_record(staff, client) or has_emergency_access(staff, client)):
        return None
    return list(Superbill.objects.for_client(client).order_by("-requested_at"))


# --- writes ----------------------------------------------------------------------------------------


def _tell(*, to: str, subject: str, template: str, context: dict, kind: str, practice, url_name: str) -> None:
    """A short email that a document was asked for or is ready: no name, nothing clinical, never an attachment,
    only a link to the signed-in page. Its ``kind`` and subject do not say "superbill" either: the outbox list
    is the office's, and the administrator never learns that a client claims from an insurer."""
    if not to:
        return
    link = settings.SITE_URL.rstrip("/") + reverse(url_name)
    body = render_to_string(template, {**context, "practice": practice, "link": link})
    email_queue(EmailMessage(subject=subject, body=body, to=[to]), kind=kind, practice=practice)


class SuperbillError(Exception):
    """A refused request, with a message fit to show the person who asked."""


def superbill_request(*, client, first_day: date, last_day: date, request=None) -> tuple[Superbill, bool]:
    """The client asks for a superbill for ``first_day``–``last_day``; the superbill and whether it is new.

    Asking again for a period already waiting to be prepared gives the one already asked for.
    """
    if not is_us(client.practice):
        raise SuperbillError("Superbills are only for practices in the US.")
    if last_day < first_day:
        raise SuperbillError("The last day comes before the first day. Please swap them round.")
    with transaction.atomic():
        waiting = (
            Superbill.objects.for_client(client)
            .filter(first_day=first_day, last_day=last_day, prepared_at__isnull=True)
            .first()
        )
        if waiting is not None:
            return waiting, False
        superbill = Superbill.objects.create(client=client, first_day=first_day, last_day=last_day)
        audit_change(
            AuditEvent.Action.CREATE,
            superbill,
            client=client,
            request=request,
            detail={"first_day": first_day.isoformat(), "last_day": last_day.isoformat()},
        )
        therapist = client.therapist
        _tell(
            to=therapist.user.email if therapist.is_active else "",
            subject="A client has asked for a document",
            template="money/superbill/email/asked.txt",
            context={"therapist": therapist},
            kind="money_document_asked",
            practice=client.practice,
            url_name="caseload:home",
        )
    return superbill, True


def superbill_prepare(*, superbill: Superbill, by, diagnosis_codes: list[str], request=None) -> Superbill:
    """The therapist prepares (or corrects) a superbill: its diagnosis codes, and that it is ready.

    The audit row names the fields changed, never the codes (a diagnosis is clinical).
    """
    with transaction.atomic():
        superbill = Superbill.objects.select_for_update().get(pk=superbill.pk)
        first_time = superbill.prepared_at is None
        superbill.diagnosis_codes = ", ".join(diagnosis_codes)
        superbill.prepared_at = timezone.now()
        superbill.prepared_by = by
        superbill.save(update_fields=["diagnosis_codes", "prepared_at", "prepared_by"])
        audit_change(
            AuditEvent.Action.UPDATE,
            superbill,
            client=superbill.client,
            request=request,
            fields=["diagnosis_codes", "prepared_at", "prepared_by"],
            detail={"prepared": "first time" if first_time else "again"},
        )
        if first_time:
            _tell(
                to=superbill.client.user.email,
                subject="The document you asked for is ready",
                template="money/superbill/email/ready.txt",
                context={"client": superbill.client},
                kind="money_document_ready",
                practice=superbill.client.practice,
                url_name="money:mine",
            )
    return superbill


# --- the document ----------------------------------------------------------------------------------


@dataclass
class SessionLine:
    day: date
    cpt_code: str
    place_code: str
    place: str
    charged: int
    paid: int

    @property
    def left(self) -> int:
        return max(self.charged - self.paid, 0)


def therapist_of(superbill: Superbill):
    """The rendering therapist: whoever prepared it, else the client's therapist now."""
    return superbill.prepared_by or superbill.client.therapist


def _supplier_of(therapist, billing: TherapistBilling | None) -> Supplier:
    """Who bills ``therapist``'s sessions (as ``money.services.supplier_for``), read only: nothing is created."""
    if billing is not None and billing.invoices_in_own_name:
        own = own_supplier(therapist.pk)
        if own is not None:
            return own
    found = Supplier.objects.filter(practice_id=therapist.practice_id, therapist__isnull=True).first()
    return found or Supplier(practice=therapist.practice, name=therapist.practice.name)


def session_lines(superbill: Superbill, therapist) -> list[SessionLine]:
    """The sessions of the period with ``therapist`` that were charged (not waived, not credited in full)."""
    client = superbill.client
    charges = list(
        Charge.objects.for_client(client)
        .filter(
            kind=Charge.Kind.SESSION,
            therapist=therapist,
            day__gte=superbill.first_day,
            day__lte=superbill.last_day,
            status__in=[Charge.Status.WAITING, Charge.Status.INVOICED],
        )
        .select_related("appointment", "therapist")
        .order_by("day", "created_at")
    )
    invoice_ids = {charge.invoice_id for charge in charges if charge.invoice_id}
    # Each invoice's lines, and what issued credit notes took off each charge.
    lines = list(InvoiceLine.objects.filter(invoice_id__in=invoice_ids).order_by("invoice_id", "position"))
    credited = dict(
        InvoiceLine.objects.filter(
            invoice__credits_id__in=invoice_ids, invoice__status=Invoice.Status.ISSUED, charge__isnull=False
        )
        .values_list("charge_id")
        .annotate(total=Sum("total"))
    )
    # What was paid of each invoice (the ledger's rule), spread over its lines in order.
    paid_of = {state.invoice.pk: state.paid for state in account(client).invoices}
    paid_per_charge: dict[int, int] = {}
    charged_per_charge: dict[int, int] = {}
    for line in lines:
        due = max(line.total - credited.get(line.charge_id, 0), 0)
        used = min(due, paid_of.get(line.invoice_id, 0))
        paid_of[line.invoice_id] = paid_of.get(line.invoice_id, 0) - used
        if line.charge_id:
            charged_per_charge[line.charge_id] = due
            paid_per_charge[line.charge_id] = used
    made = []
    for charge in charges:
        appointment = charge.appointment
        mode = appointment.mode if appointment is not None else Mode.IN_PERSON
        minutes = int(appointment.duration.total_seconds() // 60) if appointment is not None else None
        fee = practice_fee(therapist=charge.therapist, on=charge.day, minutes=minutes, mode=mode)
        place_code, place = PLACE_OF_SERVICE.get(mode, PLACE_OF_SERVICE[Mode.IN_PERSON])
        charged = charged_per_charge.get(charge.pk, charge.amount) if charge.invoice_id else charge.amount
        if charged <= 0:
            continue  # credited in full on a line the charge's status did not catch
        made.append(
            SessionLine(
                day=charge.day,
                cpt_code=fee.cpt_code if fee is not None else "",
                place_code=place_code,
                place=place,
                charged=charged,
                paid=paid_per_charge.get(charge.pk, 0) if charge.invoice_id else 0,
            )
        )
    return made


def has_charged_sessions(client, first_day: date, last_day: date) -> bool:
    return (
        Charge.objects.for_client(client)
        .filter(kind=Charge.Kind.SESSION, day__gte=first_day, day__lte=last_day)
        .filter(Q(status=Charge.Status.WAITING) | Q(status=Charge.Status.INVOICED))
        .exists()
    )


def superbill_context(superbill: Superbill) -> dict:
    """What ``money/superbill/document.html`` needs: provider, therapist, client, sessions, codes, totals."""
    client = superbill.client
    therapist = therapist_of(superbill)
    billing = TherapistBilling.objects.filter(therapist=therapist).first()
    supplier = _supplier_of(therapist, billing)
    client_billing = ClientBilling.objects.filter(client=client).first()
    settings = BillingSettings.for_practice(client.practice)
    lines = session_lines(superbill, therapist)
    return {
        "superbill": superbill,
        "title": "Superbill",
        "supplier": supplier,
        "therapist": therapist,
        "therapist_billing": billing,
        "billed_name": (client_billing.billing_name if client_billing else "") or client.display_name,
        "billed_address": client_billing.address if client_billing else "",
        "lines": lines,
        "codes": codes_of(superbill),
        "charged_total": sum(line.charged for line in lines),
        "paid_total": sum(line.paid for line in lines),
        "left_total": sum(line.left for line in lines),
        "missing_cpt": any(not line.cpt_code for line in lines),
        "currency": settings.currency,
        "locale": settings.locale,
        "document_template": "money/superbill/document.html",
    }


def superbill_filename(superbill: Superbill) -> str:
    return f"superbill-{superbill.first_day:%Y-%m-%d}-to-{superbill.last_day:%Y-%m-%d}.pdf"


def superbill_pdf(superbill: Superbill) -> bytes:
    """The superbill as an A4 PDF, in the same frame as invoices (``money/document/pdf.html``)."""
    # The visually hidden caption is for screen readers on the page; WeasyPrint would print it.
    html = render_to_string("money/document/pdf.html", {**superbill_context(superbill), "for_pdf": True})
    from weasyprint import HTML  # slow to import: only a PDF pays for it (as money/pdf.py)

    return HTML(string=html).write_pdf()


# --- the lists ------------------------------------------------------------------------------------


def superbills_waiting_for(staff) -> list[Superbill]:
    """Superbills ``staff``'s own clients asked for that are not prepared yet (for their home)."""
    if not staff.is_therapist or not is_us(staff.practice):
        return []
    return list(
        Superbill.objects.filter(client__therapist=staff, client__practice=staff.practice, prepared_at__isnull=True)
        .exclude(client__erasure__completed_at__isnull=False)
        .select_related("client__user")
        .order_by("requested_at")
    )
