"""Reading a client's exercises for their therapist."""

from datetime import datetime

from mindfulness.content import builtin
from mindfulness.models import ExerciseLog


def tried_since(client, since: datetime | None) -> list[dict]:
    """Each exercise the client did after ``since`` (or ever): how often, and the client's own average
    before/after change, most often first. One query."""
    logs = ExerciseLog.objects.for_client(client)
    if since:
        logs = logs.filter(practised_at__gt=since)
    rows = []
    for row in logs.what_helps():
        title = row.get("custom__title")
        if not title:
            exercise = builtin(row["builtin_slug"])
            # One since retired from the library is still named, by its slug.
            title = exercise.title if exercise else row["builtin_slug"]
        rows.append(
            {
                "title": title,
                "times": row["times"],
                "calm_change": row["calm_change"],
                "kindness_change": row["kindness_change"],
            }
        )
    return sorted(rows, key=lambda r: -r["times"])
