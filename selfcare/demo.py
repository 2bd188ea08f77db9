"""Self-care plans for the demo clients, ticked now and then (never every day)."""

import datetime
import random

from django.utils import timezone

from selfcare.models import Activity, Reminder
from selfcare.services import activity_add, reminder_update, tick_record

ORDER = 45

PLANS = {
    "cara": [
        ("body", "A walk by the river", "few_a_week"),
        ("soul", "Call my sister", "weekly"),
        ("mind", "Read a chapter before bed", "most_days"),
        ("body", "An early night", "when_i_like"),
    ],
    "dev": [
        ("body", "Swim at the leisure centre", "weekly"),
        ("soul", "Play guitar, just for me", "when_i_like"),
        ("mind", "Write down three things that went all right", "few_a_week"),
    ],
    "eli": [
        ("soul", "Sit in the garden with a coffee", "most_days"),
        ("body", "Stretch for ten minutes", "few_a_week"),
        ("mind", "A crossword with Dad", "weekly"),
    ],
}


def seed(demo) -> None:
    rng = random.Random(7)  # noqa: S311 - demo data, not secrets
    now = timezone.now()
    for name, items in PLANS.items():
        client = getattr(demo, name)
        if Activity.objects.filter(client=client).exists():
            continue
        for area, text, rhythm in items:
            activity = activity_add(client=client, area=area, text=text, rhythm=rhythm)
            for days_ago in sorted(rng.sample(range(1, 40), rng.randint(2, 7))):
                tick_record(activity=activity, done_at=now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 8)))
    # Eli chose a reminder in his own words; the others have theirs off (the default).
    if not Reminder.objects.filter(client=demo.eli).exists():
        reminder_update(
            client=demo.eli,
            is_on=True,
            time_of_day=datetime.time(19, 0),
            days=Reminder.Days.EVERY_DAY,
            message="Eli, you've done enough for today. Ten minutes in the garden is allowed.",
        )
