"""What the staff's money lists read: the clients a person may bill, and what is waiting among them.

Lists are querysets for a page at a time (money/paging.py) and totals are sums in the database, so
the overview and the home panels cost the same however many sessions a practice has had.
"""

from datetime import date

from django.db.models import Count, F, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce

from core.compiled import CompiledRead
from money.models import AgreedFee, Charge, Invoice, Payment, Supplier, TherapistBilling
from practice.access import staff_shaped
from practice.models import Client, StaffMember

# What a list of invoices never shows: the sealed address (each would be decrypted) and the supplier's copy.
LIST_DEFERRED = ("billed_address", "supplier_details")
# Of each row's client, what a list shows: their name and the link to their page. Reading every column of the
# client and their account made the ORM's work on the overview's lists about half again (bench/queries.py).
CLIENT_NAMED = ("client__uuid", "client__preferred_name", "client__user__name", "client__user__email")
# "Recent payments" on the overview: at most this many.
RECENT_PAYMENTS = 12


def clients_in_view(staff):
    """The clients whose money ``staff`` sees: their own, or (the office) the practice's. Erased ones never."""
    clients = Client.objects.filter(practice=staff.practice).not_erased()
    return clients if staff.runs_office else clients.filter(therapist=staff)


def in_view(queryset, staff):
    """``queryset`` (of a model with ``practice`` and ``client``) narrowed to the clients whose money ``staff``
    sees, in the query itself rather than as a list of ids: the office's list would be every client of the
    practice, sent again in each query of a page."""
    if staff.runs_office:
        return queryset.filter(practice=staff.practice).exclude(client__in=Client.objects.erased())
    # A therapist's few clients first, so each table is read through its index by client.
    return queryset.filter(client__in=clients_in_view(staff))


def charges_waiting(staff):
    """Sessions and fees not invoiced yet among ``staff``'s clients, oldest first."""
    return (
        in_view(Charge.objects.waiting(), staff)
        .select_related("client__user")
        .only("uuid", "day", "kind", "amount", *CLIENT_NAMED)
        .order_by("day", "created_at")
    )


def invoices_waiting(staff):
    """Invoices with something still to be paid (``Invoice.waiting``, kept by money.ledger.settle), oldest first."""
    return (
        in_view(Invoice.objects.invoices().issued().unpaid(), staff)
        .select_related("client__user")
        .only("uuid", "reference", "tax_point", "waiting", *CLIENT_NAMED)
        .order_by("issued_at", "number")
    )


def _sums(queryset, amount):
    # Grouped by the practice (every row a person sees is of theirs) to be a queryset CompiledRead can keep:
    # one row, or none when nothing waits.
    return (
        queryset.order_by()
        .values("practice")
        .annotate(count=Count("pk"), total=Sum(amount))
        .values_list("count", "total")
    )


def _staff(shape, staff, practice):
    (office,) = shape
    return staff_shaped(staff, practice, is_owner=office)


# The overview and the staff's home panels read these on each view: their SQL is written once (core/compiled.py).
# A staff member's reads take their key and their practice's, and are shaped by whether they run the office.
_STAFF = {"staff": int, "practice": int}


def _in_view(staff: StaffMember) -> dict:
    return {"staff": staff.pk, "practice": staff.practice_id}


# Planned afresh on every run (few charges wait, which a plan for any status cannot know), so read alone, not with a
# page's others.
_CHARGES_WAITING = CompiledRead(
    Charge, lambda shape, **values: _sums(charges_waiting(_staff(shape, **values)), "amount"), _STAFF, alone=True
)
_INVOICES_WAITING = CompiledRead(
    Invoice, lambda shape, **values: _sums(invoices_waiting(_staff(shape, **values)), "waiting"), _STAFF
)
# The lists a page at a time: the page's bounds end the shape.
_CHARGES_PAGE = CompiledRead(
    Charge, lambda shape, **values: charges_waiting(_staff(shape[:1], **values))[shape[1] : shape[2]], _STAFF
)
_INVOICES_PAGE = CompiledRead(
    Invoice, lambda shape, **values: invoices_waiting(_staff(shape[:1], **values))[shape[1] : shape[2]], _STAFF
)


def charges_waiting_pages(staff):
    """``charges_waiting(staff)`` for a paginator (money/paging.py), each page read through CompiledRead."""
    return _CHARGES_PAGE.pages((staff.runs_office,), **_in_view(staff))


def invoices_waiting_pages(staff):
    """``invoices_waiting(staff)`` for a paginator, each page read through CompiledRead."""
    return _INVOICES_PAGE.pages((staff.runs_office,), **_in_view(staff))


def _recent_payments(shape, *, since, **values):
    return (
        in_view(Payment.objects.filter(received_on__gte=since), _staff(shape, **values))
        .select_related("client__user")
        .only("uuid", "receipt_reference", "received_on", "method", "kind", "amount", "currency", *CLIENT_NAMED)
        .order_by("-received_on", "-recorded_at")[:RECENT_PAYMENTS]
    )


_RECENT_PAYMENTS = CompiledRead(Payment, _recent_payments, {**_STAFF, "since": date})


def recent_payments(staff, since: date) -> list:
    """The newest payments (at most ``RECENT_PAYMENTS``) received since ``since`` among ``staff``'s clients."""
    return _RECENT_PAYMENTS.objects((staff.runs_office,), since=since, **_in_view(staff))


def waiting_asked(staff) -> list:
    """The two reads of ``waiting_totals``, to name to a page's panels (``core.panels.reading``)."""
    shape = (staff.runs_office,)
    return [_CHARGES_WAITING.asked(shape, **_in_view(staff)), _INVOICES_WAITING.asked(shape, **_in_view(staff))]


def waiting_totals(staff) -> dict:
    """How many charges wait to be invoiced and invoices to be paid, and their amounts: two queries."""
    charges_waiting, invoices_waiting = waiting_asked(staff)
    charges, charges_total = charges_waiting.row(default=(0, 0))
    unpaid, unpaid_total = invoices_waiting.row(default=(0, 0))
    return {"charges": charges, "charges_total": charges_total, "unpaid": unpaid, "unpaid_total": unpaid_total}


# --- one client's money page -----------------------------------------------------------------------------

# Of each document a credit note credits, how much (issued credit notes only).
_credited = Coalesce(
    Subquery(
        Invoice.objects.filter(credits=OuterRef("pk"), status=Invoice.Status.ISSUED)
        .order_by()
        .values("credits")
        .annotate(total=Sum("total"))
        .values("total")
    ),
    0,
)
# The columns of a client's list of documents.
_LISTED = ("uuid", "kind", "status", "reference", "number", "tax_point", "issued_at", "total", "currency", "waiting")
_CLIENT = {"client": int}


def _documents(shape, *, client):
    return (
        Invoice.objects.filter(client=client)
        # What the list shows, and of the credited invoice only its number: every column of both documents
        # made the query cost the ORM three times as much to build (bench/queries.py).
        .only(*_LISTED)
        .annotate(credits_reference=F("credits__reference"))
        # A correlated subquery, not a join and GROUP BY: the planner then reads each document's credit notes
        # through the ``credits`` index even where statistics say nearly every row's ``credits`` is empty.
        .annotate(credited=_credited)
        .order_by("-issued_at", "-number")[shape[0] : shape[1]]
    )


_DOCUMENTS = CompiledRead(Invoice, _documents, _CLIENT)
_PAYMENTS = CompiledRead(
    Payment,
    lambda shape, *, client: Payment.objects.filter(client=client).order_by("-received_on", "-recorded_at")[
        shape[0] : shape[1]
    ],
    _CLIENT,
)
_CHARGES = CompiledRead(
    Charge,
    lambda shape, *, client: Charge.objects.filter(
        client=client, status__in=[Charge.Status.WAITING, Charge.Status.WAIVED]
    ).order_by("day", "created_at"),
    _CLIENT,
)
_AGREED_FEES = CompiledRead(AgreedFee, lambda shape, *, client: AgreedFee.objects.filter(client=client), _CLIENT)


def client_documents_pages(client):
    """``client``'s invoices and credit notes, newest first, for a paginator: each with ``credits_reference``
    (the number of the invoice a credit note credits) and ``credited`` (what credit notes took off it)."""
    return _DOCUMENTS.pages(client=client.pk)


def client_payments_pages(client):
    """``client``'s payments and refunds, newest first, for a paginator."""
    return _PAYMENTS.pages(client=client.pk)


def client_charges(client) -> list:
    """``client``'s charges waiting to be invoiced or waived, oldest first."""
    return _CHARGES.objects(client=client.pk)


def client_agreed_fees(client) -> list:
    """The fees agreed with ``client``, newest first."""
    return _AGREED_FEES.objects(client=client.pk)


# --- a client's own money page ---------------------------------------------------------------------------

_OWN_DOCUMENTS = CompiledRead(
    Invoice,
    lambda shape, *, client: Invoice.objects.filter(client=client)
    .select_related("credits")
    .defer(*LIST_DEFERRED, "credits__billed_address", "credits__supplier_details")
    .order_by("-issued_at", "-number")[shape[0] : shape[1]],
    _CLIENT,
)
_WAITING = CompiledRead(
    Invoice,
    lambda shape, *, client: Invoice.objects.filter(client=client)
    .invoices()
    .issued()
    .unpaid()
    .defer("billed_address")
    .order_by("issued_at", "number"),
    _CLIENT,
)


def own_documents_pages(client):
    """``client``'s invoices and credit notes for their own page, newest first, each with the invoice it credits,
    for a paginator."""
    return _OWN_DOCUMENTS.pages(client=client.pk)


def client_waiting(client) -> list:
    """``client``'s issued invoices with something still to pay (``Invoice.waiting``, kept by ``ledger.settle``),
    oldest first, with the supplier's details (their payment instructions): the client's own page, and the
    invoices a payment recorded by the staff can name."""
    return _WAITING.objects(client=client.pk)


# A therapist's own supplier (for invoicing in their own name), if they have one: read on every view of their billing
# and whenever their sessions are invoiced, as a kept read (core/compiled.py).
_OWN_SUPPLIER = CompiledRead(
    Supplier,
    lambda shape, *, therapist: Supplier.objects.filter(therapist=therapist).order_by("pk")[:1],
    {"therapist": int},
)


def own_supplier(therapist_id: int) -> Supplier | None:
    return _OWN_SUPPLIER.first(therapist=therapist_id)


# The practice as supplier, a therapist's registration, and the names invoices are issued in: read on every view of
# the billing settings, a therapist's billing and the books, as kept reads (core/compiled.py).
_PRACTICE_SUPPLIER = CompiledRead(
    Supplier,
    lambda shape, *, practice: Supplier.objects.filter(practice=practice, therapist__isnull=True).order_by("pk")[:1],
    {"practice": int},
)
_BILLING = CompiledRead(
    TherapistBilling,
    lambda shape, *, therapist: TherapistBilling.objects.filter(therapist=therapist),
    {"therapist": int},
)
_SUPPLIER_NAMES = CompiledRead(
    Supplier,
    lambda shape, *, practice: Supplier.objects.filter(practice=practice)
    .order_by("therapist_id", "name")
    .values_list("uuid", "name"),
    {"practice": int},
)


def practice_supplier_or_none(practice_id: int) -> Supplier | None:
    return _PRACTICE_SUPPLIER.first(practice=practice_id)


def billing_or_none(therapist_id: int) -> TherapistBilling | None:
    return _BILLING.first(therapist=therapist_id)


def supplier_names(practice_id: int) -> list[tuple]:
    """The practice's suppliers (itself, and therapists invoicing in their own name) as (uuid, name), the practice
    first."""
    return _SUPPLIER_NAMES.rows(practice=practice_id)


# Whether a practice has recorded any invoice or payment (its currency is then fixed): read on every view of the
# billing settings, as kept reads (core/compiled.py).
_AN_INVOICE = CompiledRead(
    Invoice,
    lambda shape, *, practice: Invoice.objects.filter(practice=practice).values_list("pk")[:1],
    {"practice": int},
)
_A_PAYMENT = CompiledRead(
    Payment,
    lambda shape, *, practice: Payment.objects.filter(practice=practice).values_list("pk")[:1],
    {"practice": int},
)


def money_recorded(practice_id: int) -> bool:
    """The practice has an invoice or a payment on record (of any kind or state)."""
    return bool(_AN_INVOICE.rows(practice=practice_id) or _A_PAYMENT.rows(practice=practice_id))


# The practice's therapists with their billing, by name, as the billing settings list them.
_THERAPISTS_BILLING = CompiledRead(
    StaffMember,
    lambda shape, *, practice: StaffMember.objects.filter(practice=practice)
    .therapists()
    .select_related("user", "billing")
    .order_by("user__name", "pk"),  # by name: unordered, the list moved about as rows were updated
    {"practice": int},
)


def therapists_with_billing(practice_id: int) -> list[StaffMember]:
    return _THERAPISTS_BILLING.objects(practice=practice_id)
