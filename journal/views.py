import unicodedata

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length
from django.views.decorators.http import require_POST

from core.compiled import CompiledRead, counted, kept_page
from core.dates import shown_date
from core.html import format_rows
from core.links import url_maker
from crisis.contacts import contacts_for
from journal.access import get_entry_for_client, get_shared_entries_for_clinician
from journal.forms import AutosaveForm, EntryForm
from journal.models import PROMPT_HINTS, Entry, Prompt
from journal.services import (
    entry_autosave,
    entry_delete,
    entry_save,
    entry_share,
    entry_unshare,
    shared_entries_read,
)
from mindfulness.content import SELF_COMPASSION_BREAK_SLUG
from onboarding.consents import has_consent
from practice.access import client_required, staff_required
from risk.detection import Findings, safe_detect

PAGE_SIZE = 20
PREVIEW_CHARS = 100
SHARING_OFF = (
    "Our work together has ended, so sharing is turned off: your journal is yours now, "
    "and nobody at the practice will see what you write."
)


def _support_context(client, findings: Findings) -> dict:
    return {
        "findings": findings,
        "country": contacts_for(client.practice.country),
        "break_slug": SELF_COMPASSION_BREAK_SLUG,
    }


# The list, on every open of the journal: built by the ORM once (core/compiled.py).
_ENTRIES = CompiledRead(
    Entry,
    lambda shape, *, client: Entry.objects.for_client(client).newest_first()[shape[0] : shape[1]],
    {"client": int},
)
_COUNT = CompiledRead(
    Entry, lambda shape, *, client: counted(Entry.objects.for_client(client), "client"), {"client": int}
)


def _alerts_agreed(client) -> bool:
    return has_consent(client, "journal_risk_alerts")


_ROW = '\n    <li>\n      <a href="{}">{}</a>\n      {}\n      {}\n      <p class="small">{} · {}</p>\n    </li>\n    '
_DRAFT = format_html('<span class="badge">{}</span>', "draft")
_SHARED = format_html('<span class="badge">{}</span>', "shared")


def preview(body: str) -> str:
    """``Truncator(body).chars(PREVIEW_CHARS)``, the same text, without walking it a character at a time in Python
    when its first characters have no combining marks, as nearly every entry's do: that walk was a sixth of the
    list's time (docs/benchmarks.md, twenty-eighth pass)."""
    text = unicodedata.normalize("NFC", body)
    if len(text) <= PREVIEW_CHARS:
        return text
    if any(map(unicodedata.combining, text[: PREVIEW_CHARS + 1])):
        return Truncator(text).chars(PREVIEW_CHARS)
    return add_truncation_text(text[: calculate_truncate_chars_length(PREVIEW_CHARS, None)])


def _entry_rows(entries) -> str:
    """The list's rows, written here: through the template's tags and filters they were most of the page's time
    (docs/benchmarks.md, sixteenth pass)."""
    link = url_maker("journal:detail", "entry_uuid")
    return format_rows(
        "",
        _ROW,
        (
            (
                link(entry.uuid),
                shown_date(entry.created_at),
                _DRAFT if entry.is_draft else "",
                _SHARED if entry.is_shared else "",
                entry.get_prompt_display(),
                preview(entry.body),
            )
            for entry in entries
        ),
    )


@client_required
def entry_list(request):
    page = kept_page(_ENTRIES, _COUNT, request.GET.get("page"), PAGE_SIZE, client=request.client.pk)
    return render(
        request,
        "journal/list.html",
        {
            "page": page,
            "rows": _entry_rows(page.object_list),
            "prompts": [(value, label) for value, label in Prompt.choices],
            "alerts_agreed": _alerts_agreed(request.client),
            "country": contacts_for(request.client.practice.country),
        },
    )


def _edit(request, entry):
    client = request.client
    prompt = entry.prompt if entry else request.GET.get("prompt", Prompt.FREE)
    if prompt not in Prompt.values:
        prompt = Prompt.FREE
    initial = {"prompt": prompt, "body": entry.body if entry else "", "entry": entry.uuid if entry else None}
    form = EntryForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        target = entry
        if target is None and form.cleaned_data["entry"]:
            # The draft the autosave made for this very page.
            target = Entry.objects.for_client(client).filter(uuid=form.cleaned_data["entry"]).first()
        saved, findings = entry_save(
            client=client,
            entry=target,
            body=form.cleaned_data["body"],
            prompt=form.cleaned_data["prompt"],
            request=request,
        )
        if client.care_has_ended:
            messages.success(request, "Saved. Our work together has ended, so nobody at the practice will see it.")
        else:
            messages.success(request, "Saved. Only you can read it unless you choose to share it.")
        url = reverse("journal:detail", kwargs={"entry_uuid": saved.uuid})
        # If detection itself failed we cannot tell, so the contacts are shown to be safe.
        return redirect(url + "?contacts=1" if findings.failed else url)
    return render(
        request,
        "journal/edit.html",
        {
            "form": form,
            "entry": entry,
            "prompt_label": Prompt(prompt).label,
            "prompt_hint": PROMPT_HINTS[Prompt(prompt)],
            "therapist": client.therapist,
            "alerts_agreed": _alerts_agreed(client),
            "country": contacts_for(client.practice.country),
        },
    )


@client_required
def new(request):
    return _edit(request, None)


@client_required
def edit(request, entry_uuid):
    return _edit(request, get_entry_for_client(request.client, entry_uuid))


@client_required
@require_POST
def autosave(request):
    """htmx: keep the draft on the server as the client types, so a timed-out session loses nothing."""
    form = AutosaveForm(request.POST)
    if not form.is_valid():
        return render(request, "journal/_autosave.html", {"problem": True})
    data = form.cleaned_data
    entry = None
    if data["entry"]:
        entry = Entry.objects.for_client(request.client).filter(uuid=data["entry"]).first()
    body = data["body"] or ""
    if entry is None and not body.strip():
        return HttpResponse(status=204)
    entry = entry_autosave(
        client=request.client, entry=entry, body=body, prompt=data["prompt"] or (entry.prompt if entry else Prompt.FREE)
    )
    findings = safe_detect(body)
    return render(
        request,
        "journal/_autosave.html",
        {"entry": entry, **_support_context(request.client, findings)},
    )


@client_required
def detail(request, entry_uuid):
    entry = get_entry_for_client(request.client, entry_uuid)
    findings = Findings(harsh=entry.harsh_found, risk=entry.risk_found, failed=request.GET.get("contacts") == "1")
    return render(
        request,
        "journal/detail.html",
        {"entry": entry, "therapist": request.client.therapist, **_support_context(request.client, findings)},
    )


@client_required
@require_POST
def share(request, entry_uuid):
    entry = get_entry_for_client(request.client, entry_uuid)
    therapist = request.client.therapist
    if request.client.care_has_ended:
        # Sharing is turned off after the ending (issue 21): refused kindly, nothing is shared.
        messages.info(request, SHARING_OFF)
    elif entry.is_draft:
        messages.info(request, "Save the entry first, then you can share it.")
    elif entry.has_unshared_changes:
        entry_share(entry=entry, request=request)
        messages.success(request, f"{therapist.display_name} now sees this version.")
    elif not entry.is_shared:
        entry_share(entry=entry, request=request)
        messages.success(request, f"Shared with {therapist.display_name}. You can stop sharing at any time.")
    return redirect("journal:detail", entry_uuid=entry.uuid)


@client_required
@require_POST
def unshare(request, entry_uuid):
    entry = get_entry_for_client(request.client, entry_uuid)
    if entry.is_shared:
        entry_unshare(entry=entry, request=request)
        messages.success(request, "This entry is private again.")
    return redirect("journal:detail", entry_uuid=entry.uuid)


@client_required
def delete(request, entry_uuid):
    entry = get_entry_for_client(request.client, entry_uuid)
    if request.method == "POST":
        entry_delete(entry=entry, request=request)
        messages.success(request, "The entry is deleted.")
        return redirect("journal:list")
    return render(request, "journal/delete.html", {"entry": entry})


@staff_required
def shared(request, client_uuid):
    """The entries a client chose to share with their therapist; nothing else of the journal."""
    client, entries = get_shared_entries_for_clinician(request.user, client_uuid)
    entries = list(entries[:50])
    shared_entries_read(client=client, entries=entries, request=request)
    return render(request, "journal/shared.html", {"client": client, "entries": entries})
