"""Writing, signing and amending session notes. The database refuses changes to a signed note's text:
every write is a conditional update on ``signed_at IS NULL``."""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from core.crypto import sealed
from notes.models import SECTION_NAMES, SECTIONS, Amendment, NoteTemplate, SessionNote


class NoteLocked(Exception):
    """The note was signed; its text can no longer change."""


class NoteStale(Exception):
    """Someone (another tab) saved a newer revision first."""


def _audit(action, obj, *, by, request, client, fields=()):
    audit_change(action, obj, actor=by.user, client=client, request=request, fields=fields)


def note_start(*, appointment, author, template: NoteTemplate | None = None, request=None) -> SessionNote:
    """The appointment's note, started from ``template`` (or the therapist's default) if there is none yet."""
    existing = SessionNote.objects.filter(appointment=appointment).first()
    if existing is not None:
        return existing
    if template is None:
        template = NoteTemplate.objects.for_therapist(author).filter(is_default=True).first()
    starting = {name: getattr(template, name) for name in SECTION_NAMES} if template else {}
    try:
        with transaction.atomic():
            note = SessionNote.objects.create(
                appointment=appointment, client=appointment.client, author=author, holder=author, **starting
            )
            _audit(AuditEvent.Action.CREATE, note, by=author, request=request, client=note.client)
    except IntegrityError:
        # Two tabs started the same note at once: the appointment's one-to-one decides, both get it.
        return SessionNote.objects.get(appointment=appointment)
    return note


@transaction.atomic
def note_save(*, note, by, text: dict, revision: int | None = None, request=None) -> SessionNote:
    """Save a draft. Raises NoteLocked after signing, NoteStale when ``revision`` is behind."""
    changed = {name: value for name, value in text.items() if name in SECTION_NAMES and getattr(note, name) != value}
    rows = SessionNote.objects.filter(pk=note.pk, signed_at__isnull=True)
    if revision is not None:
        rows = rows.filter(revision=revision)
    now = timezone.now()
    if not changed:
        if not rows.exists():
            _raise_why(note)
        return note
    # update() cannot see the row, so each section is sealed for this note first (core.crypto).
    sealed_text = {name: sealed(note, name, value) for name, value in changed.items()}
    updated = rows.update(**sealed_text, saved_at=now, revision=F("revision") + 1)
    if updated == 0:
        _raise_why(note)
    for name, value in changed.items():
        setattr(note, name, value)
    note.saved_at = now
    note.revision = (revision if revision is not None else note.revision) + 1
    _audit(AuditEvent.Action.UPDATE, note, by=by, request=request, client=note.client, fields=changed)
    return note


def _raise_why(note):
    if SessionNote.objects.filter(pk=note.pk, signed_at__isnull=False).exists():
        raise NoteLocked
    raise NoteStale


def template_prompts(therapist) -> frozenset[str]:
    """Every prompt line of ``therapist``'s templates and of the starting one ("Feelings named:"), as written."""
    lines = set()
    rows = [DEFAULT_TEMPLATE, *NoteTemplate.objects.for_therapist(therapist).values(*SECTION_NAMES)]
    for row in rows:
        for name in SECTION_NAMES:
            lines.update(line.strip() for line in (row.get(name) or "").splitlines() if line.strip())
    return frozenset(lines)


def without_empty_prompts(text: str, prompts: frozenset[str]) -> tuple[str, list[str]]:
    """``text`` without the template prompts left with nothing written under them, and those prompts.

    A prompt counts as answered when something follows it on its own line ("Agreed: a call on Friday") or
    on the lines below, up to the next prompt. Everything the therapist wrote is kept as it was.
    """
    lines = text.splitlines()
    kept, dropped = [], []
    for index, line in enumerate(lines):
        if line.strip() in prompts:
            following = []
            for after in lines[index + 1 :]:
                if after.strip() in prompts:
                    break
                following.append(after)
            if not any(after.strip() for after in following):
                dropped.append(line.strip())
                continue
        kept.append(line)
    if not dropped:
        return text, []
    cleaned = "\n".join(kept).strip("\n")
    return ("" if not cleaned.strip() else cleaned), dropped


def note_as_signed(note, prompts: frozenset[str]) -> tuple[dict, list[tuple[str, str]]]:
    """What signing would lock in: each section's text without empty prompts, and the prompts left out
    (heading, prompt)."""
    texts, dropped = {}, []
    for name, heading, _prompt in SECTIONS:
        texts[name], gone = without_empty_prompts(getattr(note, name), prompts)
        dropped.extend((heading, prompt) for prompt in gone)
    return texts, dropped


@transaction.atomic
def note_sign(*, note, by, revision: int | None = None, request=None) -> SessionNote:
    """Sign and lock ``note``. Template prompts left empty are not locked in (``without_empty_prompts``).
    Raises NoteLocked if it was signed already, NoteStale when ``revision`` (what the author confirmed)
    is behind."""
    now = timezone.now()
    rows = SessionNote.objects.filter(pk=note.pk, signed_at__isnull=True)
    if revision is not None:
        rows = rows.filter(revision=revision)
    texts, dropped = note_as_signed(note, template_prompts(note.author))
    changed = {name: value for name, value in texts.items() if getattr(note, name) != value}
    # The text and the signature in one conditional update: no save can slip in between them.
    sealed_text = {name: sealed(note, name, value) for name, value in changed.items()}
    if rows.update(**sealed_text, signed_at=now) == 0:
        _raise_why(note)
    for name, value in changed.items():
        setattr(note, name, value)
    note.signed_at = now
    _audit(AuditEvent.Action.SIGN, note, by=by, request=request, client=note.client, fields=changed)
    return note


@transaction.atomic
def note_amend(*, note, by, section: str, text: str, reason: str = "", request=None) -> Amendment:
    if not SessionNote.objects.filter(pk=note.pk, signed_at__isnull=False).exists():
        raise ValueError("Only a signed note is amended; a draft is simply edited.")
    amendment = Amendment.objects.create(note=note, section=section, text=text, reason=reason, author=by)
    _audit(AuditEvent.Action.UPDATE, note, by=by, request=request, client=note.client, fields=("amendment",))
    return amendment


def notes_hand_over(*, client, from_therapist, to_therapist, notes_go: bool) -> int:
    """After a handover, who keeps ``client``'s notes (care/services.py).

    With ``notes_go`` every note the former therapist kept goes to the new one, read-only for them.
    Otherwise the former therapist keeps the notes they wrote, and only those: notes that came to
    them with the client from someone earlier go on to the new therapist.
    """
    kept = SessionNote.objects.for_client(client).held_by(from_therapist)
    if not notes_go:
        kept = kept.exclude(author=from_therapist)
    # A column-only update: a draft being saved at the same moment keeps its text (notes/tests).
    return kept.update(holder=to_therapist)


@transaction.atomic
def template_save(*, therapist, template: NoteTemplate | None = None, values: dict) -> NoteTemplate:
    if values.get("is_default"):
        NoteTemplate.objects.for_therapist(therapist).filter(is_default=True).exclude(
            pk=getattr(template, "pk", None)
        ).update(is_default=False)
    if template is None:
        return NoteTemplate.objects.create(therapist=therapist, **values)
    for name, value in values.items():
        setattr(template, name, value)
    template.save(update_fields=list(values))
    return template


def template_delete(*, template: NoteTemplate) -> None:
    template.delete()


DEFAULT_TEMPLATE = {
    "name": "Compassion-led session",
    "mind": "What was on their mind:\nFeelings named:\n",
    "body": "What the body was doing (sleep, tension, pain, energy):\n",
    "soul": "Moments of peace, meaning or connection:\n",
    "themes": "",
    "causes_work": "Cause we touched:\nHow it showed up today:\n",
    "practices": "Offered for between sessions:\n",
    "risk": "Asked about safety: \nAgreed: \n",
    "free_text": "",
}


def template_ensure_default(*, therapist) -> NoteTemplate:
    """Give a therapist a starting template to adapt, once."""
    found = NoteTemplate.objects.for_therapist(therapist).first()
    if found is not None:
        return found
    return template_save(therapist=therapist, values={**DEFAULT_TEMPLATE, "is_default": True})
