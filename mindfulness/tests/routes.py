from mindfulness.models import CustomExercise, Recommendation
from tending.testing.matrix import CLIENT, PUBLIC, THERAPIST, THERAPIST_OBJECT, THERAPIST_OF_CLIENT, Route


def _own_exercise(w):
    return CustomExercise.objects.create(author=w.therapist, title="Kind hands", steps_text="Rest a hand on your arm.")


def _recommendation(w):
    return Recommendation.objects.create(
        client=w.client_a, therapist=w.therapist, builtin_slug="safe-place", note="For evenings."
    )


SLUG = {"slug": "soothing-rhythm-breathing"}
LOG = {"length": "short", "calm_before": "3", "calm_after": "6"}

ROUTES = [
    Route("service_worker", PUBLIC, not_a_page=True),
    Route("web_manifest", PUBLIC, not_a_page=True),
    Route("mindfulness:offline", PUBLIC),
    Route("mindfulness:library", CLIENT),
    Route("mindfulness:suggested", CLIENT),
    Route("mindfulness:play", CLIENT, kwargs=lambda w, _: SLUG),
    Route("mindfulness:play_long", CLIENT, kwargs=lambda w, _: SLUG),
    Route(
        "mindfulness:play_custom",
        CLIENT,
        setup=_own_exercise,
        kwargs=lambda w, p: {"exercise_uuid": p.uuid},
        # Eli is Ben's client: Ana's own practices are not his to see.
    ),
    Route("mindfulness:timer", CLIENT),
    Route("mindfulness:after", CLIENT, kwargs=lambda w, _: SLUG, methods=("GET", "POST"), post_data=LOG),
    Route(
        "mindfulness:after_custom",
        CLIENT,
        setup=_own_exercise,
        kwargs=lambda w, p: {"exercise_uuid": p.uuid},
        methods=("GET", "POST"),
        post_data=LOG,
    ),
    Route("mindfulness:what_helps", CLIENT),
    # The recording itself is checked in mindfulness/tests/test_custom_practices.py: the matrix's
    # setup runs before each test's private media folder exists, so here the practice has none.
    Route(
        "mindfulness:audio",
        CLIENT,
        setup=_own_exercise,
        kwargs=lambda w, p: {"exercise_uuid": p.uuid},
        expect={"client_a": 404, "client_b": 404},
        not_a_page=True,
    ),
    Route("mindfulness:manage", THERAPIST),
    Route(
        "mindfulness:custom_new",
        THERAPIST,
        methods=("GET", "POST"),
        post_data={"title": "Zed's practice", "steps_text": "Breathe.", "step_seconds": "30"},
    ),
    # Ana's own practices: hers, not part of client A's record.
    Route(
        "mindfulness:custom_edit",
        THERAPIST_OBJECT,
        setup=_own_exercise,
        kwargs=lambda w, p: {"exercise_uuid": p.uuid},
        methods=("GET", "POST"),
        post_data={"title": "Changed", "steps_text": "Changed.", "step_seconds": "30"},
    ),
    Route(
        "mindfulness:custom_archive",
        THERAPIST_OBJECT,
        setup=_own_exercise,
        kwargs=lambda w, p: {"exercise_uuid": p.uuid},
        methods=("POST",),
    ),
    Route(
        "mindfulness:recommend",
        THERAPIST_OF_CLIENT,
        write_form=True,
        kwargs=lambda w, _: {"client_uuid": w.client_a.uuid},
        methods=("GET", "POST"),
        post_data={"practice": "safe-place", "note": "Try this."},
    ),
    Route(
        "mindfulness:recommendation_remove",
        THERAPIST_OF_CLIENT,
        setup=_recommendation,
        kwargs=lambda w, r: {"recommendation_uuid": r.uuid},
        methods=("POST",),
    ),
]
