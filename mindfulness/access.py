"""Who may see which practice. Each helper returns the object or raises Http404."""

from django.core.exceptions import ValidationError
from django.http import Http404

from mindfulness.content import builtin
from mindfulness.models import CustomPractice, Recommendation
from practice.access import get_rw_client_for_clinician


def get_builtin_practice(slug: str):
    practice = builtin(slug)
    if practice is None:
        raise Http404
    return practice


def get_custom_practice_for_client(client, practice_uuid) -> CustomPractice:
    """A therapist's own practice, for one of that therapist's clients only."""
    try:
        return CustomPractice.objects.for_client(client).get(uuid=practice_uuid)
    except (CustomPractice.DoesNotExist, ValidationError, ValueError):
        raise Http404 from None


def get_custom_practice_for_author(staff, practice_uuid) -> CustomPractice:
    try:
        return CustomPractice.objects.by_author(staff).live().get(uuid=practice_uuid)
    except (CustomPractice.DoesNotExist, ValidationError, ValueError):
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


def practice_for_key(author_id: int, key: str):
    """A practice from a form value: a built-in slug, or ``custom-<uuid>`` written by ``author_id``."""
    if key.startswith("custom-"):
        try:
            return CustomPractice.objects.live().get(uuid=key.removeprefix("custom-"), author_id=author_id)
        except (CustomPractice.DoesNotExist, ValidationError, ValueError):
            return None
    return builtin(key)
