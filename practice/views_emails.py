"""The owner's "Emails" page: emails that could not be sent or are waiting long, sent again or put away."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from outbox.health import jobs_health
from outbox.models import Email
from outbox.services import email_dismiss, email_try_again
from practice.access import owner_required

PAGE_SIZE = 50


@owner_required
def email_list(request):
    """Emails that could not be sent or are waiting long: who they were for and why, never their words."""
    practice = request.staff.practice
    attention = Email.objects.needing_attention(practice).order_by("status", "-created_at")
    page = Paginator(attention, PAGE_SIZE).get_page(request.GET.get("page"))
    recent = Email.objects.filter(practice=practice, status=Email.Status.SENT).order_by("-sent_at")[:20]
    return render(
        request,
        "outbox/list.html",
        {"page": page, "recent": recent, "health": jobs_health()},
    )


def _email_for_owner(request, email_uuid) -> Email:
    return get_object_or_404(Email, uuid=email_uuid, practice=request.staff.practice)


@owner_required
@require_POST
def email_retry(request, email_uuid):
    email = _email_for_owner(request, email_uuid)
    if email_try_again(email=email, actor=request.user, request=request):
        messages.success(request, "It will be sent again in a moment.")
    else:
        messages.info(request, "That email is no longer waiting for you: it was sent or is being sent.")
    return redirect("practice:emails")


@owner_required
@require_POST
def email_put_away(request, email_uuid):
    email = _email_for_owner(request, email_uuid)
    if email_dismiss(email=email, actor=request.user, request=request):
        messages.success(request, "Put away. It stays in the record of emails.")
    return redirect("practice:emails")
