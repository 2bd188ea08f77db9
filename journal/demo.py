"""A few journal entries for each demo client; some shared with their therapist."""

import datetime

from django.utils import timezone

from journal.models import Entry
from journal.services import entry_save, entry_share

ORDER = 50

ENTRIES = {
    "cara": [
        (
            "kindness",
            9,
            False,
            "Jo brought soup round without being asked.\nThe man at the bus stop held the door.\nI let myself sit down for ten minutes after work.",
        ),
        (
            "critic",
            6,
            True,
            "The critic said: I'm useless, I messed up the meeting and everyone saw.\n\nA kind friend would say: one meeting went badly. You were tired and you still turned up. That counts.",
        ),
        (
            "letter",
            2,
            True,
            "Dear Cara, you have been carrying a lot this month. It makes sense that you are tired. You do not have to earn rest.",
        ),
    ],
    "dev": [
        (
            "free",
            12,
            False,
            "Train was packed again. Used the grounding thing: five things I could see. It took the edge off.",
        ),
        (
            "kindness",
            4,
            True,
            "A colleague asked how I was and waited for the answer.\nMade a proper breakfast.\nWalked the long way home.",
        ),
    ],
    "eli": [
        ("free", 8, False, "Quiet weekend. Missing Mum more than usual. Sat with it for a while in the garden."),
        ("letter", 3, True, "Eli, grief is love with nowhere to go. You are allowed to feel this slowly."),
    ],
}


def seed(demo) -> None:
    now = timezone.now()
    for name, items in ENTRIES.items():
        client = getattr(demo, name)
        if Entry.objects.filter(client=client).exists():
            continue
        for prompt, days_ago, shared, body in items:
            entry, _findings = entry_save(client=client, body=body, prompt=prompt)
            when = now - datetime.timedelta(days=days_ago, hours=3)
            Entry.objects.filter(pk=entry.pk).update(created_at=when, updated_at=when)
            if shared:
                entry_share(entry=entry)
                Entry.objects.filter(pk=entry.pk).update(shared_at=when + datetime.timedelta(hours=1))
