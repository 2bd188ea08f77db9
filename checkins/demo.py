"""Six months of plausible check-ins: Cara lifting, Dev steady with a hard stretch, Eli up and down."""

import datetime as dt
import math
import random

from django.utils import timezone

from checkins.models import CheckIn

ORDER = 40
DAYS = 182

FEELINGS_BY_MOOD = {
    "low": ["tired", "low", "anxious", "overwhelmed", "lonely", "sad"],
    "middle": ["tired", "calm", "anxious", "tender", "content"],
    "high": ["calm", "content", "hopeful", "grateful", "loved"],
}


def _mood_curve(name: str, progress: float, rng: random.Random) -> float:
    if name == "cara":  # lifting, with everyday ups and downs
        base = 3 + 4.5 * progress
    elif name == "dev":  # steady, with a hard stretch six weeks ago
        base = 4.5 - (2.5 if 0.7 < progress < 0.8 else 0)
    else:  # eli: waves
        base = 5 + 2 * math.sin(progress * 9)
    return max(0, min(10, base + rng.uniform(-1.5, 1.5)))


def _checkins(client, name: str, today: dt.date, rng: random.Random) -> list[CheckIn]:
    rows = []
    for offset in range(DAYS, 0, -1):
        if rng.random() < 0.25:  # skipping a day is fine and never remarked on
            continue
        day = today - dt.timedelta(days=offset)
        progress = 1 - offset / DAYS
        mood = round(_mood_curve(name, progress, rng))
        words = FEELINGS_BY_MOOD["low" if mood <= 3 else "high" if mood >= 7 else "middle"]
        at = timezone.make_aware(
            dt.datetime.combine(day, dt.time(20, rng.randrange(60))), timezone.get_default_timezone()
        )
        rows.append(
            CheckIn(
                client=client,
                local_date=day,
                created_at=at,
                updated_at=at,
                feelings=rng.sample(words, 2),
                body_areas=rng.sample(["shoulders", "chest", "stomach", "jaw"], 1) if mood <= 4 else [],
                mood=mood,
                energy=max(0, min(10, mood + rng.randint(-2, 1))),
                tension=max(0, min(10, 10 - mood + rng.randint(-1, 2))),
                sleep=max(0, min(10, mood + rng.randint(-2, 2))),
                peace=max(0, min(10, mood + rng.randint(-2, 1))),
                fulfilment=max(0, min(10, mood + rng.randint(-3, 1))),
                self_kindness=max(0, min(10, round(2 + 6 * progress) + rng.randint(-1, 1)))
                if name == "cara"
                else max(0, min(10, mood + rng.randint(-2, 1))),
            )
        )
    return rows


def seed(demo) -> None:
    today = timezone.localdate()
    for name in ("cara", "dev", "eli"):
        client = getattr(demo, name)
        if CheckIn.objects.filter(client=client).exists():
            continue
        CheckIn.objects.bulk_create(_checkins(client, name, today, random.Random(f"checkins-{name}")))  # noqa: S311 - demo data
