"""Reading a client's practices for their therapist.

The client rates how she felt before and after a practice, and may add a word, under the promise that they
are only for her (after.html, what_helps.html). So the therapist learns which practices were used and how
often, never the ratings, the word, or an order made from them (tending/tests/test_privacy_statements.py).
"""

from datetime import datetime

from mindfulness.content import builtin
from mindfulness.models import ExerciseLog


def tried_since(client, since: datetime | None = None) -> list[dict]:
    """Each exercise the client did after ``since`` (or ever) and how often: most often first, then by
    title. One query, and no rating leaves it."""
    # Never those practised after our work together ended: the client's alone (issue 21).
    logs = ExerciseLog.objects.for_client(client).filter(after_ending=False)
    if since:
        logs = logs.filter(practised_at__gt=since)
    rows = []
    for row in logs.times_tried():
        title = row.get("custom__title")
        if not title:
            exercise = builtin(row["builtin_slug"])
            # One since retired from the library is still named, by its slug.
            title = exercise.title if exercise else row["builtin_slug"]
        rows.append({"title": title, "times": row["times"]})
    return sorted(rows, key=lambda r: (-r["times"], r["title"]))
