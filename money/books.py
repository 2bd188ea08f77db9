"""The practice's books kept as monthly sums, added to as money moves (``TakingsMonth``, ``IssuedMonth``).

The reports page (money/reports.py) reads a month or a year of these rows: a year of a busy practice is a
few hundred of them, where summing its payments and invoices read every one of tens of thousands
(docs/benchmarks.md, "Issue 18: a year's books"). Each service that records a payment or refund, issues an
invoice or a credit note, or voids an invoice adds to the month it falls in, inside its own transaction
(``payment_booked``, ``document_booked``), so the sums and the records change together or not at all.

``rebuild`` sums a practice's rows again from its records: the migration that made the tables, and the
synthetic practice (bench/make_practice.py), which writes records in bulk. A property test holds the kept
sums equal to ``rebuild``'s after any sequence of operations (money/tests/test_balance_property.py).

The sums name no one (months, methods, therapists' ids, amounts): financial records deleted at the end of
their retention period (dataprivacy) leave the month's sums as they were, as an accountant's books would.
"""

from django.apps import apps as global_apps
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth

from money.models import Invoice, IssuedMonth, Payment, TakingsMonth


def _add(model, key: dict, amounts: dict) -> None:
    """Add ``amounts`` to ``model``'s row for ``key``, making it if it is the first (two at once: both count)."""
    increments = {name: F(name) + value for name, value in amounts.items()}
    if model.objects.filter(**key).update(**increments):
        return
    try:
        with transaction.atomic():
            model.objects.create(**key, **amounts)
    except IntegrityError:
        # Another transaction made it first (PostgreSQL waits for it to commit, then refuses ours): add to it.
        model.objects.filter(**key).update(**increments)


def payment_booked(payment, *, therapist_id: int | None) -> None:
    """``payment`` (or refund), just recorded, in its month's takings: ``therapist_id`` is whose they are."""
    refund = payment.kind == Payment.Kind.REFUND
    _add(
        TakingsMonth,
        {
            "practice_id": payment.practice_id,
            "month": payment.received_on.replace(day=1),
            "method": payment.method,
            "therapist_id": therapist_id or 0,
        },
        {"refunds": 1, "refunded": payment.amount} if refund else {"payments": 1, "received": payment.amount},
    )


def document_booked(document, *, voided: bool = False) -> None:
    """``document`` (an invoice or credit note, its total written) issued, or with ``voided`` taken back out."""
    sign = -1 if voided else 1
    if document.is_credit_note:
        amounts = {"credit_notes": sign, "credited": sign * document.total}
    else:
        amounts = {"invoices": sign, "invoiced": sign * document.total}
    _add(IssuedMonth, {"practice_id": document.practice_id, "month": document.tax_point.replace(day=1)}, amounts)


def rebuild(practice_id: int, *, apps=global_apps) -> None:
    """Sum ``practice_id``'s months again from its payments and invoices (``apps``: a migration's models).

    A payment named against no invoice counts as its client's therapist's today: who it was when it was
    recorded is not kept on the payment.
    """
    payment_model = apps.get_model("money", "Payment")
    invoice_model = apps.get_model("money", "Invoice")
    takings_model = apps.get_model("money", "TakingsMonth")
    issued_model = apps.get_model("money", "IssuedMonth")
    paid, refund = Q(kind=Payment.Kind.PAYMENT), Q(kind=Payment.Kind.REFUND)
    takings = (
        payment_model.objects.filter(practice_id=practice_id)
        .annotate(
            first=TruncMonth("received_on"),
            who=Coalesce("invoice__therapist_id", "client__therapist_id", Value(0)),
        )
        .order_by()
        .values("first", "method", "who")
        .annotate(
            payments=Count("pk", filter=paid),
            refunds=Count("pk", filter=refund),
            received=Sum("amount", filter=paid, default=0),
            refunded=Sum("amount", filter=refund, default=0),
        )
    )
    invoice, credit_note = Q(kind=Invoice.Kind.INVOICE), Q(kind=Invoice.Kind.CREDIT_NOTE)
    issued = (
        invoice_model.objects.filter(practice_id=practice_id, status=Invoice.Status.ISSUED)
        .annotate(first=TruncMonth("tax_point"))
        .order_by()
        .values("first")
        .annotate(
            invoices=Count("pk", filter=invoice),
            invoiced=Sum("total", filter=invoice, default=0),
            credit_notes=Count("pk", filter=credit_note),
            credited=Sum("total", filter=credit_note, default=0),
        )
    )
    with transaction.atomic():
        takings_model.objects.filter(practice_id=practice_id).delete()
        issued_model.objects.filter(practice_id=practice_id).delete()
        takings_model.objects.bulk_create(
            takings_model(
                practice_id=practice_id,
                month=row["first"],
                method=row["method"],
                therapist_id=row["who"],
                **{name: row[name] for name in ("payments", "refunds", "received", "refunded")},
            )
            for row in takings
        )
        issued_model.objects.bulk_create(
            issued_model(
                practice_id=practice_id,
                month=row["first"],
                **{name: row[name] for name in ("invoices", "invoiced", "credit_notes", "credited")},
            )
            for row in issued
        )
