"""Writes for practices: logging a practice, therapists' own practices, recommendations."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from mindfulness.models import CustomPractice, PracticeLog, Recommendation


def _ref(practice) -> dict:
    if getattr(practice, "is_builtin", False):
        return {"builtin_slug": practice.slug, "custom": None}
    return {"builtin_slug": "", "custom": practice}


def practice_log_record(
    *,
    client,
    practice,
    length: str = PracticeLog.Length.SHORT,
    calm_before: int | None = None,
    calm_after: int | None = None,
    kindness_before: int | None = None,
    kindness_after: int | None = None,
    word: str = "",
    practised_at=None,
) -> PracticeLog:
    """One row, one INSERT: how the client felt before and after, in their own numbers."""
    return PracticeLog.objects.create(
        client=client,
        length=length,
        calm_before=calm_before,
        calm_after=calm_after,
        kindness_before=kindness_before,
        kindness_after=kindness_after,
        word=word.strip() or None,
        practised_at=practised_at or timezone.now(),
        **_ref(practice),
    )


def custom_practice_save(*, author, fields: dict, practice: CustomPractice | None = None, request=None):
    """Create or change a therapist's own practice (``fields`` come from a validated form)."""
    with transaction.atomic():
        creating = practice is None
        practice = practice or CustomPractice(author=author)
        audio = fields.pop("audio", None)
        remove_audio = fields.pop("remove_audio", False)
        for name, value in fields.items():
            setattr(practice, name, value)
        old_audio = practice.audio.name if practice.audio else ""
        if audio:
            practice.audio_extension = getattr(audio, "tending_extension", "")
            practice.audio_content_type = getattr(audio, "tending_content_type", "")
            practice.audio = audio
        elif remove_audio:
            practice.audio = ""
            practice.audio_content_type = ""
        practice.updated_at = timezone.now()
        practice.save()
        if old_audio and old_audio != (practice.audio.name if practice.audio else ""):
            storage = practice.audio.storage
            transaction.on_commit(lambda: storage.delete(old_audio))
        audit_record(
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            object_type="mindfulness.custompractice",
            object_id=practice.uuid,
            request=request,
            actor=author.user,
            practice=author.practice,
            detail={"fields": sorted(fields)},
        )
    return practice


def custom_practice_archive(*, practice: CustomPractice, request=None) -> None:
    with transaction.atomic():
        practice.is_archived = True
        practice.updated_at = timezone.now()
        practice.save(update_fields=["is_archived", "updated_at"])
        audit_record(
            action=AuditEvent.Action.DELETE,
            object_type="mindfulness.custompractice",
            object_id=practice.uuid,
            request=request,
            actor=practice.author.user,
            practice=practice.author.practice,
        )


def recommendation_create(*, therapist, client, practice, note: str = "", request=None) -> Recommendation:
    """Suggest a practice to a client. Suggesting the same one again replaces the earlier note."""
    with transaction.atomic():
        ref = _ref(practice)
        Recommendation.objects.active().filter(client=client, **ref).update(withdrawn_at=timezone.now())
        recommendation = Recommendation.objects.create(
            client=client, therapist=therapist, note=note.strip() or None, **ref
        )
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type="mindfulness.recommendation",
            object_id=recommendation.uuid,
            request=request,
            actor=therapist.user,
            client=client,
            detail={"practice": practice.slug},
        )
    return recommendation


def recommendation_withdraw(*, recommendation: Recommendation, request=None) -> None:
    with transaction.atomic():
        recommendation.withdrawn_at = timezone.now()
        recommendation.save(update_fields=["withdrawn_at"])
        audit_record(
            action=AuditEvent.Action.DELETE,
            object_type="mindfulness.recommendation",
            object_id=recommendation.uuid,
            request=request,
            client=recommendation.client,
        )
