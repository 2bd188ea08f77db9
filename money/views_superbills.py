"""Superbills (US practices): the client asks on "My invoices", their therapist prepares, the client downloads.

Every page answers 404 outside the US. The therapist's page follows the clinical record's rule
(``money.superbills.get_superbill_for_staff``); the client sees only their own, once prepared.
Nothing here sends an email, and a superbill is never attached to one.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_POST

from audit.services import audit_read
from money.forms_superbills import SuperbillPrepareForm, SuperbillRequestForm, mine_superbills
from money.superbills import (
    SuperbillError,
    client_for_superbills,
    codes_of,
    get_superbill_for_client,
    get_superbill_for_staff,
    has_charged_sessions,
    superbill_context,
    superbill_filename,
    superbill_pdf,
    superbill_prepare,
    superbill_request,
)
from money.views_client import _mine_context, _private
from practice.access import client_required, staff_required


def _today(practice):
    return timezone.localdate(timezone=practice.zone)


def _day(day) -> str:
    return date_format(day, "j F Y")


# --- the client ------------------------------------------------------------------------------------


@client_required
@require_POST
def superbill_ask(request):
    client = client_for_superbills(request.user)
    today = _today(client.practice)
    form = SuperbillRequestForm(request.POST, today=today)
    if form.is_valid():
        first, last = form.cleaned_data["first"], form.cleaned_data["last"]
        if not has_charged_sessions(client, first, last):
            form.add_error(
                None,
                f"There are no sessions charged between {_day(first)} and {_day(last)}, so there is nothing for "
                "a superbill to show yet. Please choose another period.",
            )
        else:
            try:
                _, new = superbill_request(client=client, first_day=first, last_day=last, request=request)
            except SuperbillError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    "Thank you. Your therapist will prepare your superbill, and it will be here when it is ready."
                    if new
                    else "You have already asked for this one: your therapist will prepare it, and it will be here.",
                )
                return redirect(reverse("money:mine") + "#superbills")
    context = _mine_context(request, client)
    context["superbills"] = mine_superbills(client, today=today, form=form)
    return _private(render(request, "money/client/mine.html", context, status=400))


@client_required
def mine_superbill(request, superbill_uuid):
    superbill = get_superbill_for_client(request.user, superbill_uuid)
    context = superbill_context(superbill)
    context["pdf_url"] = reverse("money:mine_superbill_pdf", kwargs={"superbill_uuid": superbill.uuid})
    return _private(render(request, "money/superbill/client.html", context))


@client_required
def mine_superbill_pdf(request, superbill_uuid):
    superbill = get_superbill_for_client(request.user, superbill_uuid)
    response = HttpResponse(superbill_pdf(superbill), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{superbill_filename(superbill)}"'
    return _private(response)


# --- the therapist ----------------------------------------------------------------------------------


@staff_required
def superbill_staff(request, superbill_uuid):
    """The client's own therapist prepares the superbill (diagnosis codes, if any); an emergency reader reads it."""
    superbill, can_write = get_superbill_for_staff(request.user, superbill_uuid)
    if request.method == "POST":
        if not can_write:
            raise Http404  # an emergency reader reads, never writes
        form = SuperbillPrepareForm(request.POST)
        if form.is_valid():
            superbill_prepare(
                superbill=superbill,
                by=request.staff,
                diagnosis_codes=form.cleaned_data["diagnosis_codes"],
                request=request,
            )
            messages.success(
                request, "The superbill is ready. Your client can download it from \u201cMy invoices\u201d."
            )
            return redirect("money:client", client_uuid=superbill.client.uuid)
        status = 400
    else:
        form = SuperbillPrepareForm(initial={"diagnosis_codes": ", ".join(codes_of(superbill))}) if can_write else None
        status = 200
        if superbill.prepared_at is not None:
            # The diagnosis codes are clinical: staff reading a prepared superbill is audited like a note.
            audit_read(request, superbill, client=superbill.client)
    context = superbill_context(superbill)
    context.update(form=form, can_write=can_write, client=superbill.client)
    return render(request, "money/superbill/staff.html", context, status=status)
