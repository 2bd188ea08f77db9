"""The practice's side of messages: a therapist's conversations with their own clients (``care``), and the
office's conversations with clients about bookings and money (``office``: owners and the administrator,
never clinical, never a link to the record).

Who may open what is messaging/access.py: a therapist their own clients' care conversations; an owner
holding an emergency access grant reads one without writing; everyone else gets 404.
"""

import uuid

from django.contrib import messages as flash
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from core.compiled import CompiledRead
from core.dates import written
from core.html import format_many, format_rows
from core.links import constant_url, url_maker
from messaging import forms_staff, selectors, words
from messaging.access import care_closed, conversation_for_staff, get_rw_conversation_for_staff, nothing_new_for_staff
from messaging.attachments import prepare_upload
from messaging.forms_staff import SettingsForm, ShareForm, StaffMessageForm, WhoStartsForm
from messaging.models import Conversation, MessagingSettings
from messaging.services import MessageError, message_send, read_by_staff, settings_for
from mindfulness.content import BY_SLUG
from practice.access import office_required, staff_required, therapist_required
from selfcare.models import Activity

MAX_FILES = 5
CARE, OFFICE = Conversation.Kind.CARE, Conversation.Kind.OFFICE


def _names(kind: str) -> dict:
    """URL names of one kind's pages."""
    if kind == OFFICE:
        return {
            "inbox": "messaging:office_inbox",
            "page": "messaging:office_conversation",
            "send": "messaging:office_send",
            "poll": "messaging:office_poll",
        }
    return {
        "inbox": "messaging:inbox",
        "page": "messaging:conversation",
        "send": "messaging:staff_send",
        "poll": "messaging:staff_poll",
    }


_INBOX_ROW = '<tr{}><td><a href="{}">{}</a>{}</td><td>{}</td><td>{}</td></tr>'
_BADGE = ' <span class="{}">{}</span>'


def _inbox_rows(conversations, kind: str) -> str:
    """The inbox's rows (fifty a page, each a link, badges and two dates), written once here rather than by a
    template per row, as the office calendar's."""
    page_url = url_maker(_names(kind)["page"], "client_uuid")

    def cells(conversation):
        unread = conversation.unread
        badges = [("badge", "Unread")] if unread else []
        if conversation.risk_waiting:
            badges.append(("badge badge-attention", "May need your attention"))
        last, due = conversation.last_message_at, conversation.reply_by
        return (
            format_html(' class="{}"', "unread") if unread else "",
            page_url(conversation.client_uuid),
            conversation.client_name,
            format_rows("", _BADGE, badges),
            written(timezone.localtime(last), "j M Y, H:i") if last else "",
            written(timezone.localtime(due), "l j F") if due else "Nothing waiting",
        )

    return format_rows("", _INBOX_ROW, (cells(conversation) for conversation in conversations))


def _inbox(request, kind: str, template: str, extra: dict):
    page = selectors.inbox_page(request.staff, office=kind == OFFICE, number=request.GET.get("page"))
    return render(request, template, {"page": page, "rows": _inbox_rows(page, kind), **extra})


@therapist_required
@require_GET
def inbox(request):
    return _inbox(request, CARE, "messaging/staff/inbox.html", {"promise": settings_for(request.staff)})


@office_required
@require_GET
def office_inbox(request):
    return _inbox(request, OFFICE, "messaging/staff/office_inbox.html", {})


def _before(request) -> int | None:
    try:
        return int(request.GET["before"])
    except (KeyError, ValueError):
        return None


def _decorate(conversation, shown, zone) -> None:
    """What each message shows beside its words: reply-by for one waiting, and the shared item's title."""
    activities = selectors.shared_activities(conversation, shown)
    for message in shown:
        # Made once here, not by filters in the template included once per message.
        message.body_html = words.body_html(message.body, paragraphs=False) if message.body else ""
        message.author = conversation.client.display_name if message.from_client else message.sender_name
        words.sent(message, None, "j M Y, H:i")
        message.waiting = message.from_client and message.answered_at is None and message.reply_by is not None
        message.reply_by_local = timezone.localtime(message.reply_by, zone) if message.reply_by else None
        if message.shared_kind == "practice":
            exercise = BY_SLUG.get(message.shared_ref)
            message.shared_title = exercise.title if exercise else "A practice"
        elif message.shared_kind == "selfcare":
            activity = activities.get(message.shared_ref)
            message.shared_title = activity.text if activity else "A self-care idea"


_MESSAGE = (
    '<li class="message message-{}" id="message-{}">\n'
    '  <p class="message-meta">\n    <strong>{}</strong>,\n    <time datetime="{}">{}</time>\n  </p>\n'
    "  {}{}{}{}{}\n</li>"
)


_FILE = '    <li><a href="{}">{}</a> ({}, {})</li>'


def _messages_html(messages, kind: str) -> str:
    """The messages as the conversation shows them, written once here rather than by a template included per
    message: the thirty includes were most of the page's template work (docs/benchmarks.md, fourth pass)."""
    risk_url = constant_url("risk:list")

    def parts(message):
        shared = "A practice" if message.shared_kind == "practice" else "A self-care idea"
        return (
            "theirs" if message.from_client else "ours",
            message.pk,
            message.author,
            message.sent_iso,
            message.sent_label,
            format_many('<div class="message-body">{}</div>', message.body_html) if message.body_html else "",
            format_many('<p class="message-shared">{}: {}</p>', shared, message.shared_title)
            if message.shared_kind
            else "",
            format_many('<ul class="message-files">\n{}\n  </ul>', words.files_html(message.files, _FILE, "\n"))
            if message.files
            else "",
            format_many(
                '<p class="message-risk">This message has words that may mean {} is struggling. '
                '<a href="{}">Risk alerts</a></p>',
                message.author,
                risk_url,
            )
            if message.risk_found and kind == CARE
            else "",
            format_many(
                '<p class="message-reply-by">Please reply by {}.</p>',
                written(message.reply_by_local, "l j F"),
            )
            if message.waiting
            else "",
        )

    return format_rows("\n", _MESSAGE, (parts(message) for message in messages))


def _uuids(refs):
    found = []
    for ref in refs:
        try:
            found.append(uuid.UUID(ref))
        except ValueError:
            continue
    return found


def _page(request, conversation, can_write, kind, *, form=None, share_form=None, error="", status=200):
    client = conversation.client
    zone = client.practice.zone
    shown, earlier = selectors.messages_page(conversation, to_staff=True, before_id=_before(request))
    _read(request, conversation, shown, can_write)
    _decorate(conversation, shown, zone)
    names = _names(kind)
    last_staff = max((m.pk for m in shown if not m.from_client), default=0)
    context = {
        "conversation": conversation,
        "client": client,
        "kind": kind,
        "names": names,
        "shown": shown,
        "shown_html": _messages_html(shown, kind),
        "earlier": earlier,
        "earliest_id": shown[0].pk if shown else None,
        "after_id": max((m.pk for m in shown), default=0),
        # Only the newest page listens for new messages (an earlier page is for reading back).
        "polls": _before(request) is None,
        "can_write": can_write,
        "closed": care_closed(conversation),
        "form": form or forms_staff.fresh_message_form(),
        "error": error,
        "zone": zone,
        "send_url": url_maker(names["send"], "client_uuid")(client.uuid),
        "poll_url": url_maker(names["poll"], "client_uuid")(client.uuid),
        "page_url": url_maker(names["page"], "client_uuid")(client.uuid),
        # Only where the client chose to show it ("seen" marks worry by default).
        "read_line": (
            timezone.localtime(conversation.client_read_at, zone)
            if kind == CARE
            and conversation.client_shows_read
            and conversation.client_read_at
            and last_staff
            and conversation.client_read_up_to >= last_staff
            else None
        ),
        "sees_from": timezone.localtime(conversation.staff_sees_from, zone) if conversation.staff_sees_from else None,
        "any_risk": kind == CARE and any(m.risk_found for m in shown),
    }
    if kind == CARE:
        context["who_form"] = forms_staff.fresh_who_starts_form(conversation.who_starts)
        context["share_form"] = share_form or forms_staff.fresh_share_form(_activities(client))
    return render(request, "messaging/staff/conversation.html", context, status=status)


def _activities(client):
    return _ACTIVITIES.objects(client=client.pk)


# The client's self-care activities to share (the first thirty), read on every view: built once (core/compiled.py).
_ACTIVITIES = CompiledRead(
    Activity,
    lambda shape, *, client: Activity.objects.filter(client=client, is_archived=False).order_by("created_at", "id")[
        :30
    ],
    {"client": int},
)


@staff_required
@require_GET
def conversation(request, client_uuid):
    found, can_write = conversation_for_staff(request.user, client_uuid, CARE)
    return _page(request, found, can_write, CARE)


@office_required
@require_GET
def office_conversation(request, client_uuid):
    found, can_write = conversation_for_staff(request.user, client_uuid, OFFICE)
    return _page(request, found, can_write, OFFICE)


def _prepared_files(request):
    uploads = request.FILES.getlist("files")
    if not uploads:
        return ()
    if len(uploads) > MAX_FILES:
        raise MessageError(f"Up to {MAX_FILES} files can go with one message.")
    return tuple(prepare_upload(upload) for upload in uploads)


def _send(request, conversation, kind):
    form = StaffMessageForm(request.POST)
    if not form.is_valid():
        return _page(
            request,
            conversation,
            True,
            kind,
            form=form,
            error="That did not go through. Your words are still here: please send again.",
            status=400,
        )
    try:
        files = _prepared_files(request)
        message_send(
            conversation=conversation,
            body=form.cleaned_data["body"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            staff=request.staff,
            files=files,
            request=request,
        )
    except MessageError as error:
        return _page(request, conversation, True, kind, form=form, error=str(error), status=400)
    if request.htmx:
        response = redirect(_names(kind)["page"], client_uuid=conversation.client.uuid)
        response["HX-Redirect"] = response["Location"]
        return response
    return redirect(_names(kind)["page"], client_uuid=conversation.client.uuid)


@staff_required
@require_POST
def staff_send(request, client_uuid):
    conversation = get_rw_conversation_for_staff(request.user, client_uuid, CARE)
    return _send(request, conversation, CARE)


@office_required
@require_POST
def office_send(request, client_uuid):
    conversation = get_rw_conversation_for_staff(request.user, client_uuid, OFFICE)
    return _send(request, conversation, OFFICE)


def _read(request, conversation, shown, can_write) -> None:
    read_by_staff(conversation=conversation, messages=shown, request=request, move_mark=can_write)


def _poll(request, conversation, kind, can_write):
    after = _after(request)
    new = selectors.messages_after(conversation, to_staff=True, after_id=after)
    if not new:
        return HttpResponse(status=204)
    _read(request, conversation, new, can_write)
    _decorate(conversation, new, conversation.client.practice.zone)
    names = _names(kind)
    return render(
        request,
        "messaging/staff/_poll.html",
        {
            "new_html": _messages_html(new, kind),
            "after_id": max((m.pk for m in new), default=after),
            "poll_url": url_maker(names["poll"], "client_uuid")(conversation.client.uuid),
            "kind": kind,
            "zone": conversation.client.practice.zone,
        },
    )


def _after(request) -> int:
    try:
        return int(request.GET.get("after", "0"))
    except ValueError:
        return 0


@staff_required
@require_GET
def staff_poll(request, client_uuid):
    # Nothing new (nearly every poll): 204 from one indexed query; htmx swaps nothing and asks again.
    if nothing_new_for_staff(request.staff, client_uuid, CARE, _after(request)):
        return HttpResponse(status=204)
    found, can_write = conversation_for_staff(request.user, client_uuid, CARE)
    return _poll(request, found, CARE, can_write)


@office_required
@require_GET
def office_poll(request, client_uuid):
    if nothing_new_for_staff(request.staff, client_uuid, OFFICE, _after(request)):
        return HttpResponse(status=204)
    found, can_write = conversation_for_staff(request.user, client_uuid, OFFICE)
    return _poll(request, found, OFFICE, can_write)


@staff_required
@require_POST
def who_starts(request, client_uuid):
    conversation = get_rw_conversation_for_staff(request.user, client_uuid, CARE)
    form = WhoStartsForm(request.POST)
    if not form.is_valid():
        flash.error(request, "Please choose who may start a conversation.")
    elif form.cleaned_data["who_starts"] != conversation.who_starts:
        with transaction.atomic():
            conversation.who_starts = form.cleaned_data["who_starts"]
            conversation.save(update_fields=["who_starts"])
            audit_change(
                AuditEvent.Action.UPDATE,
                conversation,
                client=conversation.client,
                request=request,
                fields=["who_starts"],
                detail={"who_starts": conversation.who_starts},
            )
        flash.success(request, "Saved. Nothing already written is closed or hidden.")
    return redirect("messaging:conversation", client_uuid=conversation.client.uuid)


def _valid_share(conversation, kind: str, ref: str) -> bool:
    if kind == "practice":
        return ref in BY_SLUG
    if kind == "selfcare":
        refs = _uuids([ref])
        return (
            bool(refs) and Activity.objects.filter(client=conversation.client, uuid=refs[0], is_archived=False).exists()
        )
    return False


@staff_required
@require_POST
def share(request, client_uuid):
    conversation = get_rw_conversation_for_staff(request.user, client_uuid, CARE)
    form = ShareForm(request.POST, activities=_activities(conversation.client))
    if not form.is_valid():
        return _page(
            request,
            conversation,
            True,
            CARE,
            share_form=form,
            error="Please choose a practice or a self-care idea to send.",
            status=400,
        )
    kind, ref = form.shared()
    if not _valid_share(conversation, kind, ref):
        raise Http404
    try:
        message_send(
            conversation=conversation,
            body=form.cleaned_data["note"],
            idempotency_key=form.cleaned_data["idempotency_key"],
            staff=request.staff,
            shared_kind=kind,
            shared_ref=ref,
            request=request,
        )
    except MessageError as error:
        return _page(request, conversation, True, CARE, share_form=form, error=str(error), status=400)
    return redirect("messaging:conversation", client_uuid=conversation.client.uuid)


@therapist_required
@require_http_methods(["GET", "POST"])
def settings_view(request):
    staff = request.staff
    instance = MessagingSettings.objects.filter(staff=staff).first() or MessagingSettings(staff=staff)
    form = SettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            is_new = instance.pk is None
            form.save()
            audit_record(
                action=AuditEvent.Action.CREATE if is_new else AuditEvent.Action.UPDATE,
                object_type="messaging.messagingsettings",
                object_id=staff.uuid,
                request=request,
                practice=staff.practice,
                detail={"fields": sorted(form.changed_data)},
            )
        flash.success(request, "Saved. Your clients see your promise above the box before they write.")
        return redirect("messaging:settings")
    return render(request, "messaging/staff/settings.html", {"form": form}, status=400 if form.errors else 200)
