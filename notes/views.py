from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.compiled import CompiledRead
from core.links import url_maker
from notes import services
from notes.access import (
    get_appointment_for_note,
    get_note_for_reader,
    get_note_written_by,
    get_notes_for_reader,
    get_rw_note_for_author,
    get_template_for_therapist,
)
from notes.forms import AmendmentForm, NoteForm, StartForm, TemplateForm
from notes.models import SECTIONS, Amendment, NoteTemplate, SessionNote
from notes.selectors import listed_page
from practice.access import staff_required, therapist_required

NOTES_PER_PAGE = 25


@staff_required
def start(request, appointment_uuid):
    appointment = get_appointment_for_note(request.user, appointment_uuid)
    existing = SessionNote.objects.filter(appointment=appointment).first()
    if existing is not None:
        return redirect("notes:detail" if existing.is_signed else "notes:edit", note_uuid=existing.uuid)
    services.template_ensure_default(therapist=request.staff)
    form = StartForm(request.POST if request.method == "POST" else None, therapist=request.staff)
    if request.method == "POST" and form.is_valid():
        note = services.note_start(
            appointment=appointment, author=request.staff, template=form.cleaned_data["template"], request=request
        )
        return redirect("notes:edit", note_uuid=note.uuid)
    return render(request, "notes/start.html", {"appointment": appointment, "form": form})


def _moved_away(request, note_uuid):
    """The author saves after the client's care (and this note) moved to a colleague: nothing typed is
    lost, it is shown back to copy, but the note no longer changes here."""
    note = get_note_written_by(request.user, note_uuid)
    if request.method != "POST":
        raise Http404
    if request.htmx:  # 200, as for "stale": htmx swaps in only a successful answer
        return render(request, "notes/edit.html#status", {"note": note, "status": "moved"})
    typed = [(heading, request.POST.get(name, "")) for name, heading, _p in SECTIONS if request.POST.get(name)]
    return render(request, "notes/moved.html", {"note": note, "typed": typed}, status=409)


@staff_required
def edit(request, note_uuid):
    try:
        note = get_rw_note_for_author(request.user, note_uuid)
    except Http404:
        return _moved_away(request, note_uuid)
    if note.is_signed:
        return redirect("notes:detail", note_uuid=note.uuid)
    initial = {"revision": note.revision, **{name: getattr(note, name) for name, _h, _p in SECTIONS}}
    form = NoteForm(request.POST if request.method == "POST" else None, initial=initial)
    status = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.note_save(
                note=note, by=request.staff, text=form.texts(), revision=form.cleaned_data["revision"], request=request
            )
        except services.NoteLocked:
            messages.info(request, "This note was signed in another window, so it is locked now.")
            return redirect("notes:detail", note_uuid=note.uuid)
        except services.NoteStale:
            status = "stale"
        else:
            if request.POST.get("action") == "sign":
                # Saved; signing is the next page's confirmed step (it cannot be undone).
                return redirect("notes:sign", note_uuid=note.uuid)
            status = "saved"
        if request.htmx:
            return render(request, "notes/edit.html#status", {"note": note, "status": status})
        if status == "saved":
            messages.success(request, "Draft saved.")
            return redirect("notes:edit", note_uuid=note.uuid)
    elif request.method == "POST" and request.htmx:
        return render(request, "notes/edit.html#status", {"note": note, "status": "invalid"})
    else:
        audit_read(request, note, client=note.client)
    return render(request, "notes/edit.html", {"note": note, "form": form, "status": status})


@staff_required
def sign(request, note_uuid):
    """ "Sign and lock", confirmed: the note as it will be locked (empty template prompts left out), what
    cannot be undone, and one button. Works without JavaScript."""
    note = get_rw_note_for_author(request.user, note_uuid)
    if note.is_signed:
        return redirect("notes:detail", note_uuid=note.uuid)
    changed_since = False
    if request.method == "POST":
        revision = request.POST.get("revision", "")
        try:
            services.note_sign(
                note=note, by=request.staff, revision=int(revision) if revision.isdigit() else -1, request=request
            )
        except services.NoteLocked:
            messages.info(request, "This note was signed in another window, so it is locked now.")
            return redirect("notes:detail", note_uuid=note.uuid)
        except services.NoteStale:
            changed_since = True
            note.refresh_from_db()
        else:
            messages.success(request, "Signed and locked. Any later change will be a dated amendment.")
            return redirect("notes:detail", note_uuid=note.uuid)
    else:
        audit_read(request, note, client=note.client)
    texts, dropped = services.note_as_signed(note, services.template_prompts(note.author))
    return render(
        request,
        "notes/sign.html",
        {
            "note": note,
            "sections": [(heading, texts[name]) for name, heading, _p in SECTIONS if texts[name].strip()],
            "dropped": dropped,
            "changed_since": changed_since,
        },
        status=409 if changed_since else 200,
    )


@staff_required
def detail(request, note_uuid):
    note, can_write = get_note_for_reader(request.user, note_uuid)
    if not note.is_signed and note.holder_id != request.staff.id:
        raise Http404  # a draft is only its keeper's, never read through emergency access
    audit_read(request, note, client=note.client)
    amendments = _AMENDMENTS.objects(note=note.pk)
    sections = [
        (name, heading, text, [a for a in amendments if a.section == name]) for name, heading, text in note.sections()
    ]
    return render(
        request,
        "notes/detail.html",
        {
            "note": note,
            "sections": sections,
            "is_author": can_write,
            "is_holder": note.holder_id == request.staff.id,
        },
    )


# A note's amendments with their authors, read on every view of it: built by the ORM once (core/compiled.py).
_AMENDMENTS = CompiledRead(
    Amendment, lambda shape, *, note: Amendment.objects.filter(note=note).select_related("author__user"), {"note": int}
)


@staff_required
def amend(request, note_uuid):
    note = get_rw_note_for_author(request.user, note_uuid)
    if not note.is_signed:
        return redirect("notes:edit", note_uuid=note.uuid)
    form = AmendmentForm(
        request.POST if request.method == "POST" else None, initial={"section": request.GET.get("section")}
    )
    if request.method == "POST" and form.is_valid():
        services.note_amend(note=note, by=request.staff, request=request, **form.cleaned_data)
        messages.success(request, "Amendment added. The signed note is kept as it was.")
        return redirect("notes:detail", note_uuid=note.uuid)
    audit_read(request, note, client=note.client)
    return render(request, "notes/amend.html", {"note": note, "form": form})


@therapist_required
def templates(request):
    services.template_ensure_default(therapist=request.staff)
    form = TemplateForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.template_save(therapist=request.staff, values=form.cleaned_data)
        messages.success(request, "Template added.")
        return redirect("notes:templates")
    found = NoteTemplate.objects.for_therapist(request.staff)
    return render(request, "notes/templates.html", {"templates": found, "form": form})


@therapist_required
def template_edit(request, template_uuid):
    template = get_template_for_therapist(request.user, template_uuid)
    form = TemplateForm(request.POST if request.method == "POST" else None, instance=template)
    if request.method == "POST" and form.is_valid():
        values = {name: form.cleaned_data[name] for name in form.changed_data}
        services.template_save(therapist=request.staff, template=template, values=values)
        messages.success(request, "Template saved.")
        return redirect("notes:templates")
    return render(request, "notes/template_edit.html", {"template": template, "form": form})


@therapist_required
@require_POST
def template_delete(request, template_uuid):
    template = get_template_for_therapist(request.user, template_uuid)
    services.template_delete(template=template)
    messages.success(request, f"Template “{template.name}” removed. Notes started from it are unchanged.")
    return redirect("notes:templates")


@staff_required
def for_client(request, client_uuid):
    """A client's notes: those the signed-in therapist keeps (their own, and any that came with the client
    at a handover), or (emergency access) every signed note."""
    client, held_by, in_care = get_notes_for_reader(request.user, client_uuid)
    # Newest first, a page at a time: years of weekly notes stay one quick page (docs/benchmarks.md).
    page = listed_page(client, held_by, request.GET.get("page"), NOTES_PER_PAGE)
    audit_read(request, client, client=client, object_type="notes.sessionnote_list")
    link = url_maker("notes:detail", "note_uuid")
    notes = list(page.object_list)
    for row in notes:
        row["url"] = link(row["uuid"])
        local = timezone.localtime(row["start"])
        row["day"] = f"{local:%A} {local.day} {local:%B %Y}"  # as the date filter's "l j F Y", without it per row
        row["by_someone_else"] = row["author_id"] != request.staff.id
        row["author"] = row["author_name"] or row["author_email"]  # as StaffMember.display_name
    context = {
        "client": client,
        "notes": notes,
        "page": page,
        "in_care": in_care,  # false for a former client: their page is no longer this person's to open
    }
    return render(request, "notes/for_client.html", context)
