"""The office's books (owners and administrators): the reports page and the accountant's CSV files.

Nothing here is clinical; every figure is summed in the database (money/reports.py) and each CSV is
audited as an export (money/exports.py says what is in it).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import urlencode
from django.utils.text import slugify

from audit.models import AuditEvent
from audit.services import audit_record
from core.replica import reading_from_replica
from money.exports import PAYMENT_COLUMNS, XERO_COLUMNS, payment_rows, to_csv, xero_invoice_rows
from money.models import BillingSettings, Supplier
from money.reports import Period, PeriodError, period_from, practice_report
from money.selectors import supplier_names
from practice.access import office_required


@office_required
@reading_from_replica()  # a caught-up replica, else the primary (core/replica.py)
def reports(request):
    staff = request.staff
    practice = staff.practice
    settings = BillingSettings.for_practice(practice)
    today = staff.today()
    problem = ""
    try:
        period = period_from(request.GET, today)
    except PeriodError as error:
        # A kind word and this month's figures: a mistyped address never costs a page.
        problem = str(error)
        period = Period.month(today.year, today.month)
    report = practice_report(practice, period, today)
    suppliers = supplier_names(practice.pk)
    query = urlencode(period.query)
    base = reverse("money:reports")
    return render(
        request,
        "money/reports/reports.html",
        {
            "report": report,
            "period": period,
            "problem": problem,
            "this_month": Period.month(today.year, today.month),
            "previous_url": f"{base}?{urlencode(period.previous().query)}",
            "next_url": f"{base}?{urlencode(period.next().query)}",
            "year_url": f"{base}?{urlencode({'year': period.first.year})}",
            "exports": [
                {
                    "name": name,
                    "invoices_url": f"{reverse('money:export_invoices')}?{query}&supplier={uuid}",
                    "payments_url": f"{reverse('money:export_payments')}?{query}&supplier={uuid}",
                }
                for uuid, name in suppliers
            ],
            "currency": settings.currency,
            "locale": settings.locale,
        },
    )


def _supplier(practice, uuid) -> Supplier | None:
    """The practice's supplier named in the address; without one, the practice's own (None before anything
    was invoiced: the file then has its header only). Another practice's, or nonsense, is a 404."""
    if not uuid:
        return Supplier.objects.filter(practice=practice, therapist__isnull=True).first()
    try:
        return Supplier.objects.get(practice=practice, uuid=uuid)
    except (Supplier.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def _export(request, *, what: str, header: list[str], rows_for):
    """A CSV of one supplier's period, as an attachment that is never cached, audited as an export."""
    staff = request.staff
    practice = staff.practice
    supplier = _supplier(practice, request.GET.get("supplier"))
    try:
        period = period_from(request.GET, staff.today())
    except PeriodError as error:
        # Never a file of another period than the one asked for: back to the page, with what to do.
        messages.error(request, f"We could not make that file. {error}")
        return redirect("money:reports")
    rows = rows_for(supplier, period.first, period.last) if supplier is not None else []
    audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="money.export",
        object_id=supplier.uuid if supplier is not None else "",
        request=request,
        practice=practice,
        detail={"what": what, "from": period.first.isoformat(), "to": period.last.isoformat(), "rows": len(rows)},
    )
    response = HttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    name = slugify(supplier.name if supplier is not None else practice.name) or "practice"
    filename = f"{what}-{name}-{period.slug}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    add_never_cache_headers(response)
    return response


@office_required
@reading_from_replica()  # a caught-up replica, else the primary (core/replica.py)
def export_invoices(request):
    return _export(request, what="xero-invoices", header=XERO_COLUMNS, rows_for=xero_invoice_rows)


@office_required
@reading_from_replica()  # a caught-up replica, else the primary (core/replica.py)
def export_payments(request):
    return _export(request, what="payments", header=PAYMENT_COLUMNS, rows_for=payment_rows)
