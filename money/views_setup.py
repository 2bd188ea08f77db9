"""The practice's billing set-up: settings and policy, the practice as supplier, fees, and therapists' billing.

The owner sets everything here. A therapist sees the fees that apply to them (read only), and keeps
their own professional registration, and their own invoicing details if they invoice in their own
name; whether they do is the practice's setting. Every change is audited (``billing_event``), by the
names of what changed, never amounts.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from money.access import owner_for_money, staff_for_money
from money.forms_setup import BillingSettingsForm, FeeForm, OwnSupplierForm, SupplierForm, TherapistBillingForm
from money.models import BillingSettings, Fee, Supplier, TaxStatus
from money.online import online_enabled
from money.selectors import money_recorded, own_supplier, therapists_with_billing
from money.services import billing_event, practice_supplier, tax_for, therapist_billing
from practice.access import get_staff_for_office
from practice.models import StaffMember


def _today(practice):
    return timezone.localdate(timezone=practice.zone)


def _snapshot(obj, names) -> dict:
    return {name: getattr(obj, name) for name in names}


def _changed(obj, before: dict) -> list[str]:
    return [name for name, value in before.items() if getattr(obj, name) != value]


def _own_supplier(member: StaffMember) -> Supplier:
    """The therapist's own supplier, or a new one named after them (saved only when its form is)."""
    found = own_supplier(member.pk)
    if found is None:
        found = Supplier.new_for_therapist(member)
    return found


def _invoiced_by(member: StaffMember, billing) -> Supplier | None:
    """Who invoices ``member``'s sessions as things stand (without making anything)."""
    if billing.invoices_in_own_name:
        return own_supplier(member.pk)
    return practice_supplier(member.practice)


def _tax_words(supplier: Supplier | None, billing) -> str:
    """The VAT on ``billing``'s therapist's sessions, in plain words (HMRC VATHLT2300)."""
    if supplier is None or supplier.tax_status == TaxStatus.NONE:
        return "No VAT: the invoices have no VAT line."
    treatment, rate = tax_for(supplier, billing)
    if treatment == "exempt":
        return (
            f"Exempt from VAT: {billing.register} is a statutory register, so the invoices say the sessions are exempt."
        )
    if treatment == "standard":
        return (
            f"VAT at {rate.normalize():f}% is inside each fee and shown on each line: {supplier.name} is "
            f"registered for VAT and the therapist's register is not a statutory one."
        )
    return f"{supplier.tax_label} at {rate.normalize():f}% is inside each fee and shown on each line."


# --- the practice's settings, and the practice as supplier ----------------------------------------

_SETTINGS_FIELDS = BillingSettingsForm.Meta.fields
_SUPPLIER_FIELDS = SupplierForm.Meta.fields


def _therapist_row(member) -> tuple:
    """A therapist, their registration line ("" when none is given) and whether they invoice in their own name.

    Read here, not as ``member.billing`` in the template: for a therapist with no billing row yet that lookup
    raised, and the template engine searched the member with ``dir()`` before giving up, twice a therapist.
    """
    billing = member.billing if hasattr(member, "billing") else None
    if billing is None:
        return member, "", False
    return member, billing.registration_line, billing.invoices_in_own_name


@login_required
def settings_page(request):
    staff = owner_for_money(request.user)
    practice = staff.practice
    settings = BillingSettings.for_practice(practice)
    supplier = practice_supplier(practice)
    before = _snapshot(settings, _SETTINGS_FIELDS), _snapshot(supplier, _SUPPLIER_FIELDS)
    data = request.POST if request.method == "POST" else None
    form = BillingSettingsForm(data, instance=settings)
    supplier_form = SupplierForm(data, instance=supplier, prefix="supplier")
    if data is not None and form.is_valid() & supplier_form.is_valid():
        with transaction.atomic():
            changed = _changed(settings, before[0])
            if "currency" in changed and money_recorded(practice.pk):
                # An invoice issued while the form was being filled in.
                form.add_error("currency", "The currency cannot change now: an invoice has just been issued.")
            else:
                settings.updated_at = timezone.now()
                form.save()
                supplier_form.save()
                supplier_changed = _changed(supplier, before[1])
                parts = [f"settings: {', '.join(changed)}" if changed else "", ""]
                if supplier_changed:
                    parts[1] = f"practice supplier: {', '.join(supplier_changed)}"
                billing_event(
                    practice=practice,
                    request=request,
                    what="; ".join(filter(None, parts)) or "settings saved unchanged",
                )
                messages.success(request, "Billing settings saved.")
                return redirect("money:settings")
    therapists = [_therapist_row(member) for member in therapists_with_billing(practice.pk)]
    return render(
        request,
        "money/setup/settings.html",
        {
            "form": form,
            "supplier_form": supplier_form,
            "settings": settings,
            "therapists": therapists,
            "online": online_enabled(),
        },
        status=400 if form.errors or supplier_form.errors else 200,
    )


# --- fees -----------------------------------------------------------------------------------------


def _fee_groups(fees, today) -> dict:
    """Fees coming (from a later day), in force today (the newest of each kind that has begun), and earlier."""
    coming, current, earlier, seen = [], [], [], set()
    for fee in sorted(fees, key=lambda f: (f.valid_from, f.created_at), reverse=True):
        key = (fee.therapist_id, fee.minutes, fee.mode)
        if fee.valid_from > today:
            coming.append(fee)
        elif key in seen:
            earlier.append(fee)
        else:
            seen.add(key)
            current.append(fee)
    return {"coming": coming[::-1], "current": current, "earlier": earlier}


@login_required
def fees(request):
    """The office (owners, administrators) lists and adds fees; a therapist sees the fees that apply to them, and changes none."""
    staff = staff_for_money(request.user)
    if not staff.runs_office and (request.method == "POST" or not staff.is_therapist):
        raise Http404
    practice = staff.practice
    settings = BillingSettings.for_practice(practice)
    today = _today(practice)
    form = None
    if staff.runs_office:
        form = FeeForm(
            request.POST if request.method == "POST" else None, practice=practice, settings=settings, today=today
        )
        if request.method == "POST" and form.is_valid():
            with transaction.atomic():
                fee = Fee.objects.create(practice=practice, created_by=staff, **form.cleaned_data)
                billing_event(practice=practice, request=request, what=f"fee {fee.uuid} added, from {fee.valid_from}")
            messages.success(
                request,
                f"The fee is added. Sessions before {fee.valid_from.day} {fee.valid_from:%B %Y} keep the fee they had."
                if fee.valid_from > today
                else "The fee is added.",
            )
            return redirect("money:fees")
    found = Fee.objects.filter(practice=practice).select_related("therapist__user")
    if not staff.runs_office:
        found = found.filter(Q(therapist=staff) | Q(therapist__isnull=True))
    return render(
        request,
        "money/setup/fees.html",
        {
            "form": form,
            "settings": settings,
            "today": today,
            "viewer": staff,
            **_fee_groups(found, today),
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def fee_delete(request, fee_uuid):
    """Remove a fee that has not begun (a slip, a change of plan). A fee that has begun stays: add a new one."""
    staff = owner_for_money(request.user)
    try:
        fee = Fee.objects.get(uuid=fee_uuid, practice=staff.practice)
    except (Fee.DoesNotExist, ValueError):
        raise Http404 from None
    if fee.valid_from <= _today(staff.practice):
        messages.error(
            request,
            "That fee has already begun, so it stays: sessions charged with it keep it. "
            "To change the fee from now on, add a new one from today.",
        )
        return redirect("money:fees")
    with transaction.atomic():
        billing_event(
            practice=staff.practice, request=request, what=f"fee {fee.uuid} removed before it began ({fee.valid_from})"
        )
        fee.delete()
    messages.success(request, "The fee is removed.")
    return redirect("money:fees")


# --- a therapist's billing, by the owner and by the therapist -------------------------------------

_BILLING_FIELDS = TherapistBillingForm.Meta.fields


def _billing_page(request, *, member, own_name: bool, template: str, done: str, back: str):
    """``member``'s registration, and their own invoicing details when invoices come from them.

    ``own_name``: whether this page may switch invoicing in their own name (the owner's page) or not
    (the therapist's own); on the therapist's own page they edit their supplier's details, not its numbering.
    """
    billing = therapist_billing(member)
    own = _own_supplier(member)
    # As things stand, before anything typed here: who invoices their sessions, and with what VAT.
    invoiced_by = _invoiced_by(member, billing)
    tax_words = _tax_words(invoiced_by, billing)
    before = _snapshot(billing, _BILLING_FIELDS), _snapshot(own, _SUPPLIER_FIELDS)
    data = request.POST if request.method == "POST" else None
    form = TherapistBillingForm(data, instance=billing, own_name=own_name)
    supplier_class = SupplierForm if own_name else OwnSupplierForm
    supplier_form = supplier_class(data, instance=own, prefix="supplier")
    if data is not None and form.is_valid():
        in_own_name = form.cleaned_data.get("invoices_in_own_name", billing.invoices_in_own_name)
        if not in_own_name:
            # Their own details are not used: nothing of them is checked or saved.
            supplier_form = supplier_class(instance=own, prefix="supplier")
        if not in_own_name or supplier_form.is_valid():
            with transaction.atomic():
                form.save()
                if in_own_name:
                    supplier_form.save()
                changed = _changed(billing, before[0])
                supplier_changed = _changed(own, before[1]) if in_own_name else []
                billing_event(
                    practice=member.practice,
                    request=request,
                    what=f"billing of {member.uuid}: "
                    + (", ".join([*changed, *(f"own supplier {name}" for name in supplier_changed)]) or "unchanged"),
                )
            messages.success(request, done)
            return redirect(back)
    shows_own = form.instance.invoices_in_own_name
    return render(
        request,
        template,
        {
            "member": member,
            "form": form,
            "supplier_form": supplier_form,
            "shows_own": shows_own,
            "tax_words": tax_words,
            "invoiced_by": invoiced_by,
        },
        status=400 if form.errors or supplier_form.errors else 200,
    )


@login_required
def staff_billing(request, staff_uuid):
    member = get_staff_for_office(request.user, staff_uuid)
    if not member.is_therapist:
        raise Http404
    return _billing_page(
        request,
        member=member,
        own_name=True,
        template="money/setup/staff_billing.html",
        done=f"{member.display_name}'s billing is saved.",
        back=request.path,
    )


@login_required
def my_billing(request):
    staff = staff_for_money(request.user)
    if not staff.is_therapist:
        raise Http404
    return _billing_page(
        request,
        member=staff,
        own_name=False,
        template="money/setup/my_billing.html",
        done="Your billing details are saved.",
        back=request.path,
    )
