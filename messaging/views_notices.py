"""Practice notices: the owner or the administrator publishes and withdraws them; a client dismisses one
from their home page. Notices are practical news for everyone (a holiday closure), never clinical."""

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from messaging.forms_staff import NoticeForm
from messaging.models import Notice
from messaging.notices import current, for_practice, notice_publish, notice_read, notice_withdraw
from practice.access import client_required, office_required

LIST_SIZE = 50


@office_required
@require_http_methods(["GET", "POST"])
def notices(request):
    staff = request.staff
    form = NoticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        notice_publish(staff=staff, request=request, **form.cleaned_data)
        flash.success(request, "Published. Every client sees it on their home page until they have read it.")
        return redirect("messaging:notices")
    today = timezone.localdate(timezone=staff.practice.zone)
    found = list(for_practice(staff.practice)[:LIST_SIZE])
    shown = {n.pk for n in current(staff.practice, today=today).filter(pk__in=[n.pk for n in found])}
    return render(
        request,
        "messaging/notices/list.html",
        {"form": form, "rows": [(n, n.pk in shown) for n in found]},
        status=400 if form.errors else 200,
    )


def _notice_of(practice, notice_uuid) -> Notice:
    try:
        return Notice.objects.get(uuid=notice_uuid, practice=practice)
    except (Notice.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


@office_required
@require_POST
def notice_withdraw_view(request, notice_uuid):
    notice = _notice_of(request.staff.practice, notice_uuid)
    notice_withdraw(notice=notice, staff=request.staff, request=request)
    flash.success(request, "Withdrawn: clients no longer see it.")
    return redirect("messaging:notices")


@client_required
@require_POST
def notice_read_view(request, notice_uuid):
    client = request.client
    notice = _notice_of(client.practice, notice_uuid)
    notice_read(notice=notice, client=client)
    if request.htmx:
        return HttpResponse("")
    return redirect("practice:client_home")
