"""Who may see which exercise. Each helper returns the object or raises Http404."""

from django.core.exceptions import ValidationError
from django.http import Http404

from mindfulness.content import builtin
from mindfulness.models import CustomExercise, Recommendation
from practice.access import get_rw_client_for_clinician


def get_builtin_exercise(slug: str):
    exercise = builtin(slug)
    if exercise is None:
        raise Http404
    return exercise


def get_custom_exercise_for_client(client, exercise_uuid) -> CustomExercise:
    """A therapist's own exercise, for one of that therapist's clients only."""
    try:
        return CustomExercise.objects.for_client(client).get(uuid=exercise_uuid)
    except (CustomExercise.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_custom_exercise_for_author(staff, exercise_uuid) -> CustomExercise:
    try:
        return CustomExercise.objects.by_author(staff).live().get(uuid=exercise_uuid)
    except (CustomExercise.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_rw_recommendation_for_therapist(user, recommendation_uuid) -> Recommendation:
    """A recommendation made to one of the therapist's current clients (by them, or by whoever had the
    client in their care before), which they may withdraw: the clinical record's write rule
    (``practice.access.clinical_access``), so never through emergency access nor for an erased client."""
    try:
        recommendation = Recommendation.objects.active().select_related("client").get(uuid=recommendation_uuid)
    except (Recommendation.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None
    recommendation.client = get_rw_client_for_clinician(user, recommendation.client.uuid)
    return recommendation


def exercise_for_key(author_id: int, key: str):
    """An exercise from a form value: a built-in slug, or ``custom-<uuid>`` written by ``author_id``."""
    if key.startswith("custom-"):
        try:
            return CustomExercise.objects.live().get(uuid=key.removeprefix("custom-"), author_id=author_id)
        except (CustomExercise.DoesNotExist, ValidationError, ValueError):
            return None
    return builtin(key)
