"""Who may see a client's money: the client, their own therapist, and the practice's office.

Money is not clinical, so the office (owners and administrators, ``StaffMember.runs_office``) manages
every client's billing without emergency access; a therapist sees only their own clients'. An erased client's financial records are kept under
restriction (docs/money.md): no page opens them. Each helper returns the object or raises Http404.
"""

from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import Http404

from core.compiled import CompiledRead
from money.models import AgreedFee, Charge, Invoice, Payment
from practice.access import client_for, client_in_practice, known_to, staff_for
from practice.models import Client, StaffMember


def may_manage_billing(staff: StaffMember | None, client: Client) -> bool:
    if staff is None or staff.practice_id != client.practice_id or client.is_erased:
        return False
    return staff.runs_office or client.therapist_id == staff.pk


def staff_for_money(user) -> StaffMember:
    """Any active staff member (their own lists show only what they may see)."""
    staff = staff_for(user)
    if staff is None:
        raise Http404
    return staff


def owner_for_money(user) -> StaffMember:
    """An owner or administrator: the practice's fees, billing settings and everyone's money."""
    staff = staff_for(user)
    if staff is None or not staff.runs_office:
        raise Http404
    return staff


def get_client_for_billing(user, client_uuid) -> tuple[Client, StaffMember]:
    """A client whose billing ``user`` manages, and the staff member they are."""
    staff = staff_for_money(user)
    client = client_in_practice(staff, client_uuid)
    if not may_manage_billing(staff, client):
        raise Http404
    return client, staff


def _for_staff(model, related=()) -> CompiledRead:
    """A document, payment, charge or fee by its UUID in a practice, with its client, their person and erasure row:
    read on every view of its page, so built by the ORM once (core/compiled.py)."""
    return CompiledRead(
        model,
        lambda shape, *, uuid, practice: model.objects.select_related("client__user", "client__erasure", *related)
        .filter(uuid=uuid, client__practice=practice)
        .order_by()[:1],
        {"uuid": UUID, "practice": int},
    )


# Neither the supplier (the invoice keeps its own copy of what it shows) nor, for a credit note, the invoice it
# credits is joined: most pages are of invoices, which need neither.
_INVOICE = _for_staff(Invoice)
_PAYMENT = _for_staff(Payment, ("supplier", "invoice"))
_CHARGE = _for_staff(Charge, ("appointment",))
_AGREED_FEE = _for_staff(AgreedFee)


def _get_for_staff(read: CompiledRead, user, uuid):
    staff = staff_for_money(user)
    try:
        found = read.first(uuid=uuid, practice=staff.practice_id)
    except ValueError:
        raise Http404 from None
    if found is None:
        raise Http404
    # Found within the staff member's practice, already read: the pages' "which practice" asks nothing more.
    for obj in (found, found.client):
        if getattr(obj, "practice_id", None) == staff.practice_id:
            obj.practice = staff.practice
    known_to(staff, found.client)
    if not may_manage_billing(staff, found.client):
        raise Http404
    return found, staff


def get_invoice_for_staff(user, invoice_uuid) -> tuple[Invoice, StaffMember]:
    return _get_for_staff(_INVOICE, user, invoice_uuid)


def get_payment_for_staff(user, payment_uuid) -> tuple[Payment, StaffMember]:
    return _get_for_staff(_PAYMENT, user, payment_uuid)


def get_charge_for_staff(user, charge_uuid) -> tuple[Charge, StaffMember]:
    return _get_for_staff(_CHARGE, user, charge_uuid)


def get_agreed_fee_for_staff(user, fee_uuid) -> tuple[AgreedFee, StaffMember]:
    return _get_for_staff(_AGREED_FEE, user, fee_uuid)


def client_for_money(user) -> Client:
    client = client_for(user)
    if client is None:
        raise Http404
    return client


def get_invoice_for_client(user, invoice_uuid) -> Invoice:
    """One of the signed-in client's own invoices or credit notes."""
    client = client_for_money(user)
    try:
        return Invoice.objects.select_related("supplier", "credits", "client__user", "practice").get(
            uuid=invoice_uuid, client=client
        )
    except (Invoice.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_payment_for_client(user, payment_uuid) -> Payment:
    client = client_for_money(user)
    try:
        return Payment.objects.select_related("supplier", "invoice", "client__user", "practice").get(
            uuid=payment_uuid, client=client
        )
    except (Payment.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
