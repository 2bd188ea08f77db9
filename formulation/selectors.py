"""Reading a client's formulation for its page, and the formulation's suggestions for the therapist's caseload."""

from datetime import date

from django.db.models import Count

from core.compiled import CompiledRead
from formulation.models import Cause, CauseStatus, Insight, Symptom, SymptomStatus, history_since

# The client's home and their ending's pages, each view: built by the ORM once (core/compiled.py).
_SHARED_CAUSES = CompiledRead(
    Cause,
    lambda shape, *, client: Cause.objects.for_client(client).filter(shared_with_client=True).only("client_wording"),
    {"client": int},
)


def causes_shared_asked(client):
    """The read ``causes_shared_with`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _SHARED_CAUSES.asked(client=client.pk)


def causes_shared_with(client) -> list[Cause]:
    """The causes the therapist chose to share with ``client``, with the client's wording only."""
    return causes_shared_asked(client).objects()


def waiting_counts_by_client(staff) -> dict:
    """{client_id: suggestions waiting} for the therapist's clients. One query."""
    return dict(
        Insight.objects.waiting()
        .for_therapist(staff)
        .values("client_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("client_id", "n")
    )


# The formulation page, each view: built by the ORM once (core/compiled.py) rather than as five prefetches built and
# planned on every request (docs/benchmarks.md, "Issue 22, tenth pass"). The shape says whether the whole history
# is asked for or the part from ``since`` on.
_SYMPTOMS = CompiledRead(Symptom, lambda shape, *, client: Symptom.objects.for_client(client), {"client": int})
_CAUSES = CompiledRead(Cause, lambda shape, *, client: Cause.objects.for_client(client), {"client": int})
_SYMPTOM_HISTORY = CompiledRead(
    SymptomStatus,
    lambda shape, *, client, since: history_since(SymptomStatus, "symptom", None if shape[0] else since).filter(
        symptom__client=client
    ),
    {"client": int, "since": date},
)
_CAUSE_HISTORY = CompiledRead(
    CauseStatus,
    lambda shape, *, client, since: history_since(CauseStatus, "cause", None if shape[0] else since).filter(
        cause__client=client
    ),
    {"client": int, "since": date},
)
_LINKS = CompiledRead(
    Cause.symptoms.through,
    lambda shape, *, client: Cause.symptoms.through.objects.filter(cause__client=client)
    .order_by("cause_id", "symptom_id")
    .values_list("cause_id", "symptom_id"),
    {"client": int},
)


def formulation_asked(client, *, since: date | None) -> list:
    """The five reads of ``formulation_of``, to read ahead with a page's others (``core.compiled.reads_ahead``)."""
    shape, values = (since is None,), {"client": client.pk, "since": since or date.min}
    return [
        _SYMPTOMS.asked(client=client.pk),
        _CAUSES.asked(client=client.pk),
        _SYMPTOM_HISTORY.asked(shape, **values),
        _CAUSE_HISTORY.asked(shape, **values),
        _LINKS.asked(client=client.pk),
    ]


def formulation_of(client, *, since: date | None) -> tuple[list[Symptom], list[Cause]]:
    """``client``'s symptoms and causes, each with its history (all of it, or from ``since`` on and the entry in
    force that day, as ``with_history``), and each cause with its symptoms: the symptoms listed, the same objects.
    Five queries, whatever the history."""
    symptoms_read, causes_read, symptom_history, cause_history, links = formulation_asked(client, since=since)
    symptoms, causes = symptoms_read.objects(), causes_read.objects()
    _give(symptoms, "history", symptom_history.objects(), lambda entry: entry.symptom_id)
    _give(causes, "history", cause_history.objects(), lambda entry: entry.cause_id)
    linked = {}
    for cause_id, symptom_id in links.rows():
        linked.setdefault(cause_id, set()).add(symptom_id)
    for cause in causes:
        ids = linked.get(cause.id, ())
        # In the symptoms' own order (when they were noted), as the prefetch gave them.
        _prefetched(cause, "symptoms", [symptom for symptom in symptoms if symptom.id in ids])
    return symptoms, causes


def _give(owners, name: str, entries, owner_of) -> None:
    """Each owner's ``entries`` as its prefetched ``name`` (oldest first, as read)."""
    found = {}
    for entry in entries:
        found.setdefault(owner_of(entry), []).append(entry)
    for owner in owners:
        _prefetched(owner, name, found.get(owner.id, []))


def _prefetched(instance, name: str, rows: list) -> None:
    """What ``prefetch_related(name)`` would have left on ``instance``: ``instance.<name>.all()`` gives ``rows``
    without a query. Django keeps prefetched rows in ``_prefetched_objects_cache`` under the relation's name."""
    instance.__dict__.setdefault("_prefetched_objects_cache", {})[name] = rows
