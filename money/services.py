"""Charging, invoicing, crediting and recording payments. Every change is audited (docs/money.md).

Each function is keyword-only and runs in one transaction. Numbers come from the supplier's
``NumberSequence`` row, locked with ``select_for_update`` (PostgreSQL) inside a transaction that
SQLite runs IMMEDIATE (one writer at a time), so numbers are consecutive on both engines.
"""

from calendar import monthrange
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from bookings.models import Appointment, Kind
from money.books import document_booked, payment_booked
from money.emails import document_email_queue, receipt_email_queue
from money.fees import fee_for
from money.formatting import tax_inside
from money.ledger import account, settle
from money.models import (
    BillingMode,
    BillingSettings,
    Charge,
    ClientBilling,
    Invoice,
    InvoiceLine,
    NumberSequence,
    Payment,
    Supplier,
    TaxStatus,
    TherapistBilling,
)
from money.selectors import billing_or_none, own_supplier, practice_supplier_or_none
from practice.models import Client


class MoneyError(Exception):
    """A refused money change, with a message fit to show the person who asked for it."""


# --- who bills, and how --------------------------------------------------------------------------


def practice_supplier(practice) -> Supplier:
    found = practice_supplier_or_none(practice.pk)
    if found is None:
        try:
            with transaction.atomic():
                found = Supplier.objects.create(practice=practice, name=practice.name)
        except IntegrityError:
            found = Supplier.objects.get(practice=practice, therapist__isnull=True)
    return found


def therapist_billing(therapist) -> TherapistBilling:
    found = billing_or_none(therapist.pk)
    if found is None:
        found, _ = TherapistBilling.objects.get_or_create(therapist=therapist)
    found.therapist = therapist
    return found


def supplier_for(therapist) -> Supplier:
    """Who invoices ``therapist``'s sessions: the therapist in their own name (a practice setting), or the practice."""
    billing = therapist_billing(therapist)
    if billing.invoices_in_own_name:
        found = own_supplier(therapist.pk)
        if found is not None:
            return found
        found = Supplier.new_for_therapist(therapist)
        found.save()
        return found
    return practice_supplier(therapist.practice)


def client_billing(client) -> ClientBilling:
    found = ClientBilling.objects.filter(client=client).first()
    if found is None:
        mode = BillingSettings.for_practice(client.practice).default_billing
        found, _ = ClientBilling.objects.get_or_create(client=client, defaults={"mode": mode})
    return found


def tax_for(supplier: Supplier, billing: TherapistBilling) -> tuple[str, Decimal]:
    """The tax treatment and rate of a session line (HMRC VATHLT2300 for UK VAT)."""
    if supplier.tax_status == TaxStatus.VAT:
        if billing.is_statutory:
            return InvoiceLine.Tax.EXEMPT, Decimal("0")
        return InvoiceLine.Tax.STANDARD, supplier.tax_rate
    if supplier.tax_status == TaxStatus.RATE and supplier.tax_rate:
        return InvoiceLine.Tax.RATE, supplier.tax_rate
    return InvoiceLine.Tax.NONE, Decimal("0")


def _next_number(supplier: Supplier, kind: str) -> int:
    """The next number of ``kind`` for ``supplier``; call inside the issuing transaction."""
    NumberSequence.objects.get_or_create(supplier=supplier, kind=kind)
    sequence = NumberSequence.objects.select_for_update().get(supplier=supplier, kind=kind)
    sequence.last_number += 1
    sequence.save(update_fields=["last_number"])
    return sequence.last_number


def _reference(prefix: str, number: int) -> str:
    return f"{prefix}{number:04d}"


def _supplier_details(supplier: Supplier, therapist, settings: BillingSettings, billing=None) -> dict:
    if billing is None and therapist is not None:
        billing = therapist_billing(therapist)
    return {
        "name": supplier.name,
        "address": supplier.address,
        "tax_status": supplier.tax_status,
        "tax_label": supplier.tax_label,
        "vat_number": supplier.vat_number if supplier.tax_status != TaxStatus.NONE else "",
        "therapist": therapist.display_name if therapist is not None else "",
        "registration": billing.registration_line if billing is not None else "",
        "payment_instructions": settings.payment_instructions,
        "email": settings.practice.contact_email,
    }


# --- charges -------------------------------------------------------------------------------------


def _local_day(moment: datetime, practice) -> date:
    return timezone.localtime(moment, practice.zone).date()


def charges_collect(*, practice, now: datetime | None = None) -> int:
    """Charge each session of ``practice`` that has ended since billing began and has no charge yet.

    Consultations are free; cancelled sessions are not charged here (a late cancellation is, by
    ``late_cancellation_charge``); a session with no fee set, or of a client who is not invoiced,
    makes no charge. Safe to run again: a charge is unique per appointment.
    """
    now = now or timezone.now()
    settings = BillingSettings.for_practice(practice)
    charged = Charge.objects.filter(appointment=OuterRef("pk"), kind=Charge.Kind.SESSION)
    sessions = (
        Appointment.objects.filter(practice=practice, kind=Kind.SESSION, end__lte=now, client__isnull=False)
        .active()
        .filter(start__date__gte=settings.bills_sessions_from - timedelta(days=1))
        .exclude(Exists(charged))
        .annotate(billing_mode=Coalesce("client__billing__mode", Value(settings.default_billing)))
        .exclude(billing_mode=BillingMode.NOT_INVOICED)
        .select_related("client__practice", "therapist__practice")
    )
    made = 0
    for appointment in sessions:
        day = _local_day(appointment.start, practice)
        if day < settings.bills_sessions_from:
            continue
        amount = fee_for(appointment, on=day)
        if not amount:
            continue
        try:
            with transaction.atomic():
                charge = Charge.objects.create(
                    practice=practice,
                    client=appointment.client,
                    therapist=appointment.therapist,
                    appointment=appointment,
                    day=day,
                    amount=amount,
                )
                audit_change(AuditEvent.Action.CREATE, charge, client=appointment.client, detail={"kind": charge.kind})
        except IntegrityError:
            continue  # charged meanwhile by another run
        made += 1
    return made


def late_cancellation_charge(*, appointment: Appointment, now: datetime | None = None) -> Charge | None:
    """A client cancelled ``appointment`` inside the practice's late-cancellation window: charge or waive it."""
    now = now or timezone.now()
    practice = appointment.practice
    settings = BillingSettings.for_practice(practice)
    if (
        not settings.late_cancel_enabled
        or not settings.late_cancel_fee
        or appointment.kind != Kind.SESSION
        or appointment.client is None
        or appointment.start - now >= timedelta(hours=settings.late_cancel_hours)
        or client_billing(appointment.client).mode == BillingMode.NOT_INVOICED
    ):
        return None
    waived = settings.late_cancel_waived_by_default
    charge, made = Charge.objects.get_or_create(
        appointment=appointment,
        kind=Charge.Kind.LATE_CANCELLATION,
        defaults={
            "practice": practice,
            "client": appointment.client,
            "therapist": appointment.therapist,
            "day": _local_day(appointment.start, practice),
            "amount": settings.late_cancel_fee,
            "status": Charge.Status.WAIVED if waived else Charge.Status.WAITING,
            "waived_reason": "Waived by the practice's policy" if waived else "",
            "waived_at": now if waived else None,
        },
    )
    if made:
        audit_change(
            AuditEvent.Action.CREATE, charge, client=appointment.client, actor=None, detail={"kind": charge.kind}
        )
    return charge


def charge_waive(*, charge: Charge, by, reason: str, request=None) -> Charge:
    """Waive a charge not yet invoiced, keeping the reason."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.status != Charge.Status.WAITING:
            raise MoneyError("This charge has already been invoiced or waived.")
        charge.status = Charge.Status.WAIVED
        charge.waived_reason = reason.strip()[:300] or "Waived"
        charge.waived_by = by
        charge.waived_at = timezone.now()
        charge.save(update_fields=["status", "waived_reason", "waived_by", "waived_at"])
        audit_change(AuditEvent.Action.UPDATE, charge, client=charge.client, request=request, fields=["status"])
    return charge


def charge_reinstate(*, charge: Charge, by, request=None) -> Charge:
    """Charge a waived fee after all (a policy waiver the therapist decides against)."""
    with transaction.atomic():
        charge = Charge.objects.select_for_update().get(pk=charge.pk)
        if charge.status != Charge.Status.WAIVED:
            raise MoneyError("Only a waived charge can be charged again.")
        charge.status = Charge.Status.WAITING
        charge.waived_reason = ""
        charge.waived_by = None
        charge.waived_at = None
        charge.save(update_fields=["status", "waived_reason", "waived_by", "waived_at"])
        audit_change(AuditEvent.Action.UPDATE, charge, client=charge.client, request=request, fields=["status"])
    return charge


# --- invoices ------------------------------------------------------------------------------------


def _line_description(charge: Charge, settings: BillingSettings) -> str:
    if charge.kind == Charge.Kind.LATE_CANCELLATION:
        return "Late cancellation"
    return settings.description


def invoice_issue(
    *,
    client: Client,
    charges,
    by=None,
    request=None,
    now: datetime | None = None,
    period: tuple[date, date] | None = None,
    settings: BillingSettings | None = None,
) -> Invoice:
    """Issue one invoice to ``client`` for ``charges`` (waiting, one supplier), numbered in turn, and email it."""
    now = now or timezone.now()
    practice = client.practice
    settings = settings or BillingSettings.for_practice(practice)
    if client.care_status != Client.CareStatus.ACTIVE:
        raise MoneyError("Clients whose care is paused or has ended are not invoiced.")
    with transaction.atomic():
        charges = list(
            Charge.objects.select_for_update()
            .filter(pk__in=[c.pk for c in charges], client=client, status=Charge.Status.WAITING)
            .select_related("therapist__user", "therapist__practice")
            .order_by("day", "created_at")
        )
        if not charges:
            raise MoneyError("There is nothing waiting to be invoiced.")
        therapists = {charge.therapist_id: charge.therapist for charge in charges}
        therapist = therapists[charges[-1].therapist_id]
        billings = {pk: therapist_billing(other) for pk, other in therapists.items()}
        supplier = supplier_for(therapist)
        if any(supplier_for(other).pk != supplier.pk for other in therapists.values() if other is not therapist):
            raise MoneyError("These sessions are invoiced by different suppliers: issue one invoice for each.")
        billing = client_billing(client)
        number = _next_number(supplier, NumberSequence.Kind.INVOICE)
        invoice = Invoice.objects.create(
            practice=practice,
            supplier=supplier,
            client=client,
            therapist=therapist,
            number=number,
            reference=_reference(supplier.invoice_prefix, number),
            issued_at=now,
            tax_point=_local_day(now, practice),
            due_on=_local_day(now, practice) + timedelta(days=settings.payment_days),
            period_start=period[0] if period else None,
            period_end=period[1] if period else None,
            currency=settings.currency,
            billed_name=billing.billing_name or client.display_name,
            billed_address=billing.address,
            supplier_details=_supplier_details(supplier, therapist, settings, billings[therapist.pk]),
            issued_by=by,
        )
        lines = []
        for position, charge in enumerate(charges):
            treatment, rate = tax_for(supplier, billings[charge.therapist_id])
            tax = tax_inside(charge.amount, rate)
            lines.append(
                InvoiceLine(
                    invoice=invoice,
                    charge=charge,
                    position=position,
                    day=charge.day,
                    description=_line_description(charge, settings),
                    tax_treatment=treatment,
                    tax_rate=rate,
                    net=charge.amount - tax,
                    tax=tax,
                    total=charge.amount,
                )
            )
        InvoiceLine.objects.bulk_create(lines)
        invoice.net = sum(line.net for line in lines)
        invoice.tax = sum(line.tax for line in lines)
        invoice.total = sum(charge.amount for charge in charges)
        # The totals are part of issuing it: written once, by query, before anyone can see the invoice.
        Invoice.objects.filter(pk=invoice.pk).update(net=invoice.net, tax=invoice.tax, total=invoice.total)
        document_booked(invoice)
        Charge.objects.filter(pk__in=[c.pk for c in charges]).update(status=Charge.Status.INVOICED, invoice=invoice)
        audit_change(
            AuditEvent.Action.CREATE,
            invoice,
            client=client,
            request=request,
            actor=by.user if by is not None else None,
            detail={"reference": invoice.reference, "lines": len(lines)},
        )
        settle(client, supplier=supplier)
        invoice.refresh_from_db(fields=["waiting"])
        document_email_queue(invoice=invoice, settings=settings)
    return invoice


def invoice_void(*, invoice: Invoice, by, reason: str, request=None) -> Invoice:
    """Void an invoice issued in error: it keeps its number and the reason; its charges wait again."""
    reason = reason.strip()
    if not reason:
        raise MoneyError("Please say why this invoice is void: the reason stays with it.")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_void:
            raise MoneyError("This invoice is already void.")
        if invoice.is_credit_note:
            raise MoneyError("A credit note cannot be voided.")
        if invoice.payments.exists() or invoice.credit_notes.issued().exists():
            raise MoneyError(
                "Something has been paid or credited against this invoice, so it cannot be voided: "
                "issue a credit note instead."
            )
        if account(invoice.client, supplier=invoice.supplier).state_of(invoice).paid:
            raise MoneyError("Part of this invoice has been paid, so it cannot be voided: issue a credit note instead.")
        invoice.status = Invoice.Status.VOID
        invoice.void_reason = reason[:300]
        invoice.voided_at = timezone.now()
        invoice.voided_by = by
        invoice.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
        document_booked(invoice, voided=True)
        Charge.objects.filter(invoice=invoice).update(status=Charge.Status.WAITING, invoice=None)
        settle(invoice.client, supplier=invoice.supplier)
        audit_change(AuditEvent.Action.UPDATE, invoice, client=invoice.client, request=request, fields=["status"])
    return invoice


def credit_note_issue(*, invoice: Invoice, amounts: dict[int, int], reason: str, by, request=None) -> Invoice:
    """Credit ``amounts`` (line id → minor units, tax included) of ``invoice``'s lines, with a reason.

    Each line can be credited up to what it was, less earlier credit notes. A line credited in
    full marks its charge credited, so it is never invoiced again.
    """
    reason = reason.strip()
    if not reason:
        raise MoneyError("Please give a reason: it is printed on the credit note.")
    amounts = {int(k): int(v) for k, v in amounts.items() if int(v) > 0}
    if not amounts:
        raise MoneyError("Please enter an amount to credit on at least one line.")
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.is_void or invoice.is_credit_note:
            raise MoneyError("Only an issued invoice can be credited.")
        lines = {line.pk: line for line in invoice.lines.all()}
        already = _credited_per_line(invoice)
        for line_id, amount in amounts.items():
            line = lines.get(line_id)
            if line is None:
                raise MoneyError("That line is not on this invoice.")
            if amount > line.total - already.get(line_id, 0):
                raise MoneyError("A line cannot be credited for more than is left of it.")
        supplier = invoice.supplier
        number = _next_number(supplier, NumberSequence.Kind.CREDIT_NOTE)
        now = timezone.now()
        note = Invoice.objects.create(
            practice=invoice.practice,
            supplier=supplier,
            client=invoice.client,
            therapist=invoice.therapist,
            kind=Invoice.Kind.CREDIT_NOTE,
            number=number,
            reference=_reference(supplier.credit_prefix, number),
            credits=invoice,
            issued_at=now,
            tax_point=_local_day(now, invoice.practice),
            currency=invoice.currency,
            billed_name=invoice.billed_name,
            billed_address=invoice.billed_address,
            supplier_details=invoice.supplier_details,
            reason=reason[:300],
            issued_by=by,
        )
        made = []
        for position, (line_id, amount) in enumerate(sorted(amounts.items())):
            line = lines[line_id]
            tax = tax_inside(amount, line.tax_rate) if line.tax_treatment in ("standard", "rate") else 0
            made.append(
                InvoiceLine(
                    invoice=note,
                    charge=line.charge,
                    position=position,
                    day=line.day,
                    description=line.description,
                    tax_treatment=line.tax_treatment,
                    tax_rate=line.tax_rate,
                    net=amount - tax,
                    tax=tax,
                    total=amount,
                )
            )
            if amount == line.total - already.get(line_id, 0) and line.charge_id:
                Charge.objects.filter(pk=line.charge_id).update(status=Charge.Status.CREDITED)
        InvoiceLine.objects.bulk_create(made)
        Invoice.objects.filter(pk=note.pk).update(
            net=sum(m.net for m in made), tax=sum(m.tax for m in made), total=sum(m.total for m in made)
        )
        note.refresh_from_db()
        document_booked(note)
        audit_change(
            AuditEvent.Action.CREATE,
            note,
            client=invoice.client,
            request=request,
            detail={"reference": note.reference, "credits": invoice.reference},
        )
        settle(invoice.client, supplier=supplier)
        document_email_queue(invoice=note)
    return note


def _credited_per_line(invoice: Invoice) -> dict[int, int]:
    """How much of each of ``invoice``'s lines earlier credit notes took off, by line id."""
    credited: dict[int, int] = {}
    lines = {(line.charge_id, line.day, line.description): line.pk for line in invoice.lines.all()}
    for note_line in InvoiceLine.objects.filter(invoice__credits=invoice, invoice__status=Invoice.Status.ISSUED):
        line_id = lines.get((note_line.charge_id, note_line.day, note_line.description))
        if line_id is not None:
            credited[line_id] = credited.get(line_id, 0) + note_line.total
    return credited


def credit_left(invoice: Invoice) -> dict[int, int]:
    """What can still be credited on each line of ``invoice``, by line id."""
    already = _credited_per_line(invoice)
    return {line.pk: line.total - already.get(line.pk, 0) for line in invoice.lines.all()}


# --- payments ------------------------------------------------------------------------------------


def payment_record(
    *,
    client: Client,
    amount: int,
    method: str,
    received_on: date,
    invoice: Invoice | None = None,
    supplier: Supplier | None = None,
    kind: str = Payment.Kind.PAYMENT,
    reference: str = "",
    by=None,
    request=None,
    key: str | None = None,
) -> Payment:
    """Record money received (or, with ``kind=REFUND``, given back), numbered on the supplier's receipts.

    A retried submission with the same ``key`` records once. A refund may not exceed what the
    client has paid and not had back.
    """
    if amount <= 0:
        raise MoneyError("Please enter an amount above zero.")
    if invoice is not None and (invoice.client_id != client.pk or invoice.is_credit_note or invoice.is_void):
        raise MoneyError("That invoice cannot take a payment.")
    supplier = supplier or (invoice.supplier if invoice is not None else supplier_for(client.therapist))
    if key:
        found = Payment.objects.filter(idempotency_key=key).first()
        if found is not None:
            return found
    settings = BillingSettings.for_practice(client.practice)
    try:
        with transaction.atomic():
            if kind == Payment.Kind.REFUND:
                paid = Payment.objects.for_client(client).filter(supplier=supplier)
                net_paid = sum(p.amount if p.kind == Payment.Kind.PAYMENT else -p.amount for p in paid)
                if amount > net_paid:
                    raise MoneyError("A refund cannot be more than the client has paid and not had back.")
            number = _next_number(supplier, NumberSequence.Kind.RECEIPT)
            payment = Payment.objects.create(
                practice=client.practice,
                supplier=supplier,
                client=client,
                invoice=invoice,
                kind=kind,
                method=method,
                amount=amount,
                currency=settings.currency,
                received_on=received_on,
                reference=reference.strip()[:100],
                number=number,
                receipt_reference=_reference(supplier.receipt_prefix, number),
                idempotency_key=key or None,
                recorded_by=by,
            )
            # Whose takings: the named invoice's therapist, else the client's.
            payment_booked(payment, therapist_id=(invoice.therapist_id if invoice else None) or client.therapist_id)
            audit_change(
                AuditEvent.Action.CREATE,
                payment,
                client=client,
                request=request,
                detail={"kind": kind, "method": method, "receipt": payment.receipt_reference},
            )
            settle(client, supplier=supplier)
            receipt_email_queue(payment=payment)
    except IntegrityError:
        if key:
            found = Payment.objects.filter(idempotency_key=key).first()
            if found is not None:
                return found
        raise
    return payment


# --- the clock -----------------------------------------------------------------------------------


def _billable_clients(practice):
    return Client.objects.filter(practice=practice, care_status=Client.CareStatus.ACTIVE).not_erased()


def invoices_issue_due(*, practice, now: datetime | None = None) -> int:
    """Issue what is due: one invoice per charge for per-session clients, and on the 1st of a month each
    monthly client's statement of the month before. Paused and ended clients are never invoiced."""
    now = now or timezone.now()
    charges_collect(practice=practice, now=now)
    today = _local_day(now, practice)
    last_month_end = today.replace(day=1) - timedelta(days=1)
    period = (last_month_end.replace(day=1), last_month_end)
    issued = 0
    settings = BillingSettings.for_practice(practice)
    default_mode = settings.default_billing
    waiting = (
        Charge.objects.waiting()
        .filter(practice=practice, client__in=_billable_clients(practice))
        .select_related("client__user", "client__practice", "client__therapist", "therapist__practice")
        .annotate(billing_mode=Coalesce("client__billing__mode", Value(default_mode)))
        .exclude(billing_mode=BillingMode.NOT_INVOICED)
        .order_by("client_id", "day")
    )
    by_client: dict[int, list[Charge]] = {}
    suppliers: dict[int, int] = {}
    for charge in waiting:
        charge.billed_monthly = charge.billing_mode == BillingMode.MONTHLY
        if charge.billed_monthly and charge.day > period[1]:
            continue  # this month's: on next month's statement
        by_client.setdefault(charge.client_id, []).append(charge)
    for charges in by_client.values():
        client = charges[0].client
        if charges[0].billed_monthly:
            groups = _by_supplier(charges, suppliers)
            for group in groups:
                invoice_issue(
                    client=client, charges=group, now=now, period=_statement_period(group, period), settings=settings
                )
                issued += 1
        else:
            for charge in charges:
                invoice_issue(client=client, charges=[charge], now=now, settings=settings)
                issued += 1
    return issued


def _by_supplier(charges: list[Charge], suppliers: dict[int, int]) -> list[list[Charge]]:
    """``charges`` grouped by who invoices them; ``suppliers`` remembers each therapist's for the run."""
    groups: dict[int, list[Charge]] = {}
    for charge in charges:
        if charge.therapist_id not in suppliers:
            suppliers[charge.therapist_id] = supplier_for(charge.therapist).pk
        groups.setdefault(suppliers[charge.therapist_id], []).append(charge)
    return list(groups.values())


def _statement_period(charges: list[Charge], period: tuple[date, date]) -> tuple[date, date]:
    """The statement's month; older charges still waiting (from before) widen it back to their month's start."""
    first = min(charge.day for charge in charges)
    start = min(first.replace(day=1), period[0])
    return start, period[1]


def month_bounds(day: date) -> tuple[date, date]:
    return day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1])


def billing_event(*, practice, request, what: str) -> None:
    """Audit a change to the practice's billing set-up (fees, suppliers, policy): names what, never amounts."""
    audit_record(
        action=AuditEvent.Action.UPDATE,
        object_type="money.settings",
        request=request,
        practice=practice,
        detail={"changed": what},
    )
