"""``AuditReadsMiddleware``: the reads of a page are written as one audit row, once the page exists.

Placed last in ``MIDDLEWARE`` so that it wraps the view alone. Before the view it puts an empty
``PageReads`` on the request (audit/reads.py); ``audit_read`` and ``audit_list_read`` add to it. When
the view has returned its response (a ``TemplateResponse`` has been rendered by then; a PDF's bytes
have been made) the reads are written, one row per client, before the response leaves: if writing
fails, the request fails, so a page is never shown unrecorded.

If the view raises (a 404 from an access helper, a crash, a template that fails to render), nothing
is written: nothing was shown. A streaming response's body is made after this point: reads made while
it streams are written at once, one by one (no page of ours reads clinical data that way today).
"""

from django.db import transaction

from audit.models import AuditEvent
from audit.reads import ATTRIBUTE, PageReads
from audit.services import audit_record


class AuditReadsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reads = PageReads()
        setattr(request, ATTRIBUTE, reads)
        try:
            response = self.get_response(request)
        finally:
            # From here on (a streaming body, an outer middleware) reads are written at once.
            setattr(request, ATTRIBUTE, None)
        if not reads.discarded:
            write_page_reads(request, reads)
        return response

    def process_exception(self, request, exception):
        """The view raised: Django turns it into an error page, and what the view read was not shown."""
        reads = getattr(request, ATTRIBUTE, None)
        if reads is not None:
            reads.discarded = True


def write_page_reads(request, reads: PageReads) -> None:
    """One row per client read (and one for the page's lists); several in one transaction (one is one already)."""
    rows = list(reads.rows())
    if len(rows) == 1:
        audit_record(action=AuditEvent.Action.READ, request=request, **rows[0])
    elif rows:
        with transaction.atomic():
            for row in rows:
                audit_record(action=AuditEvent.Action.READ, request=request, **row)
