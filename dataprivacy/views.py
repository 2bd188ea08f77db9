from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.replica import reading_from_replica
from dataprivacy.access import get_erasure_for_owner
from dataprivacy.forms import ErasureCompleteForm, ErasureRequestForm, HoldBackForm, RetentionForm
from dataprivacy.models import ErasureRequest, HeldBackOpening, PrivacySettings
from dataprivacy.openings import PAGE_SIZE, record_openings
from dataprivacy.services import (
    erasure_cancel,
    erasure_complete,
    erasure_request,
    export_build,
    opening_hold_back,
    opening_show_again,
    space_kept_until,
)
from practice.access import client_required, get_client_for_owner, owner_required


def _pending(client):
    return ErasureRequest.objects.pending().filter(client=client).first()


def _mine(request, form, status=200):
    client = request.client
    context = {"pending": _pending(client), "form": form, "kept_until": space_kept_until(client)}
    return render(request, "dataprivacy/mine.html", context, status=status)


@client_required
def mine(request):
    return _mine(request, ErasureRequestForm())


@client_required
@require_POST
@reading_from_replica()  # a caught-up replica, else the primary (core/replica.py)
def export(request):
    data = export_build(client=request.client, request=request)
    response = HttpResponse(data, content_type="application/zip")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="my-data-{stamp}.zip"'
    return response


@client_required
@require_POST
def erase_request(request):
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        erasure_request(client=request.client, request=request)
        messages.success(request, "Your request is with the practice. You can change your mind until it is done.")
        return redirect("dataprivacy:mine")
    return _mine(request, form)


@client_required
@require_POST
def erase_cancel(request):
    pending = _pending(request.client)
    if pending is not None:
        erasure_cancel(erasure=pending, request=request)
        messages.success(request, "You have withdrawn your request. Nothing has been deleted.")
    return redirect("dataprivacy:mine")


@owner_required
def requests(request):
    practice = request.staff.practice
    settings_obj = PrivacySettings.for_practice(practice)
    form = RetentionForm(request.POST or None, instance=settings_obj)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Retention period saved.")
        return redirect("dataprivacy:requests")
    erasures = ErasureRequest.objects.in_practice(practice).select_related("client__user").order_by("-requested_at")
    return render(
        request,
        "dataprivacy/requests.html",
        {
            "pending": [e for e in erasures if e.completed_at is None and e.cancelled_at is None],
            "restricted": [e for e in erasures if e.completed_at is not None],
            "form": form,
        },
    )


@owner_required
def complete(request, client_uuid):
    erasure = get_erasure_for_owner(request.staff, client_uuid)
    if erasure.completed_at is not None or erasure.cancelled_at is not None:
        return redirect("dataprivacy:requests")
    form = ErasureCompleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        erasure_complete(erasure=erasure, owner=request.staff, request=request)
        messages.success(
            request, "Erasure complete. The practice's records are kept, restricted, until the retention date."
        )
        return redirect("dataprivacy:requests")
    return render(request, "dataprivacy/complete.html", {"erasure": erasure, "form": form})


# --- Who has opened my record ---------------------------------------------------


@client_required
def openings(request):
    """The client's own list. Not audited: it is their own data, and auditing it would list nothing new."""
    client = request.client
    page = Paginator(record_openings(client), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dataprivacy/openings.html", {"page": page, "practice": client.practice})


@owner_required
def owner_openings(request, client_uuid):
    """What the client sees on their list, line by line, with a way to hold a line back or show it again."""
    client = get_client_for_owner(request.user, client_uuid)
    if client.is_erased:
        raise Http404  # an erased client's kept record is restricted
    failed = None
    if request.method == "POST":
        if request.POST.get("op") == "show":
            try:
                held = HeldBackOpening.objects.in_force().filter(client=client, uuid=request.POST.get("held")).first()
            except (ValidationError, ValueError):
                held = None
            if held is not None:
                opening_show_again(held=held, owner=request.staff, request=request)
                messages.success(request, f"{client.display_name} can see that line again.")
            return redirect("dataprivacy:owner_openings", client_uuid=client.uuid)
        failed = HoldBackForm(request.POST, auto_id="id_held_%s")
        if failed.is_valid():
            keys = {opening.key for opening in record_openings(client, for_owner=True)}
            if failed.cleaned_data["key"] in keys:
                opening_hold_back(
                    client=client,
                    key=failed.cleaned_data["key"],
                    reason=failed.cleaned_data["reason"],
                    owner=request.staff,
                    request=request,
                )
                messages.success(request, f"That line is held back: {client.display_name} does not see it.")
            else:
                messages.info(request, "That line is no longer on the list, so there was nothing to hold back.")
            return redirect("dataprivacy:owner_openings", client_uuid=client.uuid)
    page = Paginator(record_openings(client, for_owner=True), PAGE_SIZE).get_page(request.GET.get("page"))
    # One line's form at a time: the one whose "Hold this back…" link was followed (``?hold=<key>``), or the
    # one just refused. Holding back is rare and deliberate; a form on every line made this the slowest of the
    # owner's pages (46 ms in process, 17 ms with one form: docs/benchmarks.md).
    chosen = failed.data.get("key") if failed is not None else request.GET.get("hold")
    for opening in page.object_list:
        opening.form = None
        if opening.key == chosen and not opening.held_back:
            opening.form = failed or HoldBackForm(initial={"key": opening.key}, auto_id="id_held_%s")
    here = request.GET.copy()
    here.pop("hold", None)
    return render(
        request,
        "dataprivacy/owner_openings.html",
        {"client": client, "page": page, "practice": client.practice, "failed": failed, "here": here.urlencode()},
    )
