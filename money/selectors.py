"""What the staff's money lists read: the clients a person may bill, and what is waiting among them.

Lists are querysets for a page at a time (money/paging.py) and totals are sums in the database, so
the overview and the home panels cost the same however many sessions a practice has had.
"""

from django.db.models import Count, Sum

from money.models import Charge, Invoice
from practice.models import Client

# What a list of invoices never shows: the sealed address (each would be decrypted) and the supplier's copy.
LIST_DEFERRED = ("billed_address", "supplier_details")


def clients_in_view(staff):
    """The clients whose money ``staff`` sees: their own, or (the office) the practice's. Erased ones never."""
    clients = Client.objects.filter(practice=staff.practice).not_erased()
    return clients if staff.runs_office else clients.filter(therapist=staff)


def client_ids_in_view(staff) -> list[int]:
    """The ids of ``clients_in_view``, read once for the several lists of one page (a subquery in each
    cost more to build than the list does to send)."""
    return list(clients_in_view(staff).values_list("pk", flat=True))


def charges_waiting(staff, ids: list[int] | None = None):
    """Sessions and fees not invoiced yet among ``staff``'s clients (``ids``, if read already), oldest first."""
    return (
        Charge.objects.waiting()
        .filter(client_id__in=client_ids_in_view(staff) if ids is None else ids)
        .select_related("client__user")
        .order_by("day", "created_at")
    )


def invoices_waiting(staff, ids: list[int] | None = None):
    """Invoices with something still to be paid (``Invoice.waiting``, kept by money.ledger.settle), oldest first."""
    return (
        Invoice.objects.invoices()
        .issued()
        .filter(client_id__in=client_ids_in_view(staff) if ids is None else ids, waiting__gt=0)
        .select_related("client__user")
        .defer(*LIST_DEFERRED)
        .order_by("issued_at", "number")
    )


def waiting_totals(staff, ids: list[int] | None = None) -> dict:
    """How many charges wait to be invoiced and invoices to be paid, and their amounts: three queries (two
    when the client ids are given)."""
    ids = client_ids_in_view(staff) if ids is None else ids
    charges = charges_waiting(staff, ids).order_by().aggregate(count=Count("pk"), total=Sum("amount"))
    invoices = invoices_waiting(staff, ids).order_by().aggregate(count=Count("pk"), total=Sum("waiting"))
    return {
        "charges": charges["count"],
        "charges_total": charges["total"] or 0,
        "unpaid": invoices["count"],
        "unpaid_total": invoices["total"] or 0,
    }
