"""The client's side of messages: their conversation with their therapist (and, where the practice has an
administrator, with the practice), sending, the autosaved draft, polling for answers, their choices, and
the one view that serves an attachment's bytes (shared with the practice's pages).
"""

import uuid

from django.contrib import messages as flash
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.html import format_many, format_rows
from core.links import constant_url
from crisis.contacts import contacts_for
from messaging import access, selectors, services, words
from messaging.attachments import MAX_FILES, prepare_upload
from messaging.forms import ChoicesForm, DraftForm, SendForm
from messaging.models import (
    MAX_ATTACHMENT_BYTES,
    MAX_MESSAGE_LENGTH,
    Attachment,
    Conversation,
    Message,
    MessagingSettings,
)
from messaging.replies import reply_by
from mindfulness.content import SELF_COMPASSION_BREAK_SLUG, builtin
from practice.access import client_required, staff_for
from practice.away import first_away
from practice.models import AwayPeriod
from risk.detection import Findings

CARE = Conversation.Kind.CARE
OFFICE = Conversation.Kind.OFFICE
CARE_ENDED_REFUSAL = (
    "Our work together has ended, so this message was not sent: nobody at the practice would read it here."
)


def _who(conversation: Conversation) -> str:
    """Who answers: the therapist by name, or the practice."""
    if conversation.kind == CARE:
        return conversation.client.therapist.display_name
    return conversation.client.practice.name


def _promise(conversation: Conversation) -> tuple[str, int, int]:
    """The promise in the answerer's words, their working days to reply, and the long-message length."""
    if conversation.kind == CARE:
        promise = services.settings_for(conversation.client.therapist)
        return promise.promise, promise.reply_within_days, promise.long_message_after
    office = MessagingSettings()
    return (
        "The practice reads messages on working days and replies within two working days.",
        services.OFFICE_REPLY_DAYS,
        office.long_message_after,
    )


def _away(conversation: Conversation, within_days: int) -> AwayPeriod | None:
    """The therapist's time away now or before an answer is due: the one the client should know about."""
    if conversation.kind != CARE:
        return None
    therapist = conversation.client.therapist
    practice = conversation.client.practice
    today = timezone.localdate(timezone=practice.zone)
    # The first time away that has not ended: one query, and nearly always the whole answer (none, or away
    # now). Only one that starts later needs the reply-by date (three more queries) to know if it matters.
    first = first_away(therapist.pk, today)
    if first is None or first.starts_on <= today:
        return first
    if conversation.reply_by is not None:
        horizon = timezone.localdate(conversation.reply_by, timezone=practice.zone)
    else:
        therapist.practice = practice  # the client's practice is the therapist's: not read again
        due = reply_by(practice=practice, staff=therapist, within_days=within_days, sent_at=timezone.now())
        horizon = timezone.localdate(due, timezone=practice.zone)
    return first if first.starts_on <= horizon else None


def _shared_card(message: Message, activities: dict) -> dict | None:
    """A practice or self-care idea the therapist sent: its title and the one link that opens it.

    ``practice``: ``shared_ref`` is a built-in exercise's slug (mindfulness.content).
    ``selfcare``: ``shared_ref`` is the uuid of one of the client's own self-care activities; the card opens
    their self-care plan (an unknown reference still opens the plan, so the card is never a dead end).
    """
    if message.shared_kind == Message.Shared.PRACTICE:
        exercise = builtin(message.shared_ref)
        if exercise is None:
            return {"title": "A practice", "url": constant_url("mindfulness:library"), "label": "Open the practices"}
        return {
            "title": exercise.title,
            "summary": exercise.summary,
            "url": reverse("mindfulness:play", kwargs={"slug": exercise.slug}),
            "label": f"Start “{exercise.title}”",
        }
    if message.shared_kind == Message.Shared.SELFCARE:
        activity = activities.get(message.shared_ref)
        return {
            "title": activity.text if activity else "A self-care idea",
            "url": constant_url("selfcare:plan"),
            "label": "Open my self-care plan",
        }
    return None


def _decorate(messages, conversation: Conversation, unread_after: int):
    """What each message shows, made once here (its words as HTML, its time, its card): ``_messages_html`` writes
    them."""
    activities = selectors.shared_activities(conversation, messages)
    zone = conversation.client.practice.zone
    for message in messages:
        message.is_new = not message.from_client and message.pk > unread_after
        message.card = _shared_card(message, activities) if message.shared_kind else None
        message.author = "You" if message.from_client else message.sender_name
        message.body_html = words.body_html(message.body) if message.body else ""
        words.sent(message, zone, "l j F, H:i")
    return messages


_MESSAGE = (
    '<article class="msg msg--{}" id="message-{}" aria-labelledby="message-{}-who">\n'
    '  <p class="msg__meta" id="message-{}-who"><strong>{}</strong>\n'
    '    <time datetime="{}">{}</time>{}</p>\n'
    "  {}\n  {}\n  {}\n</article>\n"
)
_NEW = format_html(' <span class="msg__new">{}</span>', "New")
_CARD = (
    '\n  <div class="msg__card">\n    <p class="msg__card-title">{}</p>\n    {}\n'
    '    <p><a class="button" href="{}">{}</a></p>\n  </div>\n  '
)
_FILE = '\n    <li><a href="{}">{}</a> <span class="small">({}, {})</span></li>\n    '


def _messages_html(messages) -> str:
    """The messages as the client's conversation (and its poll) shows them, written once here rather than by a
    template included once per message: the twenty includes were the larger part of the page's template work
    (docs/benchmarks.md, sixteenth pass; the practice's side does the same, ``views_staff._messages_html``)."""

    def parts(message):
        card = message.card
        files = message.files
        return (
            "mine" if message.from_client else "theirs",
            message.pk,
            message.pk,
            message.pk,
            message.author,
            message.sent_iso,
            message.sent_label,
            _NEW if message.is_new else "",
            format_many('<div class="msg__body">{}</div>', message.body_html) if message.body_html else "",
            format_many(
                _CARD,
                card["title"],
                format_many('<p class="small">{}</p>', card["summary"]) if card.get("summary") else "",
                card["url"],
                card["label"],
            )
            if card
            else "",
            format_many('\n  <ul class="msg__files">\n    {}\n  </ul>\n  ', words.files_html(files, _FILE))
            if files
            else "",
        )

    return format_rows("", _MESSAGE, (parts(message) for message in messages))


def _page(request, kind, *, form=None, status=200, problem="", findings=None):
    conversation, may_write = access.conversation_of_client(request.user, kind)
    client = conversation.client
    before = request.GET.get("before")
    before_id = int(before) if before and before.isdigit() else None
    messages, has_earlier = selectors.messages_page(conversation, to_staff=False, before_id=before_id)
    unread_after = conversation.client_read_up_to
    if before_id is None:
        services.read_by_client(conversation=conversation)
    promise, within_days, long_after = _promise(conversation)
    may_start = services.client_may_start(conversation)
    sent = None
    sent_uuid = request.GET.get("sent")
    if sent_uuid and form is None:
        try:
            sent = Message.objects.filter(
                conversation=conversation, uuid=uuid.UUID(sent_uuid), sender_staff__isnull=True
            ).first()
        except ValueError:
            sent = None
    if findings is None:
        findings = Findings(
            risk=bool(sent and sent.risk_found),
            failed=request.GET.get("contacts") == "1",
        )
    if form is None:
        form = SendForm(initial={"body": conversation.client_draft or ""})
    newest_id = messages[-1].pk if messages and before_id is None else conversation.last_message_id
    context = {
        "conversation": conversation,
        "kind": conversation.kind,
        "client": client,
        "who": _who(conversation),
        "may_write": may_write,
        "may_start": may_start,
        "care_ended": not may_write,
        # Our work together has ended (issue 21): the care conversation is for reading; the office one is
        # for practical matters only, and says so.
        "after_ending": client.care_has_ended,
        "promise": promise,
        "away": _away(conversation, within_days) if may_write else None,
        "long_after": long_after,
        "max_length": MAX_MESSAGE_LENGTH,
        "max_files": MAX_FILES,
        "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        "messages_html": _messages_html(_decorate(messages, conversation, unread_after)),
        "has_earlier": has_earlier,
        "earlier_before": messages[0].pk if messages else None,
        "paged_back": before_id is not None,
        "newest_id": max(newest_id, conversation.last_message_id) if before_id is None else newest_id,
        "form": form,
        "problem": problem,
        "sent": sent,
        "sent_long": bool(sent and len(sent.body) > long_after),
        "findings": findings,
        "country": contacts_for(client.practice.country),
        "break_slug": SELF_COMPASSION_BREAK_SLUG,
        "zone": client.practice.zone,
        "office_open": access.office_open(client.practice),
        "choices": ChoicesForm(instance=conversation, who=_who(conversation)),
    }
    return render(request, "messaging/client/conversation.html", context, status=status)


@client_required
@require_GET
def mine(request):
    return _page(request, CARE)


@client_required
@require_GET
def mine_kind(request, kind):
    return _page(request, kind)


def _page_url(kind: str) -> str:
    if kind == CARE:
        return constant_url("messaging:mine")
    return reverse("messaging:mine_kind", kwargs={"kind": kind})


@client_required
def send(request, kind):
    """POST: send. GET (after signing in again from a timed-out send): back to the page, draft in the box."""
    conversation, may_write = access.conversation_of_client(request.user, kind)
    if request.method != "POST":
        return redirect(_page_url(kind))
    form = SendForm(request.POST)
    if not may_write:
        # Only the care conversation of a client whose care has ended: refused kindly, nothing is sent.
        # Nothing is lost: the words are shown back to keep (a journal entry, if they wish).
        kept = SendForm(initial={"body": request.POST.get("body", "")})
        return _page(request, kind, form=kept, status=403, problem=CARE_ENDED_REFUSAL)
    if not form.is_valid():
        # Only the hidden key can be wrong (a hand-made form): a fresh one, the words kept.
        form = SendForm(initial={"body": request.POST.get("body", "")})
        return _page(
            request, kind, form=form, status=400, problem="Something went wrong with the form. Please press Send again."
        )
    body = form.cleaned_data["body"]
    files = request.FILES.getlist("files")
    try:
        if len(files) > MAX_FILES:
            raise services.MessageError(f"You can add up to {MAX_FILES} files to one message.")
        prepared = tuple(prepare_upload(file) for file in files)
        message, _created, findings = services.message_send(
            conversation=conversation,
            body=body,
            idempotency_key=form.cleaned_data["key"],
            files=prepared,
            request=request,
        )
    except services.MessageError as error:
        # Keep the words (and the draft), with the same key, so pressing Send again still sends once.
        services.draft_save(conversation=conversation, body=body)
        return _page(request, kind, form=form, status=400, problem=str(error))
    query = f"?sent={message.uuid}"
    if findings.failed:
        query += "&contacts=1"  # detection could not run: show the contacts to be safe
    return redirect(_page_url(kind) + query + "#sent-note")


@client_required
@require_GET
def poll(request, kind):
    """htmx, every 10 seconds: the messages after ``after``, appended to the page and announced briefly.

    Nothing new (nearly every poll): 204 from one indexed query; htmx swaps nothing and the poller keeps
    asking with the same ``after``.
    """
    after = request.GET.get("after", "")
    if not after.isdigit():
        return HttpResponse(status=400)
    after_id = int(after)
    if access.nothing_new_for_client(request.client, kind, after_id):
        return HttpResponse(status=204)
    conversation, _ = access.conversation_of_client(request.user, kind)
    found = selectors.messages_after(conversation, to_staff=False, after_id=after_id)
    if not found:
        return HttpResponse(status=204)
    unread_after = conversation.client_read_up_to
    services.read_by_client(conversation=conversation)
    from_practice = [m for m in found if not m.from_client]
    authors = sorted({m.sender_name for m in from_practice})
    return render(
        request,
        "messaging/client/_poll.html",
        {
            "conversation": conversation,
            "kind": conversation.kind,
            "messages_html": _messages_html(_decorate(found, conversation, unread_after)),
            "newest_id": found[-1].pk,
            "announce": authors,
            "zone": conversation.client.practice.zone,
        },
    )


@client_required
@require_POST
def draft(request, kind):
    """htmx, as the client types (and when the box loses focus): keep the draft on the server."""
    conversation, may_write = access.conversation_of_client(request.user, kind)
    if not may_write:
        raise Http404
    form = DraftForm(request.POST)
    body = form.data.get("body", "") if not form.is_valid() else form.cleaned_data["body"]
    services.draft_save(conversation=conversation, body=body)
    return render(
        request,
        "messaging/client/_draft_status.html",
        {"kept_at": timezone.now(), "zone": conversation.client.practice.zone},
    )


@client_required
@require_POST
def choices(request, kind):
    conversation, _ = access.conversation_of_client(request.user, kind)
    form = ChoicesForm(request.POST, instance=conversation, who=_who(conversation))
    if form.is_valid():
        with transaction.atomic():
            form.save()
            audit_record(
                action=AuditEvent.Action.UPDATE,
                object_type="messaging.conversation.choices",
                object_id=conversation.uuid,
                request=request,
                client=conversation.client,
                detail={
                    "kind": conversation.kind,
                    "client_shows_read": conversation.client_shows_read,
                    "client_emails": conversation.client_emails,
                },
            )
        flash.success(request, "Your choices are saved.")
    return redirect(_page_url(kind) + "#choices")


_INLINE_TYPES = {"image/jpeg", "image/png"}


@require_GET
def attachment(request, attachment_uuid):
    """An attachment's bytes, for the client whose conversation it is and the staff who may read it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    found = access.get_attachment_for_user(request.user, attachment_uuid)
    data = Attachment.objects.only("data").get(pk=found.pk).data
    if staff_for(request.user) is not None:
        audit_record(
            action=AuditEvent.Action.READ,
            object_type="messaging.attachment",
            object_id=found.uuid,
            request=request,
            client=found.message.conversation.client,
            detail={"message": str(found.message.uuid), "kind": found.kind},
        )
    inline = found.kind == Attachment.Kind.IMAGE and found.content_type in _INLINE_TYPES
    response = HttpResponse(bytes(data), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(not inline, found.filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; frame-ancestors 'none'; sandbox"
    response["Content-Length"] = str(len(data))
    return response
