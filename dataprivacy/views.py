from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from dataprivacy.access import get_erasure_for_owner
from dataprivacy.forms import ErasureCompleteForm, ErasureRequestForm, RetentionForm
from dataprivacy.models import ErasureRequest, PrivacySettings
from dataprivacy.services import erasure_cancel, erasure_complete, erasure_request, export_build
from practice.access import client_required, owner_required


def _pending(client):
    return ErasureRequest.objects.pending().filter(client=client).first()


@client_required
def mine(request):
    return render(request, "dataprivacy/mine.html", {"pending": _pending(request.client), "form": ErasureRequestForm()})


@client_required
@require_POST
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
    return render(request, "dataprivacy/mine.html", {"pending": _pending(request.client), "form": form}, status=200)


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
