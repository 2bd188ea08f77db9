"""Practice history for the demo: a few weeks of Cara's, Dev's and Eli's practices, with a gap for Dev."""

import datetime
import random

from django.utils import timezone

from mindfulness.content import BY_SLUG
from mindfulness.models import CustomExercise, ExerciseLog, Recommendation
from mindfulness.services import custom_exercise_save, exercise_log_record, recommendation_create

ORDER = 40

TEA = (
    "Make a cup of tea or something warm, slowly. You can stop at any time.\n\n"
    "Hold the cup in both hands. Notice its warmth, its weight, the steam.\n\n"
    "Take a first sip and notice the taste, as if for the first time.\n\n"
    "Notice the room around you: your feet on the floor, the sounds near and far. Whatever happened, you gave yourself this time."
)

# (client, practice slug, days ago, calm before/after, kindness before/after)
HISTORY = {
    "cara": [
        ("soothing-rhythm-breathing", (3, 6), (2, 4)),
        ("self-compassion-break", (2, 5), (1, 5)),
        ("safe-place", (4, 6), (3, 5)),
        ("grounding-5-4-3-2-1", (1, 5), (2, 3)),
        ("body-scan", (4, 5), (3, 3)),
    ],
    "dev": [
        ("three-step-breathing-space", (3, 5), (4, 5)),
        ("mindful-walking", (4, 7), (4, 6)),
        ("grounding-5-4-3-2-1", (2, 5), (3, 4)),
    ],
    "eli": [
        ("body-scan", (3, 6), (4, 5)),
        ("kindness-to-myself", (4, 5), (2, 5)),
        ("compassionate-letter", (3, 4), (2, 6)),
    ],
}


def seed(demo) -> None:
    rng = random.Random(5)  # noqa: S311 - demo data, not secrets
    tea = CustomExercise.objects.filter(author=demo.ana, title="A mindful cup of tea").first()
    if tea is None:
        tea = custom_exercise_save(
            author=demo.ana,
            fields={
                "title": "A mindful cup of tea",
                "summary": "Making and drinking something warm, with your full attention.",
                "helps_when": "When the day has been rushed and you want a small, ordinary pause.",
                "steps_text": TEA,
                "step_seconds": 40,
            },
        )
    now = timezone.now()
    for name, plan in HISTORY.items():
        client = getattr(demo, name)
        if ExerciseLog.objects.filter(client=client).exists():
            continue
        # Dev came back after a few weeks away: "what helps me" welcomes him back.
        offset = 20 if name == "dev" else 0
        for n in range(12):
            slug, (calm_before, calm_after), (kind_before, kind_after) = plan[n % len(plan)]
            wobble = rng.choice((-1, 0, 0, 1))
            exercise_log_record(
                client=client,
                exercise=BY_SLUG[slug],
                calm_before=calm_before,
                calm_after=max(0, min(10, calm_after + wobble)),
                kindness_before=kind_before if n % 3 else None,
                kindness_after=max(0, min(10, kind_after + wobble)) if n % 3 else None,
                word=rng.choice(["lighter", "tired", "softer", "", "calmer", "a bit better"]),
                practised_at=now - datetime.timedelta(days=offset + 2 + n * 3, hours=rng.randint(0, 10)),
            )
        if name == "cara":
            exercise_log_record(
                client=client, exercise=tea, calm_before=4, calm_after=6, practised_at=now - datetime.timedelta(days=1)
            )

    suggestions = [
        (
            demo.ana,
            demo.cara,
            BY_SLUG["safe-place"],
            "For the evenings when your mind is racing. Your beach is a lovely place to go back to.",
        ),
        (demo.ana, demo.cara, tea, "Something small for the rushed days we talked about."),
        (demo.ana, demo.dev, BY_SLUG["grounding-5-4-3-2-1"], "For the moments on the train when panic starts to rise."),
        (demo.ben, demo.eli, BY_SLUG["body-scan"], "Try the short one before bed, lying down if that feels better."),
    ]
    for therapist, client, exercise, note in suggestions:
        ref = {"custom": exercise} if not exercise.is_builtin else {"builtin_slug": exercise.slug}
        if not Recommendation.objects.active().filter(client=client, **ref).exists():
            recommendation_create(therapist=therapist, client=client, exercise=exercise, note=note)
