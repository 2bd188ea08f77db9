"""The clock's caseload job (``caseload_refresh``, every 15 minutes) and the full rebuild.

Stored facts that change with time alone (the next appointment begins, so the last session and the
questionnaires "returned since your last session" move on; an unread shared entry leaves the journal's
lookback) carry ``valid_until``. A view refreshes any it finds past that time itself, so the job is not
needed for correctness: it does the work ahead of the views (up to ``AHEAD`` early), and refreshes
clients marked changed that nobody has looked at since, so marks do not pile up.
"""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone

from caseload.facts import refresh_in_batches
from caseload.models import ClientFacts
from practice.models import Client, ClientChange

AHEAD = timedelta(minutes=20)


def refresh(now=None) -> int:
    """The ``caseload_refresh`` job: facts due to change by the next run, marked, or missing. Returns how many."""
    now = now or timezone.now()
    due = ClientFacts.objects.filter(valid_until__lte=now + AHEAD).values_list("client_id", flat=True)
    marked = ClientChange.objects.values_list("client_id", flat=True).distinct()
    missing = (
        Client.objects.exclude(care_status=Client.CareStatus.ENDED)
        .filter(Q(attention_facts__isnull=True))
        .values_list("pk", flat=True)
    )
    ids = {*due, *marked, *missing}
    return refresh_in_batches(ids, now=now)


def rebuild(now=None) -> int:
    """Recompute every client's facts (``caseload_rebuild``: after loading data without signals, or to be sure)."""
    return refresh_in_batches(Client.objects.values_list("pk", flat=True), now=now)
