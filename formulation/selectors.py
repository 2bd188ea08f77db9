"""Reading the formulation's suggestions for the therapist's caseload."""

from django.db.models import Count

from core.compiled import CompiledRead
from formulation.models import Cause, Insight

# The client's home and their ending's pages, each view: built by the ORM once (core/compiled.py).
_SHARED_CAUSES = CompiledRead(
    Cause,
    lambda shape, *, client: Cause.objects.for_client(client).filter(shared_with_client=True).only("client_wording"),
    {"client": int},
)


def causes_shared_with(client) -> list[Cause]:
    """The causes the therapist chose to share with ``client``, with the client's wording only."""
    return _SHARED_CAUSES.objects(client=client.pk)


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
