"""Reading the formulation's suggestions for the therapist's caseload."""

from django.db.models import Count

from formulation.models import Insight


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
