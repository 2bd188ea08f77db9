"""Money's panels (core/panels.py): the late-cancellation policy shown to a client before booking and cancelling."""

from django.template.loader import render_to_string

from core.compiled import CompiledRead, counted
from core.panels import reading
from money.models import BillingMode, BillingSettings, Charge, ClientBilling
from money.selectors import waiting_asked, waiting_totals


def booking_terms(request, client) -> str:
    """The practice's late-cancellation fee, in plain words, when it has one and the client is invoiced. Two queries."""
    settings = BillingSettings.for_practice(client.practice)
    if not settings.late_cancel_enabled or not settings.late_cancel_fee:
        return ""
    mode = ClientBilling.objects.filter(client=client).values_list("mode", flat=True).first()
    if (mode or settings.default_billing) == BillingMode.NOT_INVOICED:
        return ""  # a client who is not invoiced is never charged for a late cancellation
    return render_to_string(
        "money/client/panel_booking_terms.html",
        {
            "hours": settings.late_cancel_hours,
            "fee": settings.late_cancel_fee,
            "currency": settings.currency,
            "locale": settings.locale,
        },
        request=request,
    )


CLIENT_BOOKING_TERMS = [booking_terms]


# --- the staff's panels: what is waiting, on their home, the owner's practice page and a client's page ---------


def _waiting_panel(request, staff, *, heading_id: str) -> str:
    """What is waiting to be invoiced and to be paid among the clients ``staff`` sees. A fixed four queries."""
    totals = waiting_totals(staff)
    if not totals["charges"] and not totals["unpaid"]:
        return ""
    settings = BillingSettings.for_practice(staff.practice)
    return render_to_string(
        "money/staff/panel_waiting.html",
        {
            "heading_id": heading_id,
            "charges": totals["charges"],
            "unpaid": totals["unpaid"],
            "unpaid_total": totals["unpaid_total"],
            "currency": settings.currency,
            "locale": settings.locale,
        },
        request=request,
    )


def _waiting_reads(request, staff) -> list:
    return [*waiting_asked(staff), BillingSettings.asked_for(staff.practice_id)]


@reading(_waiting_reads)
def therapist_money(request, staff) -> str:
    return _waiting_panel(request, staff, heading_id="money-therapist-heading")


@reading(lambda request, staff: _waiting_reads(request, staff) if staff.runs_office else [])
def owner_money(request, staff) -> str:
    return _waiting_panel(request, staff, heading_id="money-owner-heading") if staff.runs_office else ""


# How many of a client's charges wait to be invoiced, built once (core/compiled.py).
_CHARGES_WAITING = CompiledRead(
    Charge, lambda shape, *, client: counted(Charge.objects.for_client(client).waiting(), "client"), {"client": int}
)


def _record_money_reads(request, client) -> list:
    from money.access import may_manage_billing
    from money.ledger import totals_asked

    if not may_manage_billing(getattr(request, "staff", None), client):
        return []
    return [
        BillingSettings.asked_for(client.practice_id),
        *totals_asked(client),
        _CHARGES_WAITING.asked(client=client.pk),
    ]


@reading(_record_money_reads)
def record_money(request, client) -> str:
    """A client's balance and what is waiting, for their therapist or an owner: four queries, whatever the
    history (the balance is summed in the database: the panel shows no invoice, so none is read)."""
    from money.access import may_manage_billing
    from money.ledger import totals

    if not may_manage_billing(getattr(request, "staff", None), client):
        return ""
    settings = BillingSettings.for_practice(client.practice)
    balance = totals(client).balance
    return render_to_string(
        "money/staff/panel_record.html",
        {
            "client": client,
            "account": {"balance": balance, "credit": max(-balance, 0)},
            "waiting": _CHARGES_WAITING.row(client=client.pk, default=(0,))[0],
            "currency": settings.currency,
            "locale": settings.locale,
        },
        request=request,
    )


def therapist_superbills(request, staff) -> str:
    """Superbills the therapist's own clients asked for and that wait to be prepared (US practices only)."""
    from money.superbills import superbills_waiting_for  # as record_money: loaded when first drawn

    waiting = superbills_waiting_for(staff)
    if not waiting:
        return ""
    return render_to_string("money/superbill/panel_waiting.html", {"superbills": waiting}, request=request)


THERAPIST_HOME = [therapist_money, therapist_superbills]
OWNER_HOME = [owner_money]
OFFICE_HOME = [owner_money]
CLIENT_RECORD = [record_money]
