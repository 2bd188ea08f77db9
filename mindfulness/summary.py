""" "What helps me": the exercises the client did, ranked by their own average change, no targets, no totals."""

from dataclasses import dataclass
from datetime import datetime

from django.urls import reverse

from core.compiled import CompiledRead
from mindfulness.content import builtin
from mindfulness.models import ExerciseLog


@dataclass
class HelpsRow:
    title: str
    play_url_name: str
    play_kwargs: dict
    times: int
    rated: int
    calm_change: float | None
    kindness_change: float | None
    last: datetime

    @property
    def url(self) -> str:
        return reverse(self.play_url_name, kwargs=self.play_kwargs)

    @staticmethod
    def _signed(change: float | None) -> str:
        if change is None:
            return ""
        return f"{change:+.1f}".replace("+0.0", "0.0").replace("-0.0", "0.0")

    @property
    def calm_text(self) -> str:
        return self._signed(self.calm_change)

    @property
    def kindness_text(self) -> str:
        return self._signed(self.kindness_change)

    @property
    def score(self) -> float | None:
        """The mean of the changes the client rated; None when they never rated this exercise."""
        changes = [c for c in (self.calm_change, self.kindness_change) if c is not None]
        return sum(changes) / len(changes) if changes else None


# "What helps me" and the ending's summary, each view: built by the ORM once (core/compiled.py).
_HELPS = CompiledRead(
    ExerciseLog,
    lambda shape, *, client: ExerciseLog.objects.for_client(client)
    .what_helps()
    .values_list(
        "builtin_slug", "custom__uuid", "custom__title", "times", "rated", "calm_change", "kindness_change", "last"
    ),
    {"client": int},
)


def what_helps_rows(client) -> tuple[list[HelpsRow], datetime | None]:
    """Rows best first (unrated last), and when the client last practised. One query."""
    rows = []
    for slug, custom_uuid, custom_title, times, rated, calm_change, kindness_change, last in _HELPS.rows(
        client=client.pk
    ):
        if custom_uuid:
            title, name, kwargs = custom_title, "mindfulness:play_custom", {"exercise_uuid": custom_uuid}
        else:
            exercise = builtin(slug)
            if exercise is None:  # an exercise since retired from the library
                continue
            title, name, kwargs = exercise.title, "mindfulness:play", {"slug": exercise.slug}
        rows.append(
            HelpsRow(
                title=title,
                play_url_name=name,
                play_kwargs=kwargs,
                times=times,
                rated=rated,
                calm_change=calm_change,
                kindness_change=kindness_change,
                last=last,
            )
        )
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), -r.times, r.title))
    last = max((r.last for r in rows), default=None)
    return rows, last
