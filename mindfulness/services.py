"""Writes for exercises: logging one a client did, therapists' own exercises, recommendations.

Audit rows keep the object types they were first written with ("mindfulness.custompractice",
"mindfulness.practicelog"): the audit log is read across the renaming of the models.
"""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from mindfulness.models import CustomExercise, ExerciseLog, Recommendation
from practice.care_status import CareHasEnded


def _ref(exercise) -> dict:
    if getattr(exercise, "is_builtin", False):
        return {"builtin_slug": exercise.slug, "custom": None}
    return {"builtin_slug": "", "custom": exercise}


def exercise_log_record(
    *,
    client,
    exercise,
    length: str = ExerciseLog.Length.SHORT,
    calm_before: int | None = None,
    calm_after: int | None = None,
    kindness_before: int | None = None,
    kindness_after: int | None = None,
    word: str = "",
    practised_at=None,
) -> ExerciseLog:
    """One row, one INSERT: how the client felt before and after, in their own numbers.

    After the ending the row is marked ``after_ending``: the client's alone, never in a staff read."""
    return ExerciseLog.objects.create(
        client=client,
        after_ending=client.care_has_ended,
        length=length,
        calm_before=calm_before,
        calm_after=calm_after,
        kindness_before=kindness_before,
        kindness_after=kindness_after,
        word=word.strip() or None,
        practised_at=practised_at or timezone.now(),
        **_ref(exercise),
    )


def custom_exercise_save(*, author, fields: dict, exercise: CustomExercise | None = None, request=None):
    """Create or change a therapist's own exercise (``fields`` come from a validated form)."""
    with transaction.atomic():
        creating = exercise is None
        exercise = exercise or CustomExercise(author=author)
        audio = fields.pop("audio", None)
        remove_audio = fields.pop("remove_audio", False)
        for name, value in fields.items():
            setattr(exercise, name, value)
        old_audio = exercise.audio.name if exercise.audio else ""
        if audio:
            exercise.audio_extension = getattr(audio, "tending_extension", "")
            exercise.audio_content_type = getattr(audio, "tending_content_type", "")
            exercise.audio = audio
        elif remove_audio:
            exercise.audio = ""
            exercise.audio_content_type = ""
        exercise.updated_at = timezone.now()
        exercise.save()
        if old_audio and old_audio != (exercise.audio.name if exercise.audio else ""):
            storage = exercise.audio.storage
            transaction.on_commit(lambda: storage.delete(old_audio))
        audit_record(
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            object_type="mindfulness.custompractice",
            object_id=exercise.uuid,
            request=request,
            actor=author.user,
            practice=author.practice,
            detail={"fields": sorted(fields)},
        )
    return exercise


def custom_exercise_archive(*, exercise: CustomExercise, request=None) -> None:
    with transaction.atomic():
        exercise.is_archived = True
        exercise.updated_at = timezone.now()
        exercise.save(update_fields=["is_archived", "updated_at"])
        audit_record(
            action=AuditEvent.Action.DELETE,
            object_type="mindfulness.custompractice",
            object_id=exercise.uuid,
            request=request,
            actor=exercise.author.user,
            practice=exercise.author.practice,
        )


def recommendation_create(*, therapist, client, exercise, note: str = "", request=None) -> Recommendation:
    """Suggest an exercise to a client. Suggesting the same one again replaces the earlier note.

    Raises ``CareHasEnded`` (nothing stored) once our work together has ended: nothing new is suggested."""
    if client.care_has_ended:
        raise CareHasEnded("Your work together has ended, so nothing new is suggested to them now.")
    with transaction.atomic():
        ref = _ref(exercise)
        Recommendation.objects.active().filter(client=client, **ref).update(withdrawn_at=timezone.now())
        recommendation = Recommendation.objects.create(
            client=client, therapist=therapist, note=note.strip() or None, **ref
        )
        audit_change(
            AuditEvent.Action.CREATE,
            recommendation,
            actor=therapist.user,
            client=client,
            request=request,
            detail={"practice": exercise.slug},
        )
    return recommendation


def recommendation_withdraw(*, recommendation: Recommendation, request=None) -> None:
    with transaction.atomic():
        recommendation.withdrawn_at = timezone.now()
        recommendation.save(update_fields=["withdrawn_at"])
        audit_change(AuditEvent.Action.DELETE, recommendation, client=recommendation.client, request=request)
