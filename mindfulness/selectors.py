"""Reading a client's practices for their therapist.

The client rates how she felt before and after a practice, and may add a word, under the promise that they
are only for her (after.html, what_helps.html). So the therapist learns which practices were used and how
often, never the ratings, the word, or an order made from them (tending/tests/test_privacy_statements.py).
"""

from datetime import datetime

from core.compiled import EVER, CompiledRead
from mindfulness.content import builtin
from mindfulness.models import ExerciseLog

# Read on every view of the client's record and before each session: built by the ORM once (core/compiled.py).
# Never those practised after our work together ended: the client's alone (issue 21).
_TRIED = CompiledRead(
    ExerciseLog,
    lambda shape, *, client, since: ExerciseLog.objects.for_client(client)
    .filter(after_ending=False, practised_at__gt=since)
    .times_tried()
    .values_list("builtin_slug", "custom__title", "times"),
    {"client": int, "since": datetime},
)


def title_of(builtin_slug: str, custom_title: str | None) -> str:
    """A practice's title from a row that names it: the therapist's own practice's, else the library's; one since
    retired from the library is still named, by its slug."""
    if custom_title:
        return custom_title
    exercise = builtin(builtin_slug)
    return exercise.title if exercise else builtin_slug


def tried_asked(client, since: datetime | None = None):
    """The read ``tried_since`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _TRIED.asked(client=client.pk, since=since or EVER)


def tried_since(client, since: datetime | None = None) -> list[dict]:
    """Each exercise the client did after ``since`` (or ever) and how often: most often first, then by
    title. One query, and no rating leaves it."""
    rows = []
    for slug, custom_title, times in tried_asked(client, since).rows():
        rows.append({"title": title_of(slug, custom_title), "times": times})
    return sorted(rows, key=lambda r: (-r["times"], r["title"]))
